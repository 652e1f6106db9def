"""The centre funding report: its data by hand from tests/share_network.py, then its PDF."""

from decimal import Decimal

import pytest
from flask_babel import gettext

from fundtrack.reports.centre_report import centre_pdf, centre_report
from fundtrack.reports.render import in_language
from tests import factories, share_network
from tests.reports_helpers import keep, pdf_pages, pdf_text


@pytest.fixture
def books(session):
    return share_network.build(session)


def test_centre_report_holds_the_share_services_figures(session, books):
    with in_language("en"):
        data = centre_report(session, books.national, "A", 2025)
    f = data["figures"]
    assert f["costs"] == Decimal("90000.00") and f["costs_basis"] == "actual"
    assert f["structural_income"] == Decimal("48000.00")
    assert f["incidental_income"] == Decimal("25000.00")
    assert f["share"] == Decimal("0.533333")
    assert f["gap"] == Decimal("12000.00")
    assert f["secured_next_year"] == Decimal("48000.00")
    assert data["target"] == Decimal("0.666667")
    assert [(r["category"], r["amount"]) for r in data["categories"]] == [
        ("individuals", Decimal("5000.00")),
        ("government_subsidies", Decimal("48000.00")),
        ("other_nonprofits", Decimal("20000.00")),
    ]
    assert [t["year"] for t in data["trend"]] == [2024, 2025]
    assert data["trend"][0]["structural_income"] == Decimal("40000.00")
    assert data["centre"]["region_name"] == "North"
    assert all(svg.startswith("<svg") for svg in data["charts"].values())


def test_centre_report_words_follow_the_language_asked_for(session, books):
    with in_language("nl"):
        data = centre_report(session, books.national, "A", 2025)
    assert data["figures"]["basis_label"] == "werkelijke kosten"
    assert data["categories"][0]["label"] == "Baten van particulieren"


def test_treasurer_cannot_build_another_centres_report(session, books):
    treasurer = factories.user(session, role="treasurer", centre=books.b)
    with pytest.raises(LookupError):
        centre_report(session, treasurer, "A", 2025)
    with pytest.raises(LookupError):
        centre_report(session, books.national, "NOPE", 2025)


def test_centre_pdf_in_dutch_shows_the_figures_in_euros(session, books):
    pdf = centre_pdf(session, books.national, "A", 2025, "nl")
    keep(pdf, "centre-nl.pdf")
    text = pdf_text(pdf)
    assert "A Centre A" in text
    assert "€ 90.000,00" in text and "€ 48.000,00" in text and "€ 12.000,00" in text
    assert "53,3%" in text and "Test network" in text
    assert "Baten van particulieren" in text
    pages = pdf_pages(pdf)
    assert all("Centre A" in page for page in pages)  # the organisation on every page
    with in_language("nl"):
        words = gettext("Page"), gettext("of")
    for n, page in enumerate(pages, 1):
        assert f"{words[0]} {n} {words[1]} {len(pages)}" in page


def test_centre_pdf_in_norwegian_shows_kroner(session, books):
    network = factories.network(session)
    network.locale, network.currency = "nb_NO", "NOK"
    session.flush()
    pdf = centre_pdf(session, books.national, "A", 2025, "nb")
    keep(pdf, "centre-nb.pdf")
    text = pdf_text(pdf)
    assert "kr 90 000,00" in text and "kr 12 000,00" in text
    with in_language("nb"):
        assert gettext("Page") + " 1 " + gettext("of") in text


def test_centre_report_lists_the_open_applications(session, books):
    from tests import grant_helpers

    grant_helpers.awarded(session, books.a, amount="5000.00", project_name="Walking group",
                          amount_requested=Decimal("6000.00"))  # fmt: skip
    grant_helpers.grant(session, books.a, project_name="Still a draft")
    with in_language("en"):
        data = centre_report(session, books.national, "A", 2025)
    [row] = data["open_applications"]
    assert (row["project"], row["status_label"]) == ("Walking group", "Partly awarded")
    assert (row["requested"], row["awarded"]) == (Decimal("6000.00"), Decimal("5000.00"))
