"""The structure an accessible (PDF/UA-minded) report needs, read from the archival PDF a sent
grant report is kept as: tagged, its language and title declared and shown, headings in
order, tables with header cells, and every chart with words for a reader who cannot see it.

veraPDF, the reference PDF/UA validator, is a Java application distributed through Maven and
its own installer; it is not on PyPI, Debian or npm, so it cannot run here. These checks are
the parts of PDF/UA-1 (ISO 14289-1) that WeasyPrint's output can be held to without it.
"""

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from fundtrack.reports.grant_report import grant_pdf
from tests import grant_facts_example

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "reports"


def _structure(node, found: list) -> list:
    """The structure elements in reading order, as (role, element)."""
    node = node.get_object()
    if isinstance(node, list):
        for child in node:
            _structure(child, found)
        return found
    if not hasattr(node, "get"):
        return found  # a marked-content id
    role = node.get("/S")
    if role is not None:
        found.append((str(role), node))
    kids = node.get("/K")
    if kids is not None:
        _structure(kids, found)
    return found


@pytest.mark.parametrize(("norwegian", "language"), [(True, "nb"), (False, "nl")])
def test_a_sent_grant_report_is_tagged_titled_and_in_its_language(session, norwegian, language):
    example = grant_facts_example.build(session, norwegian=norwegian)
    pdf = grant_pdf(session, example.office, example.grant.id, example.final.id, language,
                    archival=True)  # fmt: skip
    reader = PdfReader(io.BytesIO(pdf))
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == language
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert bool(catalog["/ViewerPreferences"]["/DisplayDocTitle"])
    title = reader.metadata["/Title"]
    assert title.endswith("Følgetjeneste") and reader.xmp_metadata.dc_title["x-default"] == title

    elements = _structure(catalog["/StructTreeRoot"], [])
    roles = [role for role, _ in elements]
    assert roles.count("/H1") == 1 and roles.index("/H1") < roles.index("/H2")
    # Headings never skip a level: an H3 always follows an H2.
    levels = [int(role[2]) for role in roles if re.fullmatch(r"/H\d", role)]
    assert all(later <= earlier + 1 for earlier, later in zip(levels, levels[1:], strict=False))
    # Every table has header cells; every figure (the charts) says what it shows.
    assert roles.count("/Table") >= 8 and roles.count("/TH") >= roles.count("/Table")
    figures = [element for role, element in elements if role == "/Figure"]
    assert figures and all(str(f.get("/Alt", "")).strip() for f in figures)


def test_every_chart_in_every_report_template_has_words():
    """A chart is drawn by the `chart` macro only, and each call gives a caption or alt text
    (an empty alt would leave the figure unnamed in the tagged PDF)."""
    calls = []
    for template in TEMPLATES.glob("*.html"):
        text = template.read_text(encoding="utf-8")
        assert "<img" not in text or template.name == "_macros.html", template.name
        calls += re.findall(r"\{\{ chart\((.*?)\) \}\}", text)
    assert len(calls) >= 7
    for call in calls:
        # chart(svg, caption) or chart(svg, None, alt): words in one of the two.
        assert "_(" in call.split(",", 1)[1], call
