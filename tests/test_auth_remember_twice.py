"""One remember token sent twice at once (two tabs, a prefetch) does not sign the user out:
the second request gets in without new cookies, and the first one's new token stands. After
a few seconds the replaced token is refused again."""

from datetime import timedelta

from sqlalchemy import select

from fundtrack.auth.models import UserSession
from fundtrack.auth.sessions import REMEMBER_COOKIE, new_session, now
from tests import factories


def _browser(app, token):
    browser = app.test_client()
    browser.set_cookie(REMEMBER_COOKIE, token, domain="fundtrack.test")
    return browser


def _set_cookies(response) -> str:
    return " ".join(response.headers.getlist("Set-Cookie"))


def test_the_same_remember_token_twice_at_once_keeps_the_user_signed_in(app, session, network):
    user = factories.user(session, role="treasurer", centre=factories.centre(session))
    _row, _sid, token = new_session(user, remember=True)
    session.commit()
    first = _browser(app, token).get("/my-centre")
    assert first.status_code == 200
    replaced = first.headers.getlist("Set-Cookie")
    new_token = next(h for h in replaced if h.startswith(REMEMBER_COOKIE)).split(";")[0]
    new_token = new_token.split("=", 1)[1]
    # The second tab's request left with the old token before the first one's answer came.
    second = _browser(app, token).get("/my-centre")
    assert second.status_code == 200
    assert REMEMBER_COOKIE not in _set_cookies(second)  # nothing deleted, nothing replaced
    assert _browser(app, new_token).get("/my-centre").status_code == 200


def test_a_replaced_remember_token_is_refused_after_a_few_seconds(app, session, network):
    user = factories.user(session, role="treasurer", centre=factories.centre(session))
    _row, _sid, token = new_session(user, remember=True)
    session.commit()
    assert _browser(app, token).get("/my-centre").status_code == 200
    row = session.scalars(select(UserSession).where(UserSession.user_id == user.id)).one()
    row.remember_rotated_at = now() - timedelta(seconds=31)
    session.commit()
    late = _browser(app, token).get("/my-centre")
    assert late.status_code == 302
    assert f"{REMEMBER_COOKIE}=;" in _set_cookies(late)
