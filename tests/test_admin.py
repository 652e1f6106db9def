"""The admin screens: each role sees what it may, treasurers only their own centre."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from fundtrack.audit.models import AuditEvent
from fundtrack.centres.models import FiscalYearLock
from fundtrack.income.models import Donor, Funder, FundingAgreement, IncomeLine
from tests import factories

BOOK_SCREENS = ["income-lines", "cost-lines", "funding-agreements", "donors", "earmarked-funds"]
NETWORK_SCREENS = ["network", "fiscal-year-locks", "audit-events"]


@pytest.fixture
def centres(session, network):
    own = factories.centre(session, code="OWN", name="Inloophuis Eigen")
    other = factories.centre(session, code="OTH", name="Inloophuis Ander")
    factories.income(session, own, reference="own-gift")
    factories.income(session, other, reference="their-gift")
    return own, other


def _count_lines(session):
    return session.scalar(select(func.count(IncomeLine.id)))


@pytest.mark.parametrize("screen", BOOK_SCREENS + ["funders", "centres", "regions"])
def test_treasurer_opens_the_book_screens(client, login_as, centres, screen):
    login_as("treasurer", centre=centres[0])
    assert client.get(f"/admin/{screen}/").status_code == 200


@pytest.mark.parametrize("screen", NETWORK_SCREENS[:2] + ["users"])
def test_treasurer_is_refused_the_network_screens(client, login_as, centres, screen):
    login_as("treasurer", centre=centres[0])
    assert client.get(f"/admin/{screen}/").status_code == 403


@pytest.mark.parametrize("role", ["admin", "national", "auditor"])
@pytest.mark.parametrize("screen", BOOK_SCREENS + NETWORK_SCREENS)
def test_network_roles_open_every_list(client, login_as, centres, role, screen):
    login_as(role)
    assert client.get(f"/admin/{screen}/").status_code == 200


def test_admin_screens_need_a_login(client, centres):
    response = client.get("/admin/income-lines/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_treasurer_lists_only_their_own_income(client, login_as, centres):
    login_as("treasurer", centre=centres[0])
    page = client.get("/admin/income-lines/").get_data(as_text=True)
    assert "own-gift" in page and "their-gift" not in page


def test_treasurer_cannot_open_or_change_another_centres_line_by_id(
    client, session, login_as, centres
):
    login_as("treasurer", centre=centres[0])
    theirs = factories.first(session, IncomeLine, reference="their-gift")
    details = client.get(f"/admin/income-lines/details/?id={theirs.id}")
    assert "their-gift" not in details.get_data(as_text=True)
    client.post(
        f"/admin/income-lines/edit/?id={theirs.id}",
        data={
            "centre": str(centres[0].id),
            "booking_date": "2025-03-01",
            "amount": "1.00",
            "category": "individuals",
            "reference": "stolen",
        },
    )
    client.post("/admin/income-lines/delete/", data={"id": str(theirs.id)})
    session.expire_all()
    assert session.get(IncomeLine, theirs.id).reference == "their-gift"


def test_a_malformed_id_is_a_missing_record_not_an_error(client, login_as, centres):
    login_as("national")
    response = client.get("/admin/income-lines/details/?id=abc")
    assert response.status_code == 302


def test_treasurer_cannot_book_income_for_another_centre(client, session, login_as, centres):
    login_as("treasurer", centre=centres[0])
    before = _count_lines(session)
    client.post(
        "/admin/income-lines/new/",
        data={
            "centre": str(centres[1].id),
            "booking_date": "2025-05-01",
            "amount": "50.00",
            "category": "individuals",
        },
    )
    assert _count_lines(session) == before


def test_treasurer_books_income_in_the_centres_currency_and_it_is_audited(
    client, session, login_as, centres
):
    user = login_as("treasurer", centre=centres[0])
    response = client.post(
        "/admin/income-lines/new/",
        data={
            "centre": str(centres[0].id),
            "booking_date": "2025-05-01",
            "amount": "50.25",
            "category": "companies",
            "reference": "sponsor-may",
        },
    )
    assert response.status_code == 302
    line = factories.first(session, IncomeLine, reference="sponsor-may")
    assert (line.amount, line.currency, line.fiscal_year) == (Decimal("50.25"), "EUR", 2025)
    event = session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity == "income_lines", AuditEvent.entity_id == str(line.id)
        )
    ).one()
    assert event.actor == user.email and event.action == "create"


def test_a_zero_amount_is_refused_with_the_field_named(client, session, login_as, centres):
    login_as("treasurer", centre=centres[0])
    before = _count_lines(session)
    page = client.post(
        "/admin/income-lines/new/",
        data={
            "centre": str(centres[0].id),
            "booking_date": "2025-05-01",
            "amount": "0",
            "category": "companies",
        },
    ).get_data(as_text=True)
    assert _count_lines(session) == before
    assert "Amount: must be more than 0" in page


def test_booking_in_a_closed_year_is_refused_with_a_clear_message(
    client, session, login_as, centres
):
    session.add(FiscalYearLock(year=2024))
    session.flush()
    login_as("treasurer", centre=centres[0])
    before = _count_lines(session)
    page = client.post(
        "/admin/income-lines/new/",
        data={
            "centre": str(centres[0].id),
            "booking_date": "2024-12-01",
            "amount": "10.00",
            "category": "individuals",
        },
    )
    assert _count_lines(session) == before
    assert "fiscal year 2024 is closed" in page.get_data(as_text=True)


def test_auditor_cannot_create_rows(client, session, login_as, centres):
    login_as("auditor")
    before = _count_lines(session)
    client.post(
        "/admin/income-lines/new/",
        data={
            "centre": str(centres[0].id),
            "booking_date": "2025-05-01",
            "amount": "5.00",
            "category": "individuals",
        },
    )
    assert _count_lines(session) == before


def test_national_office_closes_a_year_and_is_named_as_the_locker(
    client, session, login_as, centres
):
    user = login_as("national")
    response = client.post(
        "/admin/fiscal-year-locks/close/", data={"year": "2023", "confirm": "yes"}
    )
    assert response.status_code == 302
    lock = factories.first(session, FiscalYearLock, year=2023)
    assert lock.locked_by_id == user.id
    with pytest.raises(ValueError, match="2023"):
        factories.income(session, centres[0], booking_date=date(2023, 5, 1))
    session.rollback()


def test_admin_booking_meets_the_same_rules_as_the_api(client, session, login_as, centres):
    own, other = centres
    their_donor = factories.donor(session, other, name="Donor elsewhere")
    login_as("national")
    before = _count_lines(session)
    page = client.post(
        "/admin/income-lines/new/",
        data={
            "centre": str(own.id),
            "booking_date": "2025-05-01",
            "amount": "20.00",
            "category": "individuals",
            "donor": str(their_donor.id),
        },
    ).get_data(as_text=True)
    assert _count_lines(session) == before
    assert f"Donor: donor {their_donor.id} is another centre&#39;s" in page


def test_treasurer_records_an_agreement_and_a_donor_for_their_centre(
    client, session, login_as, centres
):
    own, _ = centres
    funder = factories.funder(session, name="Gemeente Eigen")
    login_as("treasurer", centre=own)
    response = client.post(
        "/admin/funding-agreements/new/",
        data={
            "centre": str(own.id),
            "funder": str(funder.id),
            "title": "Wmo-subsidie",
            "start_date": "2025-01-01",
            "recurring": "y",
            "annual_amount": "12000.00",
        },
    )
    assert response.status_code == 302
    agreement = factories.first(session, FundingAgreement, title="Wmo-subsidie")
    assert (agreement.centre_id, agreement.annual_amount, agreement.currency) == (
        own.id,
        Decimal("12000.00"),
        "EUR",
    )
    client.post(
        "/admin/donors/new/",
        data={"centre": str(own.id), "kind": "person", "name": "J. de Vries",
              "iban": "NL91 ABNA 0417 1643 00", "consent_contact": "y"},
    )  # fmt: skip
    donor = factories.first(session, Donor, name="J. de Vries")
    assert donor.iban == "NL91ABNA0417164300" and donor.consent_recorded_at is not None


def test_a_bad_iban_is_refused_with_the_field_named(client, session, login_as, centres):
    login_as("treasurer", centre=centres[0])
    page = client.post(
        "/admin/donors/new/",
        data={"centre": str(centres[0].id), "kind": "person", "name": "Wrong IBAN",
              "iban": "NL91 ABNA 0417 1643 01"},
    ).get_data(as_text=True)  # fmt: skip
    assert factories.first(session, Donor, name="Wrong IBAN") is None
    assert "IBAN:" in page


def test_only_the_national_office_renames_a_funder(client, session, login_as, centres):
    funder = factories.funder(session, name="Fonds Oud")
    login_as("treasurer", centre=centres[0])
    client.post(
        f"/admin/funders/edit/?id={funder.id}", data={"name": "Fonds Nieuw", "type": "foundation"}
    )
    session.expire_all()
    assert session.get(Funder, funder.id).name == "Fonds Oud"
