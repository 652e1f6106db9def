"""The admin's Users screen: reset a user's second step, end a user's sessions; audited."""

import pytest
from sqlalchemy import select

from fundtrack.audit.models import AuditEvent
from fundtrack.auth import operations
from fundtrack.auth.access import NotAllowed
from fundtrack.auth.models import RecoveryCode, UserSession
from fundtrack.auth.sessions import new_session
from tests import factories


@pytest.fixture
def someone(session, network):
    user = factories.user(session, "national", name="Lost Phone")
    factories.enrol_mfa(session, user)
    session.add(RecoveryCode(user_id=user.id, code_hash="0" * 64))
    new_session(user)
    new_session(user, remember=True)
    session.commit()
    return user


def _open_sessions(session, user) -> int:
    rows = session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    )
    return len(rows.all())


def _events(session, user, action):
    return session.scalars(
        select(AuditEvent).where(AuditEvent.action == action, AuditEvent.entity_id == str(user.id))
    ).all()


def test_an_admin_resets_a_users_second_step_and_their_sessions_end(session, someone):
    admin = factories.user(session, "admin")
    assert operations.reset_second_step(session, admin, someone) == 2
    assert not someone.mfa_enabled
    assert _open_sessions(session, someone) == 0
    assert (
        session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == someone.id)).all() == []
    )
    (event,) = _events(session, someone, "mfa-reset")
    assert (event.user_id, event.actor) == (admin.id, admin.email)


def test_an_admin_ends_every_session_of_a_user(session, someone):
    admin = factories.user(session, "admin")
    assert operations.end_user_sessions(session, admin, someone) == 2
    assert _open_sessions(session, someone) == 0
    assert someone.mfa_enabled
    (event,) = _events(session, someone, "sess-end")
    assert event.after["sessions_ended"] == 2


@pytest.mark.parametrize("role", ["national", "treasurer", "auditor"])
def test_only_an_admin_may(session, someone, role):
    centre = factories.centre(session) if role == "treasurer" else None
    other = factories.user(session, role, centre)
    with pytest.raises(NotAllowed):
        operations.reset_second_step(session, other, someone)
    with pytest.raises(NotAllowed):
        operations.end_user_sessions(session, other, someone)
    assert someone.mfa_enabled and _open_sessions(session, someone) == 2


def test_the_users_screen_resets_and_signs_out(client, login_as, session, someone):
    login_as("admin")
    page = client.get(f"/admin/users/security/?id={someone.id}").get_data(as_text=True)
    assert someone.email in page and "Reset the second step" in page
    response = client.post(f"/admin/users/security/?id={someone.id}", data={"do": "end-sessions"})
    assert response.status_code == 302
    assert _open_sessions(session, someone) == 0
    response = client.post(f"/admin/users/security/?id={someone.id}", data={"do": "reset-mfa"})
    assert response.status_code == 302
    session.expire_all()
    assert not someone.mfa_enabled
    assert "/admin/users/security/?id=" in client.get("/admin/users/").get_data(as_text=True)


@pytest.mark.parametrize("role", ["national", "auditor"])
def test_the_users_screen_is_the_admins(client, login_as, session, someone, role):
    login_as(role)
    url = f"/admin/users/security/?id={someone.id}"
    assert client.get(url).status_code == 403
    assert client.post(url, data={"do": "reset-mfa"}).status_code == 403
    assert someone.mfa_enabled
