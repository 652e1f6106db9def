"""The audit trail in words: who, when, the record as a person names it, its centre, and
each changed field's old and new value in the user's language."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from flask_login import login_user
from sqlalchemy import select

from fundtrack.audit.actor import acting_as
from fundtrack.audit.models import AuditEvent
from fundtrack.audit.words import describe
from tests import factories


@pytest.fixture
def changed(session, network):
    centre = factories.centre(session, code="HLM", name="Inloophuis Haarlem")
    other = factories.centre(session, code="OTH", name="Inloophuis Ander")
    writer = factories.user(session, role="treasurer", centre=centre, name="Anna de Vries")
    with acting_as(writer.email, writer.id):
        line = factories.income(session, centre, "100.00", booking_date=date(2025, 3, 1),
                                reference="collecte")  # fmt: skip
        line.amount = Decimal("120.00")
        session.flush()
        factories.income(session, other, "5.00", reference="elsewhere")
    return centre, other, line


def _events(session, line):
    return list(
        session.scalars(
            select(AuditEvent)
            .where(AuditEvent.entity == "income_lines", AuditEvent.entity_id == str(line.id))
            .order_by(AuditEvent.id)
        )
    )


def test_an_update_reads_as_who_what_old_and_new(app, session, changed):
    _centre, _other, line = changed
    with app.test_request_context():
        words = describe(session, _events(session, line))
    update = words[-1]
    assert update.who == "Anna de Vries"
    assert update.action == "changed"
    assert update.kind == "Income line"
    assert "collecte" in update.record
    assert update.centre == "HLM Inloophuis Haarlem"
    [change] = update.changes
    assert change.label == "Amount"
    assert change.old.replace("\xa0", " ") == "€ 100,00"
    assert change.new.replace("\xa0", " ") == "€ 120,00"


def test_the_audit_screen_shows_old_and_new_values_in_dutch(client, session, login_as, changed):
    centre, _other, _line = changed
    login_as("treasurer", centre=centre, locale="nl")
    page = client.get("/admin/audit-events/").get_data(as_text=True)
    assert "Anna de Vries" in page
    assert "Inkomstenregel" in page or "collecte" in page
    assert "Bedrag" in page
    assert "100,00" in page and "120,00" in page
    assert "{" not in page.split("model-list")[1].split("</table>")[0]  # no raw JSON


def test_a_treasurer_sees_only_her_centres_events(client, session, login_as, changed):
    centre, _other, _line = changed
    login_as("treasurer", centre=centre)
    page = client.get("/admin/audit-events/").get_data(as_text=True)
    assert "collecte" in page and "elsewhere" not in page


def test_every_audit_filter_answers(app, client, session, login_as, changed):
    user = login_as("auditor")
    with app.test_request_context():
        login_user(user)
        view = next(
            v for v in app.extensions["admin"][0]._views if v.endpoint == "admin_audit_events"
        )
        groups = view._get_filter_groups()
    for filters in groups.values():
        for flt in filters:
            for value, _label in flt["options"] or []:
                response = client.get(
                    "/admin/audit-events/", query_string={f"flt0_{flt['arg']}": value}
                )
                assert response.status_code == 200, (flt["arg"], value)


def test_the_auditor_exports_the_trail_in_words(client, session, login_as, changed):
    login_as("auditor", locale="en")
    response = client.get("/admin/audit-events/download/csv/")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:3] == ["When", "Who", "Action"]
    changes = [row for row in rows if row[2] == "changed" and "collecte" in row[4]]
    assert changes and "Amount: € 100.00 → € 120.00".replace(" ", "") in changes[0][6].replace(
        "\xa0", ""
    ).replace(" ", "").replace(",", ".")


def test_the_auditor_changes_nothing(client, session, login_as, changed):
    _centre, _other, line = changed
    login_as("auditor")
    before = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    client.post("/admin/income-lines/delete/", data={"id": str(line.id)})
    client.post("/admin/audit-events/action/", data={"action": "delete", "rowid": ["1"]})
    client.post("/admin/fiscal-year-locks/close/", data={"year": "2024", "confirm": "yes"})
    client.post("/rules", data={"funder_type": "municipality", "structural_by_default": "no"})
    after = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
    assert before == after


def test_a_donors_giving_is_named_by_donor_amount_and_day_not_by_its_id(app, session, network):
    from fundtrack.giving.operations import create_recurring_gift
    from fundtrack.giving.sepa import create_mandate

    centre = factories.centre(session, code="HLM", creditor_id="NL98ZZZ999999999999",
                              iban="NL44RABO0123456789")  # fmt: skip
    treasurer = factories.user(session, role="treasurer", centre=centre)
    donor = factories.donor(session, centre, name="Mevrouw Jansen", iban="NL91ABNA0417164300")
    with acting_as(treasurer.email, treasurer.id):
        gift = create_recurring_gift(session, treasurer, {
            "donor": donor.id, "amount": Decimal("25.00"), "frequency": "monthly",
            "start": date(2026, 1, 1), "payment_method": "direct_debit",
        }, today=date(2026, 2, 1))  # fmt: skip
        mandate = create_mandate(
            session, treasurer, {"donor": donor.id, "signed_on": date(2025, 12, 1)}
        )
    events = list(session.scalars(select(AuditEvent).where(
        AuditEvent.entity.in_(["recurring_gifts", "instalments", "mandates"])
    ).order_by(AuditEvent.id)))  # fmt: skip
    assert {e.entity for e in events} >= {"recurring_gifts", "mandates"}
    with app.test_request_context():
        words = describe(session, events)
    for said in words:
        assert not said.record.startswith("#"), (said.kind, said.record)
        assert "Jansen" in said.record or said.record == mandate.reference, said.record
    gift_words = next(w for w, e in zip(words, events, strict=True) if e.entity_id == str(gift.id)
                      and e.entity == "recurring_gifts")  # fmt: skip
    assert "25,00" in gift_words.record and "2026" in gift_words.record
