"""HTML to PDF: a report template and its plain data in, PDF bytes out.

Every report goes through `render_pdf`: the template is rendered in the language asked for
(`flask_babel.force_locale`), the print stylesheet is passed as `CSS(string=...)`, parsed once
per process and shared by every report (it fetches nothing), and WeasyPrint may fetch nothing
but the app's static files and `data:` URLs (`StaticFetcher`). A batch passes one `cache` dict
so images and fonts are read once.
"""

from contextlib import contextmanager
from functools import cache as memoised
from pathlib import Path

from flask import current_app, render_template
from flask_babel import force_locale
from weasyprint import CSS, HTML

from fundtrack.centres.locks import current_network
from fundtrack.formatting import network_today
from fundtrack.reports.fetcher import STATIC_BASE, StaticFetcher

LANGUAGES = ("nl", "nb", "en")
ARCHIVAL_VARIANT = "pdf/a-3b"


@memoised
def _stylesheet_text(path: str) -> str:
    return Path(path).read_text(encoding="utf-8")


def print_css() -> str:
    """The reports' print stylesheet (templates/reports/print.css) as text."""
    return _stylesheet_text(_print_css_path())


def _print_css_path() -> str:
    return str(Path(current_app.template_folder) / "reports" / "print.css")


@memoised
def _parsed_stylesheet(path: str, static_folder: str) -> CSS:
    # Parsing the stylesheet took 9 ms of every report; WeasyPrint reads a CSS object without
    # changing it, so one serves every document of the process.
    return CSS(string=_stylesheet_text(path), url_fetcher=StaticFetcher(static_folder))


def report_language(language: str | None) -> str:
    """One of the languages a report is written in; English for anything else."""
    code = (language or "").split("_")[0].split("-")[0].lower()
    if code in ("no", "nn"):
        code = "nb"
    return code if code in LANGUAGES else "en"


def network_language(session) -> str:
    """The language the network writes in: a report's language when none is asked for."""
    return report_language(current_network(session).locale)


@contextmanager
def in_language(language: str | None):
    """Words, dates and chart labels in `language` for the block (money keeps the network's)."""
    with force_locale(report_language(language)):
        yield


def render_html(template: str, **context) -> str:
    """The report's HTML, for tests and for the benchmark's floor."""
    context.setdefault("issued_on", network_today())
    return render_template(template, **context)


def html_to_pdf(
    html: str,
    fetcher: StaticFetcher | None = None,
    cache: dict | None = None,
    archival: bool = False,
):
    """WeasyPrint alone: the engine's share of a report's time.

    `archival`: PDF/A-3b (fonts embedded, an sRGB output intent, the XMP identification an
    archive checks), tagged for accessibility: the form a report is kept in once sent.
    """
    if fetcher is None:
        fetcher = StaticFetcher(current_app.static_folder)
        stylesheet = _parsed_stylesheet(_print_css_path(), current_app.static_folder)
    else:
        stylesheet = CSS(string=print_css(), url_fetcher=fetcher)
    document = HTML(string=html, base_url=STATIC_BASE, url_fetcher=fetcher)
    archive = {"pdf_variant": ARCHIVAL_VARIANT, "pdf_tags": True} if archival else {}
    return document.write_pdf(
        stylesheets=[stylesheet], cache=cache, uncompressed_pdf=False, **archive
    )


def render_pdf(
    template: str,
    fetcher: StaticFetcher | None = None,
    cache: dict | None = None,
    archival: bool = False,
    **context,
) -> bytes:
    """The PDF of `template` rendered with `context` (plain values, formatted by the template).

    Call it inside `in_language(...)` for the reader's language; `archival` makes it PDF/A.
    """
    return html_to_pdf(render_html(template, **context), fetcher, cache, archival)
