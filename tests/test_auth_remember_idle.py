"""A remembered session of an admin or the national office ends after a day unused; a
treasurer's lasts its full fourteen days."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from fundtrack.auth.models import UserSession
from fundtrack.auth.sessions import REMEMBER_COOKIE, new_session, now
from tests import factories


def _remembered_browser(app, session, user, idle: timedelta):
    _row, _sid, token = new_session(user, remember=True)
    row = session.scalars(select(UserSession).where(UserSession.user_id == user.id)).one()
    row.last_seen_at = now() - idle
    session.commit()
    browser = app.test_client()
    browser.set_cookie(REMEMBER_COOKIE, token, domain="fundtrack.test")
    return browser


@pytest.mark.parametrize("role", ["admin", "national"])
def test_a_wide_roles_remembered_session_ends_after_a_day_unused(app, session, network, role):
    user = factories.user(session, role=role)
    factories.enrol_mfa(session, user)
    browser = _remembered_browser(app, session, user, timedelta(hours=25))
    assert browser.get("/account").status_code == 302


def test_a_wide_roles_remembered_session_used_today_goes_on(app, session, network):
    user = factories.user(session, role="national")
    factories.enrol_mfa(session, user)
    browser = _remembered_browser(app, session, user, timedelta(hours=23))
    assert browser.get("/account").status_code == 200


def test_a_treasurers_remembered_session_lasts_its_days(app, session, network):
    user = factories.user(session, role="treasurer", centre=factories.centre(session))
    browser = _remembered_browser(app, session, user, timedelta(days=5))
    assert browser.get("/account").status_code == 200
