"""Sign-in throttle counts live in the database by default, so every worker of
`gunicorn --workers 4` shares them (and a restart forgets none): four workers no longer
allow four times the attempts."""

from sqlalchemy import select

from fundtrack.auth.models import ThrottleCount
from fundtrack.auth.throttle_storage import DatabaseStorage
from fundtrack.config import load_config
from tests import factories


def test_the_default_throttle_storage_is_the_database(monkeypatch, tmp_path):
    monkeypatch.delenv("FUNDTRACK_RATELIMIT_STORAGE", raising=False)
    config = load_config(str(tmp_path), {"SECRET_KEY": "x" * 40})
    assert config["RATELIMIT_STORAGE_URI"] == "fundtrack-db://"


def test_failed_sign_ins_are_counted_where_every_worker_reads_them(client, session, network):
    factories.user(session, role="auditor", email="shared@example.org")
    for _ in range(10):
        wrong = {"email": "shared@example.org", "password": "wrong wrong wrong"}
        assert client.post("/login", data=wrong).status_code == 401
    rows = session.scalars(
        select(ThrottleCount).where(ThrottleCount.key.contains("shared@example.org"))
    ).all()
    assert [row.count for row in rows] == [10]
    # Another worker holds a storage object of its own: it reads the same count.
    assert DatabaseStorage("fundtrack-db://").get(rows[0].key) == 10
    right = {"email": "shared@example.org", "password": "correct horse battery"}
    assert client.post("/login", data=right).status_code == 429


def test_a_window_that_has_passed_starts_counting_again(app, session, network):
    storage = DatabaseStorage("fundtrack-db://")
    with app.test_request_context():
        assert storage.incr("LIMITER/test/window", 60) == 1
        assert storage.incr("LIMITER/test/window", 60) == 2
        session.get(ThrottleCount, "LIMITER/test/window").expires_at = 0.0
        session.flush()
        assert storage.get("LIMITER/test/window") == 0
        assert storage.incr("LIMITER/test/window", 60) == 1
