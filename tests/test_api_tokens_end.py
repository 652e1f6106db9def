"""API tokens end with the sessions, expire, carry a scope, and need a fresh sign-in with
the second step to be made."""

from datetime import UTC, datetime, timedelta

import pyotp
from sqlalchemy import select

from fundtrack.auth import operations
from fundtrack.auth.models import ApiToken, Role
from fundtrack.auth.tokens import READ, issue_token, user_for_token
from tests import factories

PASSWORD = "correct horse battery"


def _works(client, token) -> bool:
    answer = client.get("/api/v1/regions", headers={"Authorization": f"Bearer {token}"})
    return answer.status_code == 200


def test_a_token_stops_working_when_its_user_changes_their_password(client, session, network):
    user = factories.user(session, role="auditor")
    _row, token = issue_token(session, user)
    factories.signed_in(client, session, user)
    assert _works(client, token)
    answer = client.post(
        "/account/password", data={"current": PASSWORD, "new": "a brand new passphrase 7"}
    )
    assert answer.status_code == 302
    assert not _works(client, token)


def test_a_token_stops_working_when_its_user_signs_out_everywhere(client, session, network):
    user = factories.user(session, role="auditor")
    _row, token = issue_token(session, user)
    factories.signed_in(client, session, user)
    assert client.post("/account/sign-out-everywhere").status_code == 302
    assert not _works(client, token)


def test_a_token_stops_working_when_its_users_role_changes(client, session, network):
    user = factories.user(session, role="national")
    _row, token = issue_token(session, user)
    assert _works(client, token)
    user.role = Role.AUDITOR
    session.commit()
    assert not _works(client, token)


def test_a_token_stops_working_when_an_admin_resets_the_second_step(client, session, network):
    admin = factories.user(session, role="admin")
    user = factories.user(session, role="national")
    factories.enrol_mfa(session, user)
    _row, token = issue_token(session, user)
    operations.reset_second_step(session, admin, user)
    session.commit()
    assert not _works(client, token)


def test_a_token_stops_working_when_the_second_step_is_reset_from_the_command_line(
    app, client, session, network
):
    user = factories.user(session, role="national", email="lost.phone@example.org")
    factories.enrol_mfa(session, user)
    _row, token = issue_token(session, user)
    session.commit()
    result = app.test_cli_runner().invoke(args=["users", "reset-mfa", "lost.phone@example.org"])
    assert result.exit_code == 0, result.output
    assert not _works(client, token)


def test_an_expired_token_is_refused(client, session, network):
    row, token = issue_token(session, factories.user(session, role="auditor"), days=1)
    assert _works(client, token)
    row.expires_at = datetime.now(UTC) - timedelta(seconds=1)
    session.commit()
    assert not _works(client, token)


def test_a_read_only_token_reads_but_cannot_change_anything(client, session, network):
    user = factories.user(session, role="national")
    _row, token = issue_token(session, user, scope=READ)
    headers = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/v1/regions", headers=headers).status_code == 200
    answer = client.post("/api/v1/regions", headers=headers, json={"code": "RO", "name": "Ro"})
    assert answer.status_code == 403 and "only read" in answer.get_json()["message"]
    assert "insufficient_scope" in answer.headers["WWW-Authenticate"]


def test_making_a_token_needs_the_second_step_set_up(client, session, network):
    user = factories.user(session, role="auditor")
    factories.signed_in(client, session, user)
    answer = client.post("/account/tokens", data={"name": "x"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/account/two-step")
    assert session.scalars(select(ApiToken)).all() == []


def test_making_a_token_needs_a_fresh_sign_in_with_the_second_step(client, session, network):
    user = factories.user(session, role="auditor")
    secret = factories.enrol_mfa(session, user)
    factories.signed_in(client, session, user, fresh=False)  # e.g. kept signed in for days
    answer = client.post("/account/tokens", data={"name": "x", "scope": "write", "days": "30"})
    assert answer.status_code == 302 and "/account/confirm" in answer.headers["Location"]
    assert session.scalars(select(ApiToken)).all() == []
    # The password alone does not do.
    refused = client.post("/account/confirm?next=/account/tokens", data={"password": PASSWORD})
    assert refused.status_code == 401
    confirmed = client.post(
        "/account/confirm?next=/account/tokens",
        data={"password": PASSWORD, "code": pyotp.TOTP(secret).now()},
    )
    assert confirmed.status_code == 302 and confirmed.headers["Location"] == "/account/tokens"
    made = client.post("/account/tokens", data={"name": "x", "scope": "write", "days": "30"})
    assert made.status_code == 200
    row = session.scalars(select(ApiToken)).one()
    assert row.scope == "write"
    assert timedelta(days=29) < row.expires_at.replace(tzinfo=UTC) - datetime.now(UTC)
    assert row.expires_at.replace(tzinfo=UTC) - datetime.now(UTC) <= timedelta(days=30)
    token = made.get_data(as_text=True).split('<code id="new-token">')[1].split("</code>")[0]
    assert user_for_token(session, token) == user


def test_a_token_made_on_the_page_is_read_only_unless_asked(client, session, network):
    user = factories.user(session, role="auditor")
    factories.enrol_mfa(session, user)
    factories.signed_in(client, session, user)
    assert client.post("/account/tokens", data={"name": "reader"}).status_code == 200
    assert session.scalars(select(ApiToken.scope)).one() == "read"
