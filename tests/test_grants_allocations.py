"""The award per office: a national office's grant shared between two offices, each with its
allocation, the tranches booked at it and the costs it booked on the grant, in the grant
report, the API and the 360Giving export; and a report's title following the state.

Worked by hand (NOK, Helsedirektoratet): awarded 100,000.00, allocated NORD 60,000.00 and
SOR 40,000.00. Tranches: NORD 30,000.00 + 15,000.00 = 45,000.00; SOR 40,000.00. Costs on the
grant: NORD 12,345.67 (actual) and a 9,999.00 budget line that is no spending; SOR none.
So NORD received 45,000.00, spent 12,345.67, has 32,654.33 left; SOR 40,000.00, 0.00, 40,000.00.
"""

from datetime import date
from decimal import Decimal

import pytest

from fundtrack.costs.models import CostKind
from fundtrack.grants import giving360, operations, parts
from fundtrack.reports.grant_report import grant_pdf, grant_report
from fundtrack.reports.render import in_language
from tests import factories
from tests.api_helpers import ApiCaller
from tests.grant_helpers import awarded, grant
from tests.reports_helpers import pdf_text


@pytest.fixture
def shared(session):
    factories.network(session, name="Kreftforeningen", currency="NOK", locale="nb_NO")
    nord = factories.centre(session, code="DK-NORD", name="Distriktskontor Nord", currency="NOK")
    sor = factories.centre(session, code="DK-SOR", name="Distriktskontor Sør", currency="NOK")
    hdir = factories.funder(session, type="national_government", name="Helsedirektoratet")
    office = factories.user(session, role="national")
    row = awarded(session, None, amount="100000.00", funder=hdir, user=office, currency="NOK",
                  amount_requested=Decimal("120000.00"))  # fmt: skip
    parts.allocate(session, office, row, "DK-NORD", Decimal("60000.00"))
    parts.allocate(session, office, row, "DK-SOR", Decimal("40000.00"))
    for centre, amount, day in ((nord, "30000.00", date(2025, 2, 1)),
                                (nord, "15000.00", date(2025, 8, 1)),
                                (sor, "40000.00", date(2025, 2, 1))):  # fmt: skip
        factories.income(session, centre, amount, funder=hdir, grant=row, booking_date=day)
    factories.cost(session, nord, "12345.67", grant=row, kind=CostKind.ACTUAL)
    factories.cost(session, nord, "9999.00", grant=row, kind=CostKind.BUDGET)
    return row, office


@pytest.fixture
def api(client, session):
    return ApiCaller(client, session)


def test_the_grant_report_shows_each_offices_allocation_received_and_spent(session, shared):
    row, office = shared
    with in_language("en"):
        data = grant_report(session, office, row.id)
    assert [(a.centre_code, a.allocated, a.received, a.spent, a.remaining)
            for a in data["allocations"]] == [
        ("DK-NORD", Decimal("60000.00"), Decimal("45000.00"), Decimal("12345.67"),
         Decimal("32654.33")),
        ("DK-SOR", Decimal("40000.00"), Decimal("40000.00"), Decimal("0.00"), Decimal("40000.00")),
    ]  # fmt: skip
    text = pdf_text(grant_pdf(session, office, row.id, language="en"))
    assert "The award per office" in text
    assert "DK-NORD Distriktskontor Nord kr 60 000,00 kr 45 000,00 kr 12 345,67" in text
    assert "DK-SOR Distriktskontor Sør kr 40 000,00 kr 40 000,00 kr 0,00" in text
    assert "Total kr 100 000,00 kr 85 000,00 kr 12 345,67" in text


def test_the_api_lists_the_award_per_office(session, shared, api):
    row, _office = shared
    answer = api.as_("national").get(f"/grants/{row.id}/allocations")
    assert answer.status_code == 200
    assert answer.json == [
        {"centre": "DK-NORD", "centre_name": "Distriktskontor Nord", "allocated": "60000.00",
         "received": "45000.00", "spent": "12345.67", "remaining": "32654.33"},
        {"centre": "DK-SOR", "centre_name": "Distriktskontor Sør", "allocated": "40000.00",
         "received": "40000.00", "spent": "0.00", "remaining": "40000.00"},
    ]  # fmt: skip
    assert api.as_("national").get("/grants/999999/allocations").status_code == 404


def test_360giving_publishes_a_shared_award_as_one_grant_per_office(session, shared):
    row, office = shared
    package = giving360.package(session, office)
    assert giving360.validation_errors(package) == []
    records = {r["id"]: r for r in package["grants"]}
    nord = records[f"360G-fundtrack-grant-{row.id}-DK-NORD"]
    assert (nord["amountAwarded"], nord["amountDisbursed"]) == (60000, 45000)
    assert nord["recipientOrganization"] == [
        {"id": "360G-fundtrack-centre-DK-NORD", "name": "Distriktskontor Nord"}
    ]
    assert "amountAppliedFor" not in nord
    sor = records[f"360G-fundtrack-grant-{row.id}-DK-SOR"]
    assert (sor["amountAwarded"], sor["amountDisbursed"]) == (40000, 40000)
    assert f"360G-fundtrack-grant-{row.id}" not in records


def test_a_rejected_application_gets_no_final_report(session):
    factories.network(session)
    centre = factories.centre(session)
    office = factories.user(session, role="national")
    row = grant(session, centre, user=office)
    operations.move_grant(session, office, row, "submitted", on=date(2024, 10, 1))
    operations.move_grant(session, office, row, "rejected", on=date(2024, 12, 1))
    with in_language("en"):
        data = grant_report(session, office, row.id)
    assert data["report_kind"] == "Application (rejected)"
    assert data["title"] == "Application (rejected): Companion service"
    text = pdf_text(grant_pdf(session, office, row.id, language="en"))
    assert "Final report" not in text and "Application (rejected)" in text


def test_each_offices_centre_report_shows_its_part_of_the_shared_award(session, shared):
    from fundtrack.reports.centre_report import centre_pdf, centre_report

    row, office = shared
    with in_language("en"):
        data = centre_report(session, office, "DK-NORD", 2025)
    assert data["allocations"] == [
        {"project": "Companion service", "funder": "Helsedirektoratet", "currency": "NOK",
         "allocated": Decimal("60000.00"), "received": Decimal("45000.00"),
         "spent": Decimal("12345.67")},
    ]  # fmt: skip
    text = pdf_text(centre_pdf(session, office, "DK-SOR", 2025, "en"))
    assert "Our part of shared awards" in text
    assert "kr 40 000,00 kr 40 000,00 kr 0,00" in text
