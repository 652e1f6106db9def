"""Every change writes an audit event with who, what, before and after."""

from decimal import Decimal

from sqlalchemy import select

from fundtrack.audit.actor import acting_as
from fundtrack.audit.models import AuditEvent
from tests import factories


def _events(session, entity, entity_id):
    return session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == entity, AuditEvent.entity_id == str(entity_id))
        .order_by(AuditEvent.id)
    ).all()


def test_create_update_and_delete_are_each_audited(session, network):
    with acting_as("test: treasurer"):
        centre = factories.centre(session)
        line = factories.income(session, centre, amount="25.00")
        line.amount = Decimal("30.00")
        session.flush()
        line_id = line.id
        session.delete(line)
        session.flush()
    events = _events(session, "income_lines", line_id)
    assert [e.action for e in events] == ["create", "update", "delete"]
    assert events[0].after["amount"] == "25.00"
    assert (events[1].before, events[1].after) == ({"amount": "25.00"}, {"amount": "30.00"})
    assert events[2].before["amount"] == "30.00" and events[2].after is None
    assert {e.actor for e in events} == {"test: treasurer"}
    assert {e.centre_id for e in events} == {centre.id}


def test_password_hashes_never_reach_the_audit_log(session, network):
    user = factories.user(session, role="admin")
    (event,) = _events(session, "users", user.id)
    assert event.after["password_hash"] == "***"


def test_passwords_are_not_stored_in_clear(session, network):
    user = factories.user(session, role="admin", password="a long secret phrase")
    assert "a long secret phrase" not in user.password_hash
    assert user.password_hash.startswith("$argon2id$")
    assert user.check_password("a long secret phrase")
    assert not user.check_password("a long secret phrasE")
