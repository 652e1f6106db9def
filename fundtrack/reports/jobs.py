"""Report jobs in the background: the national report and other long work.

They run on the queue of `fundtrack.jobs`. A job's progress and its PDF live in our own
`report_jobs` table (fundtrack.reports.models), so the screens and the API read them from the
database whatever backend runs the queue.
"""

import secrets
from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l

from fundtrack.auth.access import NotAllowed
from fundtrack.auth.models import User
from fundtrack.extensions import db
from fundtrack.jobs import app_context, huey
from fundtrack.reports.models import JobState, ReportJob
from fundtrack.reports.national_report import TEMPLATE, national_report
from fundtrack.reports.render import html_to_pdf, in_language, render_html, report_language

PROGRESS_EVERY = 4  # centres between two progress commits


def start_national_report(user: User, year: int, language: str) -> ReportJob:
    """Queue the national report of `year` for `user` and return its job (committed).

    Raises NotAllowed for a user who does not see the whole network.
    """
    if not user.sees_all_centres:
        raise NotAllowed(
            _l("%(email)s may not see the whole network", email=user.email),
            code="not_network",
        )
    job = ReportJob(
        id=secrets.token_hex(16), kind="national", year=year, language=language, user_id=user.id
    )
    db.session.add(job)
    db.session.commit()
    build_national_report(job.id)
    return job


@huey.task()
def build_national_report(job_id: str) -> None:
    with app_context():
        run_national_job(job_id)


def run_national_job(job_id: str) -> None:
    """Build the job's PDF, committing progress as centre pages are prepared."""
    session = db.session
    job = session.get(ReportJob, job_id)
    if job is None or job.state not in (JobState.QUEUED, JobState.RUNNING):
        return
    job.state = JobState.RUNNING
    session.commit()

    def progress(done: int, total: int) -> None:
        job.done, job.total = done, total
        if done == total or done % PROGRESS_EVERY == 0:
            session.commit()

    try:
        with in_language(job.language):
            data = national_report(session, job.user, job.year, progress)
            html = render_html(TEMPLATE, lang=report_language(job.language), **data)
        # End the transaction before WeasyPrint's minute: on SQLite every transaction holds
        # the write lock (BEGIN IMMEDIATE), and the web processes would wait for it.
        session.commit()
        pdf = html_to_pdf(html)
    except Exception as error:  # the job page must say why, whatever went wrong
        session.rollback()
        job = session.get(ReportJob, job_id)
        job.state, job.error = JobState.FAILED, f"{type(error).__name__}: {error}"[:2000]
        job.finished_at = datetime.now(UTC)
        session.commit()
        return
    job = session.get(ReportJob, job_id)
    job.pdf, job.state, job.finished_at = pdf, JobState.DONE, datetime.now(UTC)
    session.commit()


def job_for(user: User, job_id: str) -> ReportJob | None:
    """The job if it exists and `user` asked for it (others' jobs are answered as unknown)."""
    job = db.session.get(ReportJob, job_id) if len(job_id) <= 32 else None
    return job if job is not None and job.user_id == user.id else None
