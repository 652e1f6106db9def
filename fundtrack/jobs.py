"""The background job queue (huey): the queue itself, the app a job runs in, and progress.

Zero set-up by default: huey keeps its queue in a SQLite file in the instance folder
(`instance/jobs.sqlite3`) and `python -m huey.bin.huey_consumer fundtrack.worker.huey` runs the
worker. In production set `FUNDTRACK_JOBS_URL` to `redis://host:6379/0` or to a
`postgresql://` URL (huey's PostgresHuey). Tests, and `FUNDTRACK_JOBS_IMMEDIATE=1`, run every
job inline at the moment it is queued.

The packages define their own tasks on `huey` (reports.jobs, imports.jobs,
imports.onboarding.jobs); `fundtrack.worker` imports them all for the consumer.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask, current_app, has_app_context
from huey import PostgresHuey, RedisHuey, SqliteHuey

from fundtrack import create_app
from fundtrack.logs import carry_into_jobs

ROOT = Path(__file__).resolve().parent.parent


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
def app_context() -> Iterator[Flask]:
    """The app a job runs in: the caller's when inline (tests, immediate mode); in the
    consumer, one app per worker process, built at its first job and kept."""
    global _worker_app
    if has_app_context():
        yield current_app
        return
    if _worker_app is None:
        _worker_app = create_app()
    with _worker_app.app_context():
        yield _worker_app


def put_progress(key: str, done: int, total: int | None = None) -> None:
    """How far the job of `key` ("import-12", "onboarding-<token>") has come, in huey's
    storage: outside the job's transaction, so it shows while the books are untouched."""
    huey.put(f"fundtrack-progress-{key}", {"done": done, "total": total})


def peek_progress(key: str) -> dict:
    """The last progress put under `key`, or {} when there is none or the queue is unreadable."""
    try:
        return huey.get(f"fundtrack-progress-{key}", peek=True) or {}
    except Exception:  # a queue that cannot be read shows no progress, not an error page
        return {}
