"""A donor's rights: their data on request, and erasure that keeps every total but leaves no
personal data in the donor's row, its audit events or the exports."""

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from fundtrack.audit.models import AuditEvent
from fundtrack.income import gdpr
from fundtrack.income.models import Donor, IncomeLine
from fundtrack.share.service import funding_share
from tests import factories

PERSONAL_VALUES = ("Joke Jansen", "joke@example.org", "Dorpsstraat 1", "2011 AB", "Haarlem")


@pytest.fixture
def donor(session, network):
    centre = factories.centre(session, code="HLM")
    donor = factories.donor(
        session, centre, name="Joke Jansen", email="joke@example.org", address="Dorpsstraat 1",
        postcode="2011 AB", city="Haarlem", iban="NL91ABNA0417164300", consent_contact=True,
    )  # fmt: skip
    donor.phone = "0612345678"
    session.flush()
    factories.income(session, centre, "250.00", donor=donor, booking_date=date(2025, 4, 1))
    factories.income(session, centre, "50.00", donor=donor, booking_date=date(2025, 5, 1))
    return donor


def test_the_access_export_holds_the_donors_data_and_gifts(session, donor):
    office = factories.user(session, role="national")
    data = gdpr.access_export(session, office, donor)
    assert data["donor"]["email"] == "joke@example.org"
    assert [g["amount"] for g in data["gifts"]] == ["250.00", "50.00"]


def test_a_treasurer_downloads_her_donors_data(client, session, login_as, donor):
    login_as("treasurer", centre=donor.centre)
    response = client.get(f"/admin/donors/gdpr/export/?id={donor.id}")
    assert response.status_code == 200
    assert json.loads(response.data)["donor"]["name"] == "Joke Jansen"


def test_another_centre_cannot_read_the_donor(client, session, login_as, donor):
    other = factories.centre(session)
    login_as("treasurer", centre=other)
    assert client.get(f"/admin/donors/gdpr/export/?id={donor.id}").status_code == 404


def test_erasure_keeps_every_total_and_leaves_no_personal_data(client, session, login_as, donor):
    office = factories.user(session, role="national")
    before = funding_share(session, office, 2025).network
    login_as("treasurer", centre=donor.centre)
    assert client.get(f"/admin/donors/gdpr/erase/?id={donor.id}").status_code == 200
    response = client.post(f"/admin/donors/gdpr/erase/?id={donor.id}", data={"confirm": "yes"})
    assert response.status_code == 302
    session.expire_all()
    row = session.get(Donor, donor.id)
    assert row.email is None and row.iban is None and row.phone is None and row.city is None
    assert "Jansen" not in row.name and not row.consent_contact
    lines = session.scalar(select(func.count()).where(IncomeLine.donor_id == donor.id))
    assert lines == 2
    after = funding_share(session, office, 2025).network
    assert after == before
    events = session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity == "donors", AuditEvent.entity_id == str(donor.id)
        )
    ).all()
    text = json.dumps([[e.before, e.after] for e in events])
    for value in PERSONAL_VALUES + ("NL91ABNA0417164300", "0612345678"):
        assert value not in text
    assert any(e.action == "erase" for e in events)
    exports = client.get("/admin/donors/download/csv/").get_data(as_text=True)
    exports += client.get("/admin/audit-events/download/csv/").get_data(as_text=True)
    exports += client.get(f"/admin/donors/gdpr/export/?id={donor.id}").get_data(as_text=True)
    for value in PERSONAL_VALUES:
        assert value not in exports


def test_the_auditor_cannot_erase(client, session, login_as, donor):
    login_as("auditor")
    response = client.post(f"/admin/donors/gdpr/erase/?id={donor.id}", data={"confirm": "yes"})
    assert response.status_code == 403
    session.expire_all()
    assert session.get(Donor, donor.id).name == "Joke Jansen"
