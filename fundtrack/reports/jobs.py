"""Report jobs in the background with huey: the national report and other long work.

Zero set-up by default: huey keeps its queue in a SQLite file in the instance folder
(`instance/jobs.sqlite3`) and `python -m huey.bin.huey_consumer fundtrack.reports.jobs.huey`
runs the worker. In production set `FUNDTRACK_JOBS_URL` to `redis://host:6379/0` or to a
`postgresql://` URL (huey's PostgresHuey). Tests, and `FUNDTRACK_JOBS_IMMEDIATE=1`, run every
job inline at the moment it is queued.

A job's progress and its PDF live in our own `report_jobs` table (fundtrack.reports.models),
so the screens and the API read them from the database whatever backend runs the queue.
"""

import os
import secrets
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import PostgresHuey, RedisHuey, SqliteHuey

from fundtrack.auth.access import NotAllowed
from fundtrack.auth.models import User
from fundtrack.extensions import db
from fundtrack.logs import carry_into_jobs
from fundtrack.reports.models import JobState, ReportJob
from fundtrack.reports.national_report import TEMPLATE, national_report
from fundtrack.reports.render import html_to_pdf, in_language, render_html, report_language

ROOT = Path(__file__).resolve().parent.parent.parent
PROGRESS_EVERY = 4  # centres between two progress commits


def make_huey(url: str | None = None, immediate: bool = False):
    """The queue for `url` (redis://, postgresql://, sqlite:///path; default the instance file)."""
    url = url if url is not None else os.environ.get("FUNDTRACK_JOBS_URL", "")
    if url.startswith(("redis://", "rediss://")):
        return RedisHuey("fundtrack", url=url, immediate=immediate)
    if url.startswith(("postgresql://", "postgres://")):
        return PostgresHuey("fundtrack", dsn=url, immediate=immediate)
    if url.startswith("sqlite:///"):
        filename = url.removeprefix("sqlite:///")
    else:
        instance = os.environ.get("FUNDTRACK_INSTANCE", str(ROOT / "instance"))
        os.makedirs(instance, exist_ok=True)
        filename = os.path.join(instance, "jobs.sqlite3")
    return SqliteHuey("fundtrack", filename=filename, immediate=immediate)


huey = make_huey(immediate=os.environ.get("FUNDTRACK_JOBS_IMMEDIATE") == "1")
carry_into_jobs(huey)
_worker_app: Flask | None = None


def init_app(app: Flask) -> None:
    """Run jobs inline for a testing app (or FUNDTRACK_JOBS_IMMEDIATE=1)."""
    if app.config.get("FUNDTRACK_JOBS_IMMEDIATE", app.testing):
        huey.immediate = True


@contextmanager
def _app_context():
    # Inline (tests, immediate mode) a job runs inside the caller's app; in the consumer
    # each worker process builds one app and keeps it.
    global _worker_app
    if has_app_context():
        yield current_app
        return
    if _worker_app is None:
        from fundtrack import create_app

        _worker_app = create_app()
    with _worker_app.app_context():
        yield _worker_app


def start_national_report(user: User, year: int, language: str) -> ReportJob:
    """Queue the national report of `year` for `user` and return its job (committed).

    Raises NotAllowed for a user who does not see the whole network.
    """
    if not user.sees_all_centres:
        raise NotAllowed(f"{user.email} may not see the whole network")
    job = ReportJob(
        id=secrets.token_hex(16), kind="national", year=year, language=language, user_id=user.id
    )
    db.session.add(job)
    db.session.commit()
    build_national_report(job.id)
    return job


@huey.task()
def build_national_report(job_id: str) -> None:
    with _app_context():
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


# The worker (`huey_consumer fundtrack.reports.jobs.huey`) knows the tasks of the modules it
# imported: the imports' tasks are registered here, after `huey` exists, which they import.
from fundtrack.imports import jobs as _import_jobs  # noqa: E402,F401
from fundtrack.imports import onboarding_jobs as _onboarding_jobs  # noqa: E402,F401
