"""Fixtures: one migrated database per test run (per xdist worker), each test rolled back.

Set TEST_DATABASE_URL (or DATABASE_URL) to a PostgreSQL URL to run the same tests there;
a database named after it with the worker's suffix is created and dropped by the run.
"""

import os
import tempfile

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy.orm import scoped_session, sessionmaker

from fundtrack import create_app
from fundtrack.extensions import db
from tests import factories
from tests.databases import fresh_database

# Development mode is asked for explicitly, as `make run` does; the app refuses to start
# without a real SECRET_KEY otherwise.
os.environ.setdefault("FUNDTRACK_ENV", "development")


def _worker() -> str:
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


def _database_url(tmp_root: str) -> tuple[str, callable]:
    """The URL the tests use, and how to drop that database afterwards."""
    base = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or "sqlite"
    return fresh_database(base, _worker(), tmp_root)


@pytest.fixture(scope="session")
def app():
    with tempfile.TemporaryDirectory() as tmp_root:
        url, drop = _database_url(tmp_root)
        app = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": url,
                "WTF_CSRF_ENABLED": False,
                "SECRET_KEY": "test-secret",
                "SERVER_NAME": "fundtrack.test",
                # The tests read English words; tests/test_translations.py checks the Dutch
                # default and the other languages.
                "BABEL_DEFAULT_LOCALE": "en",
                # argon2id at its cheapest: hundreds of users are made per run.
                "PASSWORD_HASH_PROFILE": "cheap",
            }
        )
        with app.app_context():
            # The schema comes from the migrations, exactly as in production.
            upgrade()
        yield app
        with app.app_context():
            db.engine.dispose()
        drop()


@pytest.fixture(autouse=True)
def session(request, app):
    """A session inside one transaction that is rolled back after the test.

    The application and the test share it, as a request thread would. Its commits only
    release a savepoint, so nothing outlives the test.
    """
    if "no_db" in request.keywords:
        yield None
        return
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = scoped_session(
            sessionmaker(
                bind=connection,
                join_transaction_mode="create_savepoint",
                expire_on_commit=False,
            )
        )
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


class CommittingClient(FlaskClient):
    """A test client that first commits what the test set up, as a real user's data would be.

    Without it the request's end (which closes the session) would discard the test's rows.
    """

    def open(self, *args, **kwargs):
        db.session.commit()
        return super().open(*args, **kwargs)


@pytest.fixture
def client(app):
    app.test_client_class = CommittingClient
    return app.test_client()


@pytest.fixture(autouse=True)
def _fresh_login_counts(app):
    """Sign-in throttling counts per test, not across the run."""
    from fundtrack.auth.throttle import limiter

    limiter.reset()


@pytest.fixture
def network(session):
    return factories.network(session)


@pytest.fixture
def login_as(client, session, network):
    """Sign the test client in as a new user of `role` (treasurers need a centre)."""

    def login(role: str, centre=None, **kwargs):
        user = factories.user(session, role=role, centre=centre, **kwargs)
        if role in client.application.config["MFA_REQUIRED_ROLES"]:
            factories.enrol_mfa(session, user)
        return factories.signed_in(client, session, user)

    return login


@pytest.fixture
def count_queries(app):
    """Count the SQL statements run inside a `with count_queries() as counter:` block."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        statements: list[str] = []

        def before(_conn, _cursor, statement, *_args):
            # The sign-in's bookkeeping (last seen, at most once a minute, and reloading the
            # signed-in user after it) belongs to the request, not the page: on a slow machine
            # it would land inside a count at random.
            signed_in_user = statement.startswith("SELECT users.") and "users.id = " in statement
            if "user_sessions" not in statement and not signed_in_user:
                statements.append(statement)

        engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)

    return counting
