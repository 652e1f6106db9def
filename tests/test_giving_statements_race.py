"""Two issuers state the same donor's year at the same moment, each in a session of its own
on a database of its own (committed data, not the rolled-back test transaction): one
statement is issued, the other issuer is refused, and no gift is on two live statements.

On PostgreSQL both issuers read before either commits, so the second one's insert waits for
the first one's commit and is then refused by UNIQUE (income_line_id, live): the database's
refusal, answered as Conflict "already_stated". On SQLite the write lock (BEGIN IMMEDIATE)
makes the second wait before it reads; it then finds the first statement ("statement_exists").
"""

import os
import tempfile
import threading
import time
from datetime import date

import pytest
from flask_migrate import upgrade
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundtrack import create_app
from fundtrack.auth.models import User
from fundtrack.errors import Conflict
from fundtrack.extensions import db
from fundtrack.giving.statement_models import GivingStatement, GivingStatementLine
from fundtrack.giving.statements import issue_statement
from fundtrack.income.models import Donor
from tests import factories
from tests.databases import fresh_database

pytestmark = pytest.mark.no_db
TODAY = date(2026, 2, 1)


@pytest.fixture(scope="module")
def racing_app():
    base = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or "sqlite"
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with tempfile.TemporaryDirectory() as tmp_root:
        url, drop = fresh_database(base, f"{worker}_race", tmp_root)
        app = create_app({
            "TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "test-secret",
            "SERVER_NAME": "fundtrack.test", "BABEL_DEFAULT_LOCALE": "en",
            "PASSWORD_HASH_PROFILE": "cheap",
        })  # fmt: skip
        with app.app_context():
            upgrade()
        yield app
        with app.app_context():
            db.engine.dispose()
        drop()


def _committed_world(app) -> tuple[int, list[int]]:
    with app.app_context():
        session = db.session  # the app's own, as in a request: one per app context
        factories.network(session)
        centre = factories.centre(session, code="RACE", rsin="002425695")
        users = [factories.user(session, "treasurer", centre), factories.user(session, "national")]
        donor = factories.donor(session, centre, name="Joke Jansen")
        for day in (date(2025, 3, 1), date(2025, 6, 1), date(2025, 9, 1)):
            factories.income(session, centre, "25.00", booking_date=day, donor=donor)
        ids = donor.id, [user.id for user in users]
        session.commit()
        return ids


def test_two_issuers_racing_end_with_one_statement_and_one_refusal(racing_app):
    donor_id, (treasurer_id, national_id) = _committed_world(racing_app)
    first_flushed, second_started = threading.Event(), threading.Event()
    outcome: dict[str, object] = {}

    def issue(name: str, user_id: int) -> None:
        # Each thread's app context has a session (and connection) of its own.
        with racing_app.app_context():
            session = db.session
            if name == "second":
                first_flushed.wait(30)
                second_started.set()
            try:
                user, donor = session.get(User, user_id), session.get(Donor, donor_id)
                statement = issue_statement(session, user, donor, 2025, today=TODAY)
                if name == "first":
                    first_flushed.set()
                    second_started.wait(30)
                    time.sleep(1.5)  # the second issuer reads (and on PostgreSQL writes) now
                session.commit()
                outcome[name] = statement.id
            except Conflict as refused:
                session.rollback()
                outcome[name] = refused.code
            finally:
                first_flushed.set()

    threads = [threading.Thread(target=issue, args=("first", treasurer_id)),
               threading.Thread(target=issue, args=("second", national_id))]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert isinstance(outcome["first"], int), outcome
    with racing_app.app_context():
        postgres = db.engine.dialect.name == "postgresql"
        with Session(db.engine) as session:
            live = session.scalars(select(GivingStatement.id).where(
                GivingStatement.live.is_(True))).all()  # fmt: skip
            twice = session.scalar(select(func.count()).select_from(
                select(GivingStatementLine.income_line_id)
                .where(GivingStatementLine.live.is_(True))
                .group_by(GivingStatementLine.income_line_id)
                .having(func.count() > 1).subquery()))  # fmt: skip
            covered = session.scalar(select(func.count()).where(
                GivingStatementLine.live.is_(True)))  # fmt: skip
    assert live == [outcome["first"]] and twice == 0 and covered == 3
    assert outcome["second"] == ("already_stated" if postgres else "statement_exists")
