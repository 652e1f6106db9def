"""The grant maker's report: its data by hand (tests/grant_report_example.py), then its PDF."""

from decimal import Decimal

import pytest
from flask_babel import gettext

from fundtrack.reports.grant_report import grant_pdf, grant_report
from fundtrack.reports.render import in_language
from tests import factories, grant_report_example
from tests.reports_helpers import keep, pdf_pages, pdf_text


@pytest.fixture
def example(session):
    return grant_report_example.build(session)


def test_grant_report_holds_the_grants_figures(session, example):
    with in_language("en"):
        data = grant_report(session, example.office, example.grant.id)
    g = data["grant"]
    assert g["amount_requested"] == Decimal("700000.00")
    assert g["amount_awarded"] == Decimal("650000.00")
    assert g["project_leader"] == "Kari Nordmann" and g["funder"] == "Stiftelsen Dam"
    [goal] = data["goals_counted"]
    assert (goal["target"], goal["achieved"], goal["achieved_share"]) == (
        160,
        172,
        Decimal("1.075"),
    )
    assert [row["label"] for row in data["budget"]] == ["Staff", "Activities"]
    assert [row["difference"] for row in data["budget"]] == [Decimal("9999.50"), Decimal("-12000")]
    assert data["budget_totals"] == {
        "budgeted": Decimal("650000.00"),
        "spent": Decimal("652000.50"),
        "difference": Decimal("-2000.50"),
    }
    assert [t["amount"] for t in data["income"]["tranches"]] == [
        Decimal("325000.00"),
        Decimal("260000.00"),
    ]
    assert data["income"]["others"] == [
        {"name": "Donations", "amount": Decimal("1000.00")},  # no donor named
        {"name": "Oslo kommune", "amount": Decimal("50000.00")},
    ]
    totals = data["income_totals"]
    assert (totals["received"], totals["co_funding"]) == (Decimal("585000.00"), Decimal("51000.00"))
    assert totals["still_to_come"] == Decimal("65000.00")
    assert data["auditor_statement"] is True
    assert data["context"]["figures"]["share"] == Decimal("0.600000")  # 540,000 / 900,000
    assert "<strong>all eight</strong>" in data["narrative"]
    assert data["language"] == "nl"


def test_treasurer_cannot_build_another_centres_grant_report(session, example):
    other = factories.centre(session)
    treasurer = factories.user(session, role="treasurer", centre=other)
    with pytest.raises(LookupError):
        grant_report(session, treasurer, example.grant.id)


def _words(language, *messages):
    with in_language(language):
        return [gettext(m) for m in messages]


def test_grant_pdf_in_dutch(session, example):
    pdf = grant_pdf(session, example.office, example.grant.id)
    keep(pdf, "grant-nl.pdf")
    text = pdf_text(pdf)
    for expected in (
        "Companion service: nobody should face cancer alone",
        "Kari Nordmann",
        "Stiftelsen Dam",
        "€ 700.000,00",
        "€ 650.000,00",
        "€ 325.000,00",
        "€ 9.999,50",
        "€ -12.000,00",
        "€ 652.000,50",
        "107,5%",
        "172",
        "60,0%",
        "all eight",
    ):
        assert expected in text, expected
    assert "Ola Hansen" not in text
    pages = pdf_pages(pdf)
    assert 3 <= len(pages) <= 5
    [auditor] = _words("nl", "Auditor's statement")
    assert auditor in text
    assert all("Inloophuis Utrecht" in page for page in pages)


def test_grant_pdf_in_norwegian_with_kroner(session):
    example = grant_report_example.build(session, norwegian=True)
    pdf = grant_pdf(session, example.office, example.grant.id)
    keep(pdf, "grant-nb.pdf")
    text = pdf_text(pdf)
    for expected in ("kr 700 000,00", "kr 650 000,00", "kr 260 000,00", "kr -2 000,50"):
        assert expected in text, expected
    assert "Oslo distriktskontor" in text and "Kreftforeningen" not in text.split("Oslo")[0]
    [page_word] = _words("nb", "Page")
    assert f"{page_word} 1 " in text
