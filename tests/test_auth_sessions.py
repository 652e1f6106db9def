"""Server-side sessions: sign-out, a password change and deactivation end them; idle and
absolute timeouts; "keep me signed in" rotates; the session id and CSRF token are renewed."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from fundtrack import create_app
from fundtrack.auth.models import UserSession
from fundtrack.auth.sessions import REMEMBER_COOKIE, now
from tests import factories

PASSWORD = "correct horse battery"


def _sign_in(client, email, remember=False):
    data = {"email": email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    return client.post("/login", data=data)


def _cookies(client) -> dict:
    return {c.key: c.value for c in client._cookies.values()}


def _replay(app, cookies: dict):
    """A second browser holding copies of the cookies."""
    other = app.test_client()
    for key, value in cookies.items():
        other.set_cookie(key, value, domain="fundtrack.test")
    return other


@pytest.fixture
def treasurer(session, network):
    centre = factories.centre(session, code="OLD")
    return factories.user(session, role="treasurer", centre=centre, email="t@example.org")


def test_a_copied_session_cookie_is_refused_after_sign_out(app, client, treasurer):
    assert _sign_in(client, "t@example.org").status_code == 302
    copied = _cookies(client)
    assert client.get("/my-centre").status_code == 200
    client.post("/logout")
    response = _replay(app, copied).get("/my-centre")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_copied_remember_token_is_refused_after_sign_out(app, client, treasurer):
    _sign_in(client, "t@example.org", remember=True)
    copied = _cookies(client)
    assert REMEMBER_COOKIE in copied
    client.post("/logout")
    stolen = _replay(app, {REMEMBER_COOKIE: copied[REMEMBER_COOKIE]})
    assert stolen.get("/my-centre").status_code == 302


@pytest.mark.parametrize("change", ["password", "deactivate", "role"])
def test_every_session_and_remember_token_ends_when_the_account_changes(
    app, client, session, treasurer, change
):
    _sign_in(client, "t@example.org", remember=True)
    copied = _cookies(client)
    if change == "password":
        treasurer.set_password("a brand new passphrase here")
    elif change == "deactivate":
        treasurer.active = False
    else:
        treasurer.role, treasurer.centre = factories.Role.AUDITOR, None
    session.commit()
    assert _replay(app, copied).get("/my-centre").status_code == 302
    assert _replay(app, {REMEMBER_COOKIE: copied[REMEMBER_COOKIE]}).get("/").status_code == 302


def test_a_remember_token_opens_a_new_session_and_is_replaced(app, client, session, treasurer):
    _sign_in(client, "t@example.org", remember=True)
    first = _cookies(client)[REMEMBER_COOKIE]
    browser = _replay(app, {REMEMBER_COOKIE: first})
    assert browser.get("/my-centre").status_code == 200
    second = _cookies(browser)[REMEMBER_COOKIE]
    assert second != first
    # Once the few seconds for requests sent at once are over, the old token no longer
    # works (tests/test_auth_remember_twice.py); the new one does.
    row = session.scalars(select(UserSession)).one()
    row.remember_rotated_at = now() - timedelta(seconds=31)
    session.commit()
    assert _replay(app, {REMEMBER_COOKIE: first}).get("/my-centre").status_code == 302
    assert _replay(app, {REMEMBER_COOKIE: second}).get("/my-centre").status_code == 200


def test_the_remember_cookie_is_http_only_and_same_site(client, treasurer):
    response = _sign_in(client, "t@example.org", remember=True)
    header = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(REMEMBER_COOKIE)]
    assert header and "HttpOnly" in header[0] and "SameSite=Lax" in header[0]


def test_the_database_keeps_only_hashes(client, session, treasurer):
    _sign_in(client, "t@example.org", remember=True)
    cookies = _cookies(client)
    row = session.scalars(select(UserSession)).one()
    assert cookies[REMEMBER_COOKIE] not in (row.sid_hash, row.remember_hash)
    assert len(row.sid_hash) == 64 and len(row.remember_hash) == 64


def test_a_session_left_idle_ends(client, session, treasurer):
    _sign_in(client, "t@example.org")
    row = session.scalars(select(UserSession)).one()
    row.last_seen_at = now() - timedelta(minutes=31)
    session.commit()
    assert client.get("/my-centre").status_code == 302


def test_a_session_ends_at_its_absolute_lifetime_even_when_used(client, session, treasurer):
    _sign_in(client, "t@example.org")
    row = session.scalars(select(UserSession)).one()
    assert row.expires_at - row.created_at == timedelta(hours=12)
    row.expires_at = now() - timedelta(seconds=1)
    session.commit()
    assert client.get("/my-centre").status_code == 302


def test_sign_out_everywhere_ends_the_other_browsers_too(app, client, session, treasurer):
    _sign_in(client, "t@example.org")
    other = app.test_client()
    _sign_in(other, "t@example.org")
    page = client.get("/account").get_data(as_text=True)
    assert "Sign out everywhere" in page and page.count("<tr>") == 3  # header + two sessions
    client.post("/account/sign-out-everywhere")
    assert other.get("/my-centre").status_code == 302
    assert client.get("/my-centre").status_code == 302


def test_the_user_changes_their_password_and_other_sessions_end(app, client, session, treasurer):
    _sign_in(client, "t@example.org")
    other = app.test_client()
    _sign_in(other, "t@example.org")
    response = client.post(
        "/account/password", data={"current": PASSWORD, "new": "another long passphrase"}
    )
    assert response.status_code == 302
    assert client.get("/my-centre").status_code == 200
    assert other.get("/my-centre").status_code == 302


def test_a_common_new_password_is_refused_beside_the_field(client, session, treasurer):
    _sign_in(client, "t@example.org")
    response = client.post("/account/password", data={"current": PASSWORD, "new": "password1234"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "too common or too easy to guess" in page and "password: too common" not in page


def test_sign_in_renews_the_session_and_the_csrf_token(app, session, network):
    factories.user(session, role="auditor", email="a@example.org")
    session.commit()
    csrf_app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "x" * 32,
            "PASSWORD_HASH_PROFILE": "cheap",
        }
    )
    browser = csrf_app.test_client()
    page = browser.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    signed_in = browser.post(
        "/login", data={"email": "a@example.org", "password": PASSWORD, "csrf_token": token}
    )
    assert signed_in.status_code == 302
    # The token taken before signing in no longer passes.
    assert browser.post("/account/language", data={"csrf_token": token}).status_code == 400
