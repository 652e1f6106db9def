"""In production the session and remember cookies are __Host- cookies: Secure, path /, no
Domain, so that no subdomain or plain-http page can plant or overwrite them."""

import pytest

from fundtrack import create_app
from tests import factories

PASSWORD = "correct horse battery"


@pytest.fixture
def production(app, monkeypatch):
    monkeypatch.setenv("FUNDTRACK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "a-production-key-of-forty-characters-xxxx")
    monkeypatch.setenv("FUNDTRACK_TOTP_KEYS", "Iz2rrlN2sSXEqHmV3zEf8Tq4Zu-1xlxrjRN1w5g9D6I=")
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "WTF_CSRF_ENABLED": False,
            "SERVER_NAME": "fundtrack.test",
            "BABEL_DEFAULT_LOCALE": "en",
            "PASSWORD_HASH_PROFILE": "cheap",
        }
    )


def _set_cookies(response) -> dict[str, str]:
    return {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}


def test_production_cookies_carry_the_host_prefix_and_what_it_demands(production, session, network):
    factories.user(session, role="auditor", email="host@example.org")
    session.commit()
    client = production.test_client()
    answer = client.post(
        "/login",
        data={"email": "host@example.org", "password": PASSWORD, "remember": "y"},
        base_url="https://fundtrack.test",
    )
    assert answer.status_code == 302
    cookies = _set_cookies(answer)
    assert set(cookies) == {
        "__Host-fundtrack_session",
        "__Host-fundtrack_remember",
        "__Host-fundtrack_device",
    }
    for header in cookies.values():
        attributes = [part.strip().lower() for part in header.split(";")[1:]]
        assert "secure" in attributes and "httponly" in attributes and "path=/" in attributes
        assert not any(part.startswith("domain=") for part in attributes)


def test_production_reads_its_own_remember_cookie(production, session, network):
    factories.user(session, role="auditor", email="back@example.org")
    session.commit()
    client = production.test_client()
    signed = client.post(
        "/login",
        data={"email": "back@example.org", "password": PASSWORD, "remember": "y"},
        base_url="https://fundtrack.test",
    )
    token = _set_cookies(signed)["__Host-fundtrack_remember"].split(";")[0].split("=", 1)[1]
    other = production.test_client()
    other.set_cookie("__Host-fundtrack_remember", token, domain="fundtrack.test")
    assert other.get("/account", base_url="https://fundtrack.test").status_code == 200
