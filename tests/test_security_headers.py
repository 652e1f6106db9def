"""Security headers on pages, the admin and the API; a body size limit; a real SECRET_KEY."""

import pytest

from fundtrack import create_app
from fundtrack.config import ConfigError


def _check(response):
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    script = next(part for part in csp.split(";") if part.strip().startswith("script-src"))
    assert "unsafe-inline" not in script and "'nonce-" in script
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    return csp


def test_a_page_the_admin_and_the_api_carry_the_headers(client, login_as):
    login_as("national")
    page = client.get("/dashboard")
    _check(page)
    admin = client.get("/admin/income-lines/")
    csp = _check(admin)
    nonce = csp.split("'nonce-")[1].split("'")[0]
    html = admin.get_data(as_text=True)
    assert f'nonce="{nonce}"' in html and "onclick=" not in html
    _check(client.get("/api/v1/regions"))
    docs = client.get("/api/v1/docs")
    assert f'nonce="{_check(docs).split(chr(39) + "nonce-")[1].split(chr(39))[0]}"' in (
        docs.get_data(as_text=True)
    )


def test_each_response_has_a_fresh_nonce(client):
    first = client.get("/login").headers["Content-Security-Policy"]
    second = client.get("/login").headers["Content-Security-Policy"]
    assert first != second


def test_hsts_only_in_production(app, client):
    assert "Strict-Transport-Security" not in client.get("/login").headers
    app.config["FUNDTRACK_PRODUCTION"] = True
    try:
        assert "max-age=" in client.get("/login").headers["Strict-Transport-Security"]
    finally:
        app.config["FUNDTRACK_PRODUCTION"] = False


def test_an_oversized_body_is_refused_with_413_before_it_is_read(client, session, login_as):
    from fundtrack.auth.tokens import issue_token

    user = login_as("national")
    _row, token = issue_token(session, user)
    body = b"[" + b'{"x": 1},' * 300_000 + b"{}]"
    assert len(body) > client.application.config["MAX_CONTENT_LENGTH"]
    response = client.post(
        "/api/v1/income",
        data=body,
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 413
    assert client.post("/login", data={"email": "x" * 3_000_000}).status_code == 413


@pytest.mark.no_db
def test_start_up_is_refused_without_a_key_outside_development(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    for env in ("", "staging", "production"):
        monkeypatch.setenv("FUNDTRACK_ENV", env)
        with pytest.raises(ConfigError, match="SECRET_KEY"):
            create_app()


@pytest.mark.no_db
def test_production_refuses_a_short_key(monkeypatch):
    monkeypatch.setenv("FUNDTRACK_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "too-short")
    with pytest.raises(ConfigError, match="32"):
        create_app()
