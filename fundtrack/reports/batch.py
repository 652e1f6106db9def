"""Every centre's funding report written to a folder, in parallel worker processes.

Each worker process builds its own app (on the same database as the caller, through an engine
that only reads) and keeps one WeasyPrint `cache` for its whole share of the batch. A failing
centre does not stop the others: `build_batch` returns what failed and why.
"""

import os
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from sqlalchemy import select

from fundtrack.auth.models import Role, User
from fundtrack.centres.models import Centre
from fundtrack.extensions import READ_ONLY, db
from fundtrack.reports.centre_report import TEMPLATE, centre_report
from fundtrack.reports.render import html_to_pdf, in_language, render_html, report_language

_worker_app: Flask | None = None
_worker_cache: dict = {}


def reader() -> User:
    """The batch reads as an auditor would: every centre, nothing changed. Never stored."""
    return User(role=Role.AUDITOR)


def centre_codes(session, only: str | None = None) -> list[str]:
    """The active centres' codes in code order (or just `only`, when it exists)."""
    stmt = select(Centre.code).where(Centre.active).order_by(Centre.code)
    if only is not None:
        stmt = select(Centre.code).where(Centre.code == only)
    return list(session.scalars(stmt))


def _filename(code: str, year: int) -> str:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in code)
    return f"funding-report-{safe}-{year}.pdf"


def write_centre_report(code: str, year: int, language: str, out: str, cache=None) -> str:
    """Render one centre's report into `out` (in the current app context); its path."""
    with in_language(language):
        data = centre_report(db.session, reader(), code, year)
        html = render_html(TEMPLATE, lang=report_language(language), **data)
    # End the read transaction before the slow part: on SQLite every transaction of the app
    # holds the write lock (BEGIN IMMEDIATE; the workers' read-only engine takes none).
    db.session.rollback()
    pdf = html_to_pdf(html, cache=cache)
    path = Path(out) / _filename(code, year)
    path.write_bytes(pdf)
    return str(path)


def _start_worker(config: dict) -> None:
    global _worker_app
    from fundtrack import create_app

    _worker_app = create_app(config)
    _worker_app.app_context().push()


def _in_worker(code: str, year: int, language: str, out: str) -> str:
    return write_centre_report(code, year, language, out, _worker_cache)


@dataclass
class BatchResult:
    written: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)  # centre code -> why


def build_batch(
    app: Flask,
    codes: Iterable[str],
    year: int,
    language: str,
    out: str,
    workers: int | None = None,
    done: Callable[[str], None] | None = None,
) -> BatchResult:
    """Write each centre's report into `out`; `workers` processes (1: in this process).

    `done(code)` is called as each centre finishes, failed or not.
    """
    codes = list(codes)
    os.makedirs(out, exist_ok=True)
    result = BatchResult()
    workers = workers or os.cpu_count() or 1
    if workers == 1:
        cache: dict = {}
        for code in codes:
            try:
                result.written.append(write_centre_report(code, year, language, out, cache))
            except Exception as error:  # keep going; the caller names what failed
                db.session.rollback()
                result.failed[code] = f"{type(error).__name__}: {error}"
            if done:
                done(code)
        return result
    # The workers only read: their transactions need not take SQLite's write lock in turn.
    engine_options = app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})
    config = {
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options | {"execution_options": {READ_ONLY: True}},
    }
    with app.app_context():
        db.engine.dispose()  # no connection of ours crosses into a worker
    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(config,)) as pool:
        futures = {pool.submit(_in_worker, code, year, language, out): code for code in codes}
        for future in as_completed(futures):
            code = futures[future]
            try:
                result.written.append(future.result())
            except Exception as error:
                result.failed[code] = f"{type(error).__name__}: {error}"
            if done:
                done(code)
    result.written.sort()
    return result
