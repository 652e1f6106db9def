"""Mandates on screen: a treasurer registers a donor's signed mandate, records a new account
(the next collection is FRST again), clears the flag the bank's returns set and revokes the
mandate; an auditor sees but changes nothing, another centre's mandate is unknown."""

from datetime import date
from decimal import Decimal

from fundtrack.giving import operations
from fundtrack.giving.sepa import create_collection
from fundtrack.giving.sepa_models import Mandate
from tests import factories


def _world(session):
    centre = factories.centre(session, code="HLM", creditor_id="NL56ZZZ404817180000",
                              iban="NL44RABO0123456789")  # fmt: skip
    donor = factories.donor(session, centre, name="Joke Jansen", iban="NL91ABNA0417164300")
    return centre, donor


def test_a_treasurer_registers_amends_clears_and_revokes_a_mandate(
    client, session, network, login_as
):
    centre, donor = _world(session)
    treasurer = login_as("treasurer", centre, locale="nl")
    operations.create_recurring_gift(session, treasurer, {
        "donor": donor.id, "amount": Decimal("25.00"), "frequency": "monthly",
        "start": date(2026, 1, 1), "payment_method": "direct_debit",
    }, today=date(2026, 1, 1))  # fmt: skip
    made = client.post("/giving/mandates", data={"donor": donor.id, "signed_on": "01-12-2025"})
    assert made.status_code == 302, made.get_data(as_text=True)
    mandate = session.query(Mandate).filter_by(donor_id=donor.id).one()
    assert (mandate.reference, mandate.iban) == ("HLM-M00001", "NL91ABNA0417164300")
    page = client.get(made.location).get_data(as_text=True)
    assert "HLM-M00001" in page and "NL** **** 4300" in page and "NL91ABNA" not in page
    create_collection(session, treasurer, centre, date(2026, 1, 5))

    wrong = client.post(f"/giving/mandates/{mandate.id}/amend",
                        data={"amend-iban": "NL00RABO0000000000",
                              "amend-amended_on": "20-01-2026"})  # fmt: skip
    assert wrong.status_code == 400 and 'class="error"' in wrong.get_data(as_text=True)
    amended = client.post(f"/giving/mandates/{mandate.id}/amend",
                          data={"amend-iban": "NL44 RABO 0123 4567 89",
                                "amend-amended_on": "20-01-2026"})  # fmt: skip
    assert amended.status_code == 302
    assert (mandate.iban, mandate.amended_on) == ("NL44RABO0123456789", date(2026, 1, 20))
    february = create_collection(session, treasurer, centre, date(2026, 2, 5))
    assert [item.sequence.value for item in february.items] == ["FRST"]

    mandate.flagged_on, mandate.flag_reason = date(2026, 2, 9), "AC04"
    session.flush()
    listed = client.get("/giving/mandates").get_data(as_text=True)
    assert f'data-mandate="{mandate.id}" class="flagged"' in listed
    assert client.post(f"/giving/mandates/{mandate.id}/clear").status_code == 302
    assert mandate.flagged_on is None and mandate.flag_reason == ""

    revoked = client.post(f"/giving/mandates/{mandate.id}/revoke",
                          data={"revoke-revoked_on": "01-03-2026"})  # fmt: skip
    assert revoked.status_code == 302 and mandate.revoked_on == date(2026, 3, 1)


def test_an_auditor_sees_but_cannot_change_and_another_centre_cannot_see(
    client, session, network, login_as
):
    centre, donor = _world(session)
    mandate = Mandate(centre=centre, donor=donor, reference="HLM-M00001",
                      signed_on=date(2025, 12, 1), iban="NL91ABNA0417164300")  # fmt: skip
    session.add(mandate)
    session.flush()
    login_as("auditor")
    page = client.get(f"/giving/mandates/{mandate.id}").get_data(as_text=True)
    assert "HLM-M00001" in page and 'id="revoke-form"' not in page
    assert client.post(f"/giving/mandates/{mandate.id}/revoke",
                       data={"revoke-revoked_on": "01-03-2026"}).status_code == 403  # fmt: skip
    other = factories.centre(session, code="ZWO")
    login_as("treasurer", other)
    assert client.get(f"/giving/mandates/{mandate.id}").status_code == 404
    assert client.post(f"/giving/mandates/{mandate.id}/clear").status_code == 404
