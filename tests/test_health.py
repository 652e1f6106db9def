"""/healthz, /readyz and `flask doctor`: what a load balancer and an operator ask."""

import pytest
from flask_migrate import upgrade

from fundtrack import create_app
from fundtrack.extensions import db
from tests.databases import fresh_database


def test_healthz_answers_without_a_session_or_a_cookie(client):
    response = client.get("/healthz")
    assert (response.status_code, response.get_json()) == (200, {"status": "ok"})
    assert "Set-Cookie" not in response.headers


def test_readyz_names_each_check(client):
    response = client.get("/readyz")
    body = response.get_json()
    assert response.status_code == 200 and body["status"] == "ready"
    assert set(body["checks"]) == {"database", "migrations", "redis"}
    assert all(check["ok"] for check in body["checks"].values())
    assert "Set-Cookie" not in response.headers


def test_readyz_checks_redis_when_it_is_used(app, client):
    app.config["RATELIMIT_STORAGE_URI"] = "redis://127.0.0.1:1/0"  # nothing listens there
    try:
        response = client.get("/readyz")
    finally:
        app.config["RATELIMIT_STORAGE_URI"] = "memory://"
    assert response.status_code == 503
    redis = response.get_json()["checks"]["redis"]
    assert not redis["ok"] and "127.0.0.1:1" in redis["detail"]


@pytest.fixture
def behind(app, tmp_path):
    """An app whose database stopped one migration short of the code."""
    url, drop = fresh_database(app.config["SQLALCHEMY_DATABASE_URI"], "behind", tmp_path)
    stale = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "TESTING": True})
    with stale.app_context():
        upgrade(revision="0009_onboardings")
    yield stale
    with stale.app_context():
        db.engine.dispose()
    drop()


@pytest.mark.no_db
def test_readyz_and_doctor_say_when_migrations_are_behind(behind):
    response = behind.test_client().get("/readyz")
    assert response.status_code == 503
    assert not response.get_json()["checks"]["migrations"]["ok"]
    result = behind.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 1
    assert (
        "FAIL migrations" in result.output
        and "fix: flask --app fundtrack db upgrade" in result.output
    )


def test_doctor_passes_on_a_ready_installation(app):
    result = app.test_cli_runner().invoke(args=["doctor"])
    assert result.exit_code == 0, result.output
    for name in ("configuration", "database", "migrations", "redis", "worker", "fonts", "disk"):
        assert f"ok   {name}" in result.output
