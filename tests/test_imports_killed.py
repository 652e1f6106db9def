"""Killing the importing process halfway leaves the books as they were (PostgreSQL)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from fundtrack.extensions import db
from fundtrack.imports.samples import write_camt

ROOT = Path(__file__).resolve().parent.parent


def _writing(connection) -> bool:
    """Is some other transaction holding a write lock on income_lines?"""
    return bool(
        connection.execute(
            sa.text(
                "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                " WHERE c.relname = 'income_lines' AND l.mode = 'RowExclusiveLock'"
                " AND l.pid <> pg_backend_pid()"
            )
        ).scalar()
    )


@pytest.mark.no_db
def test_sigkill_halfway_through_an_import_leaves_the_database_as_before(app, tmp_path):
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        pytest.skip("needs PostgreSQL (TEST_DATABASE_URL)")
    statement = tmp_path / "big.xml"
    write_camt(statement, 12_000, tag="KILL")
    with engine.begin() as conn:
        if conn.execute(sa.text("SELECT count(*) FROM network")).scalar() == 0:
            conn.execute(sa.text("INSERT INTO network (id, name, currency, locale, "
                                 "target_numerator, target_denominator, "
                                 "fiscal_year_start_month) VALUES "
                                 "(1, 'Kill test', 'EUR', 'nl_NL', 2, 3, 1)"))  # fmt: skip
            made_network = True
        else:
            made_network = False
        region = conn.execute(
            sa.text("INSERT INTO regions (code, name) VALUES ('RKILL', 'Kill') RETURNING id")
        ).scalar()
        conn.execute(
            sa.text(
                "INSERT INTO centres (code, name, municipality, currency, region_id, active)"
                " VALUES ('KILL', 'Killed import', 'Town', 'EUR', :region, true)"
            ),
            {"region": region},
        )
        before = {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
                  for t in ("income_lines", "imports", "donors", "audit_events")}  # fmt: skip
    env = dict(os.environ, DATABASE_URL=engine.url.render_as_string(hide_password=False),
               FUNDTRACK_ENV="development", FUNDTRACK_INSTANCE=str(tmp_path))  # fmt: skip
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "fundtrack", "import", str(statement),
         "--centre", "KILL"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        with engine.connect() as watcher:
            deadline = time.monotonic() + 240
            while not _writing(watcher):
                watcher.rollback()
                assert process.poll() is None, "the import ended before it was killed"
                assert time.monotonic() < deadline, "the import never started writing"
                time.sleep(0.05)
            time.sleep(0.5)  # well into booking
            assert process.poll() is None
            process.send_signal(signal.SIGKILL)
            process.wait(30)
        with engine.begin() as conn:
            after = {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
                     for t in before}  # fmt: skip
        assert after == before
    finally:
        if process.poll() is None:
            process.kill()
        with engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM centres WHERE code = 'KILL'"))
            conn.execute(sa.text("DELETE FROM regions WHERE code = 'RKILL'"))
            if made_network:
                conn.execute(sa.text("DELETE FROM network WHERE id = 1"))
