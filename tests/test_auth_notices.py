"""A user is told about a new device signing in and about changes to their second step, at
their next sign-in and on the account page (fundtrack sends no mail); after a change of the
second step they may end their other sessions (ASVS V7.4.3), and ending sessions asks for
the password again when it was not typed a few minutes ago (V7.5.2)."""

import re

import pyotp
from sqlalchemy import select

from fundtrack.auth.models import SecurityNotice, UserSession
from fundtrack.auth.operations import reset_second_step
from tests import factories

PASSWORD = "correct horse battery"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0 Safari/537.36"
)


def _browser(app, agent: str):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = agent
    return client


def _sign_in(client, user, follow=True):
    return client.post(
        "/login", data={"email": user.email, "password": PASSWORD}, follow_redirects=follow
    )


def _notices(session, user) -> list[str]:
    return list(
        session.scalars(
            select(SecurityNotice.kind)
            .where(SecurityNotice.user_id == user.id)
            .order_by(SecurityNotice.id)
        )
    )


def test_a_new_device_is_told_at_the_next_sign_in_from_a_known_one(client, session, network):
    user = factories.user(session, role="auditor")
    session.commit()
    home, away = _browser(client.application, FIREFOX), _browser(client.application, CHROME)
    first = _sign_in(home, user).get_data(as_text=True)
    assert "A new device signed in" not in first  # a first sign-in is no news
    assert _notices(session, user) == []
    intruder = _sign_in(away, user).get_data(as_text=True)
    assert _notices(session, user) == ["new_device"]
    assert "A new device signed in" not in intruder  # not shown away to the newcomer itself
    away.post("/logout")
    again = _sign_in(away, user).get_data(as_text=True)  # nor consumed by it
    assert "A new device signed in" not in again
    home.post("/logout")
    back = _sign_in(home, user).get_data(as_text=True)
    assert re.search(r"A new device signed in to your account on .*\(Chrome on Windows", back)
    # Shown once at sign-in; the account page keeps listing it.
    home.post("/logout")
    assert "A new device signed in" not in _sign_in(home, user).get_data(as_text=True)
    assert "Chrome on Windows" in home.get("/account").get_data(as_text=True)


def test_a_known_device_signing_in_again_is_no_news(client, session, network):
    user = factories.user(session, role="auditor")
    session.commit()
    home = _browser(client.application, FIREFOX)
    _sign_in(home, user)
    home.post("/logout")
    _sign_in(home, user)
    assert _notices(session, user) == []


def test_setting_up_the_second_step_is_told_and_offers_to_end_the_other_sessions(
    client, session, network
):
    user = factories.user(session, role="auditor")
    session.commit()
    other = _browser(client.application, CHROME)
    _sign_in(other, user)
    _sign_in(client, user)
    page = client.get("/account/two-step").get_data(as_text=True)
    secret = re.search(r"[A-Z2-7]{32}", page)[0]
    done = client.post("/account/two-step", data={"code": pyotp.TOTP(secret).now()})
    text = done.get_data(as_text=True)
    assert done.status_code == 200 and 'id="end-others"' in text
    assert "Your second sign-in step was set up" in text
    assert _notices(session, user)[-1] == "mfa_on"
    ended = client.post("/account/sessions/end-others")
    assert ended.status_code == 302 and ended.headers["Location"] == "/account"
    assert client.get("/account").status_code == 200  # this session stays
    assert other.get("/account").status_code == 302  # the other one is gone
    open_rows = session.scalars(
        select(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    ).all()
    assert len(open_rows) == 1


def test_new_recovery_codes_are_told_too(client, session, network):
    user = factories.user(session, role="auditor")
    factories.enrol_mfa(session, user)
    factories.signed_in(client, session, user)
    assert client.post("/account/two-step/recovery-codes").status_code == 200
    assert _notices(session, user) == ["codes_new"]


def test_an_admin_reset_of_the_second_step_is_told_at_the_next_sign_in(client, session, network):
    admin = factories.user(session, role="admin")
    user = factories.user(session, role="auditor")
    factories.enrol_mfa(session, user)
    reset_second_step(session, admin, user)
    session.commit()
    page = _sign_in(client, user).get_data(as_text=True)
    assert "Your second sign-in step was reset by an administrator" in page


def test_ending_sessions_asks_for_the_password_again(client, session, network):
    user = factories.user(session, role="auditor")
    other = _browser(client.application, CHROME)
    _sign_in(other, user)
    factories.signed_in(client, session, user, fresh=False)
    theirs = session.scalars(
        select(UserSession).where(UserSession.user_id == user.id).order_by(UserSession.id)
    ).first()
    for path in (
        f"/account/sessions/{theirs.id}/end",
        "/account/sessions/end-others",
        "/account/sign-out-everywhere",
    ):
        answer = client.post(path)
        assert answer.status_code == 302 and "/account/confirm" in answer.headers["Location"]
    assert other.get("/account").status_code == 200  # nothing was ended
    client.post("/account/confirm", data={"password": PASSWORD})
    assert client.post(f"/account/sessions/{theirs.id}/end").status_code == 302
    assert other.get("/account").status_code == 302
