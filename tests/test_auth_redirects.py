"""After signing in, the second step and choosing a language, only paths on this site are
followed: what a browser would make of the Location header is checked, not what Python's
URL parser makes of it."""

import pyotp
import pytest

from tests import factories

PASSWORD = "correct horse battery"
HOSTILE = [
    "https://evil.example/",
    "//evil.example/",
    "///evil.example/",
    "////evil.example/",
    "/\\evil.example/",
    "/\t/evil.example/",
    "/\n/evil.example/",
    "\t//evil.example/",
    " //evil.example",
    "/\x00/evil.example",
    "javascript:alert(1)",
]


def _browser_host(location: str) -> str:
    """The host a browser would go to from http://fundtrack.test/login for `location`."""
    from urllib.parse import urljoin, urlsplit

    cleaned = "".join(ch for ch in location if ch not in "\t\n\r").strip("\x00 ")
    cleaned = cleaned.replace("\\", "/")
    return urlsplit(urljoin("http://fundtrack.test/login", cleaned)).netloc


@pytest.mark.parametrize("target", HOSTILE)
def test_signing_in_never_sends_the_user_to_another_site(client, session, network, target):
    factories.user(session, role="auditor", email="r@example.org")
    answer = client.post(
        "/login",
        query_string={"next": target},
        data={"email": "r@example.org", "password": PASSWORD},
    )
    assert answer.status_code == 302
    assert _browser_host(answer.headers["Location"]) in ("", "fundtrack.test")


@pytest.mark.parametrize("target", HOSTILE)
def test_the_second_step_never_sends_the_user_to_another_site(client, session, network, target):
    user = factories.user(session, role="national", email="n@example.org")
    secret = factories.enrol_mfa(session, user)
    session.commit()
    client.post(
        "/login",
        query_string={"next": target},
        data={"email": "n@example.org", "password": PASSWORD},
    )
    answer = client.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
    assert answer.status_code == 302
    assert _browser_host(answer.headers["Location"]) in ("", "fundtrack.test")


@pytest.mark.parametrize("target", HOSTILE)
def test_choosing_a_language_never_sends_the_user_to_another_site(client, session, network, target):
    factories.signed_in(client, session, factories.user(session, role="auditor"))
    answer = client.post("/account/language", data={"locale": "nb", "next": target})
    assert answer.status_code == 302
    assert _browser_host(answer.headers["Location"]) in ("", "fundtrack.test")


def test_a_path_on_this_site_with_its_query_is_followed_after_signing_in(client, session, network):
    factories.user(session, role="auditor", email="q@example.org")
    answer = client.post(
        "/login",
        query_string={"next": "/dashboard?year=2025"},
        data={"email": "q@example.org", "password": PASSWORD},
    )
    assert answer.headers["Location"] == "/dashboard?year=2025"


@pytest.mark.parametrize("target", [*HOSTILE, "http:/evil.example", "http://fundtrack.test/x"])
def test_the_admin_returns_only_to_paths_on_this_site(client, session, network, target):
    """Flask-Admin's `url=` (where to go after saving) follows the sign-in's rule: a GET that
    carries another is sent to the page without it, a POST is refused."""
    user = factories.user(session, role="national")
    factories.enrol_mfa(session, user)
    factories.signed_in(client, session, user)
    page = client.get("/admin/funders/new/", query_string={"url": target, "x": "1"})
    assert page.status_code == 303 and page.headers["Location"] == "/admin/funders/new/?x=1"
    saved = client.post(
        "/admin/funders/new/",
        query_string={"url": target},
        data={"name": "Fonds Terug", "type": "foundation"},
    )
    assert saved.status_code == 400


def test_the_admin_still_returns_to_a_path_on_this_site(client, session, network):
    user = factories.user(session, role="national")
    factories.enrol_mfa(session, user)
    factories.signed_in(client, session, user)
    saved = client.post(
        "/admin/funders/new/",
        query_string={"url": "/admin/funders/?page=2"},
        data={"name": "Fonds Terug", "type": "foundation"},
    )
    assert saved.status_code == 302 and saved.headers["Location"] == "/admin/funders/?page=2"
