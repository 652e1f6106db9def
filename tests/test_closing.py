"""Closing a fiscal year: a confirmation that shows what it freezes, never a year not ended,
reopening by an admin with a reason (audited), and closed years marked final."""

from datetime import date

import pytest
from sqlalchemy import select

from fundtrack.audit.models import AuditEvent
from fundtrack.auth.access import NotAllowed
from fundtrack.centres import closing
from fundtrack.centres.models import FiscalYearLock
from fundtrack.errors import ValidationError
from tests import factories


@pytest.fixture
def books(session, network):
    centre = factories.centre(session, code="HLM", name="Inloophuis Haarlem")
    factories.income(session, centre, "1234.56", booking_date=date(2024, 5, 1))
    factories.cost(session, centre, "3000.00", year=2024)
    return centre


def test_a_year_not_ended_cannot_be_closed(session, books):
    office = factories.user(session, role="national")
    with pytest.raises(ValidationError, match="has not ended"):
        closing.close_year(session, office, 2027, today=date(2026, 6, 1))
    with pytest.raises(ValidationError, match="has not ended"):
        closing.close_year(session, office, 2026, today=date(2026, 6, 1))
    assert closing.close_year(session, office, 2025, today=date(2026, 6, 1)).year == 2025


def test_a_treasurer_cannot_close(session, books):
    treasurer = factories.user(session, role="treasurer", centre=books)
    with pytest.raises(NotAllowed):
        closing.close_year(session, treasurer, 2024)


def test_the_confirmation_page_shows_each_centres_totals(client, session, login_as, books):
    login_as("national")
    page = client.get("/admin/fiscal-year-locks/close/?year=2024").get_data(as_text=True)
    assert 'data-centre="HLM"' in page
    assert "1.234,56" in page and "3.000,00" in page
    assert session.scalar(select(FiscalYearLock).where(FiscalYearLock.year == 2024)) is None


def test_the_confirmation_page_shows_the_figures_on_the_actuals_closing_will_declare(
    client, session, login_as, books
):
    from fundtrack.costs.models import ActualsDeclaration, CostKind

    other = factories.centre(session, code="ASN")
    factories.cost(session, other, "50000.00", kind=CostKind.BUDGET, year=2024)
    factories.cost(session, other, "48000.00", year=2024, declared=False)
    login_as("national")
    page = client.get("/admin/fiscal-year-locks/close/?year=2024").get_data(as_text=True)
    row = page[page.index('data-centre="ASN"') :].split("</tr>")[0]
    assert "48.000,00" in row and "actual costs" in row and "50.000,00" not in row
    # Only shown: nothing is declared until the year is closed.
    assert session.scalar(select(ActualsDeclaration.id).filter_by(centre_id=other.id)) is None


def test_confirming_closes_and_names_the_closer(client, session, login_as, books):
    user = login_as("national", name="Anna de Vries")
    response = client.post(
        "/admin/fiscal-year-locks/close/", data={"year": "2024", "confirm": "yes"}
    )
    assert response.status_code == 302
    lock = factories.first(session, FiscalYearLock, year=2024)
    assert lock.locked_by_id == user.id
    listing = client.get("/admin/fiscal-year-locks/").get_data(as_text=True)
    assert "Anna de Vries" in listing and "(user id)" not in listing


def test_closing_a_future_year_on_screen_is_refused_plainly(client, session, login_as, books):
    login_as("national")
    future = date.today().year + 1
    page = client.post(
        "/admin/fiscal-year-locks/close/", data={"year": str(future), "confirm": "yes"}
    ).get_data(as_text=True)
    assert "has not ended yet" in page
    assert factories.first(session, FiscalYearLock, year=future) is None


def test_the_auditor_cannot_close(client, session, login_as, books):
    login_as("auditor")
    response = client.post(
        "/admin/fiscal-year-locks/close/", data={"year": "2024", "confirm": "yes"}
    )
    assert response.status_code == 403
    assert factories.first(session, FiscalYearLock, year=2024) is None


@pytest.fixture
def closed_2024(session, books):
    session.add(FiscalYearLock(year=2024))
    session.flush()
    return factories.first(session, FiscalYearLock, year=2024)


def test_the_national_office_cannot_reopen(client, session, login_as, closed_2024):
    login_as("national")
    url = f"/admin/fiscal-year-locks/reopen/?id={closed_2024.id}"
    assert client.post(url, data={"reason": "x"}).status_code == 403
    assert factories.first(session, FiscalYearLock, year=2024) is not None


def test_an_admin_reopens_with_a_reason_that_is_audited(client, session, login_as, closed_2024):
    login_as("admin")
    url = f"/admin/fiscal-year-locks/reopen/?id={closed_2024.id}"
    assert "say why" in client.post(url, data={"reason": ""}).get_data(as_text=True)
    response = client.post(url, data={"reason": "auditor found a missing invoice"})
    assert response.status_code == 302
    assert factories.first(session, FiscalYearLock, year=2024) is None
    event = session.scalars(select(AuditEvent).where(AuditEvent.action == "reopen")).one()
    assert event.after["reason"] == "auditor found a missing invoice"


def test_closed_years_are_marked_final_on_the_dashboard_and_centre_page(
    client, session, login_as, books
):
    session.add(FiscalYearLock(year=2024))
    login_as("national")
    dashboard = client.get("/dashboard?year=2024").get_data(as_text=True)
    assert 'class="final"' in dashboard
    centre = client.get("/centres/HLM?year=2024").get_data(as_text=True)
    assert 'class="final"' in centre
    assert 'class="final"' not in client.get("/dashboard?year=2025").get_data(as_text=True)
