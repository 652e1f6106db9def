"""Narratives written by people, as safe HTML for a report: Markdown with raw HTML switched off.

Paragraphs, emphasis, lists, headings, quotes and tables of text work. Nothing typed becomes
markup: raw HTML is escaped, images are written as their description (a report embeds nothing
a person typed an address for), and a link keeps its address only when it is http(s) or mailto
(a PDF link is never fetched by the renderer; other schemes are shown as text).
"""

from markdown_it import MarkdownIt
from markupsafe import Markup, escape

SAFE_LINK_SCHEMES = ("http://", "https://", "mailto:")


def _image_as_text(self, tokens, idx, options, env):
    token = tokens[idx]
    alt = self.renderInlineAsText(token.children or [], options, env)
    return f'<span class="image-omitted">[{escape(alt)}]</span>'


def _link_open(self, tokens, idx, options, env):
    href = tokens[idx].attrGet("href") or ""
    if href.lower().startswith(SAFE_LINK_SCHEMES):
        return f'<a href="{escape(href)}">'
    return "<span>"


def _link_close(self, tokens, idx, options, env):
    opening = next(
        (
            t
            for t in reversed(tokens[:idx])
            if t.type == "link_open" and t.level == tokens[idx].level
        ),
        None,
    )
    href = (opening.attrGet("href") or "") if opening else ""
    return "</a>" if href.lower().startswith(SAFE_LINK_SCHEMES) else "</span>"


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "typographer": False}).enable("table")
    # Let every URL through parsing so the renderers below decide; the default validator
    # would turn a refused link into literal text with its brackets.
    md.validateLink = lambda url: True
    md.add_render_rule("image", _image_as_text)
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("link_close", _link_close)
    return md


_MD = _parser()


def render_markdown(text: str | None) -> Markup:
    """`text` (Markdown) as HTML that holds no markup, style or fetchable address of its own."""
    if not text:
        return Markup("")
    return Markup(_MD.render(text))
