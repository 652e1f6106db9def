"""The national report: overview, regions, a page per centre (tests/share_network.py's books)."""

from decimal import Decimal

import pytest

from fundtrack.auth.access import NotAllowed
from fundtrack.reports.national_report import national_pdf, national_report
from fundtrack.reports.render import in_language
from tests import factories, share_network
from tests.reports_helpers import keep, pdf_pages


@pytest.fixture
def books(session):
    return share_network.build(session)


def test_national_report_sums_the_network_and_its_regions(session, books):
    steps = []
    with in_language("en"):
        data = national_report(session, books.national, 2025, lambda d, t: steps.append((d, t)))
    n = data["network"]
    assert n["costs"] == Decimal("170000.00")  # 90,000 + 30,000 budget + 50,000 + 0
    assert n["structural_income"] == Decimal("81000.00")  # 48,000 + 24,000 + 9,000
    assert (n["centres_total"], n["centres_at_target"]) == (4, 1)
    assert [r["code"] for r in data["regions"]] == ["NORTH", "SOUTH"]
    north = data["regions"][0]
    assert north["centres"] == ["A", "B"]
    assert north["figures"]["structural_income"] == Decimal("72000.00")
    assert [c["code"] for c in data["centres"]] == ["A", "B", "C", "D"]
    assert [y["year"] for y in data["centres"][0]["years"]] == [2024, 2025]
    assert steps[-1] == (4, 4)


def test_treasurer_gets_no_national_report(session, books):
    treasurer = factories.user(session, role="treasurer", centre=books.a)
    with pytest.raises(NotAllowed):
        national_report(session, treasurer, 2025)


def test_national_pdf_gives_each_centre_a_page_of_its_own(session, books):
    pdf = national_pdf(session, books.national, 2025, "nl")
    keep(pdf, "national-nl.pdf")
    pages = pdf_pages(pdf)
    assert "€ 170.000,00" in pages[0] and "€ 81.000,00" in pages[0]
    for code, amount in (("A Centre A", "€ 90.000,00"), ("D Centre D", "€ 0,00")):
        page = next(p for p in pages if p.startswith(code))
        assert amount in page
    assert all("Test network" in page for page in pages)
