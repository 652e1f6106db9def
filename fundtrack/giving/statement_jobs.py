"""A centre's statements of a year in one go: every donor with gifts not yet on a live
statement gets one. Rendering takes a moment a donor, so the screen queues it as a job
(fundtrack.jobs) that commits after each donor and puts its progress where the screen
reads it."""

from collections.abc import Callable
from datetime import date

from sqlalchemy.orm import Session

from fundtrack.auth.access import require_manage
from fundtrack.auth.models import User
from fundtrack.centres.models import Centre
from fundtrack.errors import DomainError
from fundtrack.extensions import db
from fundtrack.giving.statement_data import donors_to_state
from fundtrack.giving.statements import ended_year, issue_statement
from fundtrack.income.models import Donor
from fundtrack.jobs import app_context, huey, put_progress


def issue_for_centre(
    session: Session,
    user: User,
    centre: Centre,
    year: int,
    *,
    today: date | None = None,
    after_each: Callable[[int, int], None] | None = None,
) -> tuple[list[int], int]:
    """Issue the statement of `year` of each of the centre's donors that still needs one;
    the ids issued and how many were refused (another issuer was quicker, say)."""
    require_manage(user, centre.id)
    ended_year(year, today)
    donors = donors_to_state(session, centre, year)
    issued, refused, cache = [], 0, {}
    for done, donor_id in enumerate(donors, start=1):
        try:
            with session.begin_nested():
                donor = session.get(Donor, donor_id)
                statement = issue_statement(session, user, donor, year, today=today, cache=cache)
            issued.append(statement.id)
        except DomainError:
            refused += 1
        if after_each is not None:
            after_each(done, len(donors))
    return issued, refused


def progress_key(centre: Centre, year: int) -> str:
    return f"statements-{centre.id}-{year}"


def start_statements(user: User, centre: Centre, year: int) -> str:
    """Queue the centre's statements of `year`; the key its progress is read under."""
    require_manage(user, centre.id)
    ended_year(year)
    key = progress_key(centre, year)
    put_progress(key, 0, None)
    issue_statements_job(user.id, centre.id, year)
    return key


@huey.task()
def issue_statements_job(user_id: int, centre_id: int, year: int) -> None:
    with app_context():
        session = db.session
        user, centre = session.get(User, user_id), session.get(Centre, centre_id)
        key = progress_key(centre, year)

        def after_each(done: int, total: int) -> None:
            session.commit()
            put_progress(key, done, total)

        try:
            issue_for_centre(session, user, centre, year, after_each=after_each)
            session.commit()
        except Exception:
            session.rollback()
            raise
