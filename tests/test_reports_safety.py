"""The renderer fetches nothing but the app's static files and data: URLs, whatever is typed."""

import base64

import pytest

from fundtrack.reports.fetcher import RefusedURL, StaticFetcher
from fundtrack.reports.markdown import render_markdown
from fundtrack.reports.render import html_to_pdf
from tests.reports_helpers import pdf_text

PASSWD = "file:///etc/passwd"
EXTERNAL = "http://169.254.169.254/latest/meta-data/logo.png"
TYPED = f"""A paragraph with *emphasis*.

![system file]({PASSWD}) ![external]({EXTERNAL})

[an attachment]({PASSWD}) <a rel="attachment" href="{PASSWD}">raw</a>

<img src="{EXTERNAL}"><style>p {{ background: url({EXTERNAL}) }}</style>

- one
- two
"""


@pytest.fixture
def fetcher(app):
    return StaticFetcher(app.static_folder)


def test_markdown_keeps_paragraphs_and_lists_but_no_markup(app):
    html = str(render_markdown(TYPED))
    assert "<em>emphasis</em>" in html and "<li>one</li>" in html
    assert "<img" not in html and "<style" not in html and "<a rel" not in html
    assert "&lt;style&gt;" in html  # typed markup stays visible text
    assert 'href="file:' not in html and 'src="' not in html


def test_a_typed_narrative_fetches_none_of_its_addresses(app, fetcher):
    html = f"<html><body><div class='narrative'>{render_markdown(TYPED)}</div></body></html>"
    with app.app_context():
        pdf = html_to_pdf(html, fetcher)
    assert not [url for url in fetcher.calls if "passwd" in url or "169.254" in url]
    assert "emphasis" in pdf_text(pdf)


def test_raw_html_reaching_the_renderer_is_refused_by_the_fetcher(app, fetcher):
    # Were the Markdown step bypassed, the fetcher itself still refuses every address.
    html = (
        f'<html><head><link rel="attachment" href="{PASSWD}"></head><body>'
        f'<img src="{PASSWD}"><img src="{EXTERNAL}">'
        f'<a rel="attachment" href="{PASSWD}">attached</a>'
        f'<p style="background: url({EXTERNAL})">styled</p></body></html>'
    )
    with app.app_context():
        pdf = html_to_pdf(html, fetcher)
    asked = set(fetcher.calls)
    assert PASSWD in asked and EXTERNAL in asked  # asked, and refused:
    assert b"root:" not in pdf and b"/EmbeddedFile" not in pdf
    assert "attached" in pdf_text(pdf)


def test_the_fetcher_serves_static_files_and_data_urls_only(app, fetcher):
    assert fetcher.fetch("fundtrack-static:/app.css").read().startswith(b"body")
    png = base64.b64encode(b"\x89PNG fake").decode()
    assert fetcher.fetch(f"data:image/png;base64,{png}").read() == b"\x89PNG fake"
    for url in (
        PASSWD,
        EXTERNAL,
        "https://example.org/",
        "fundtrack-static:/../pyproject.toml",
        "fundtrack-static:/%2e%2e/pyproject.toml",
        "ftp://example.org/x",
    ):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
