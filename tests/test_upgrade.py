"""The upgrade test: a database the previous release built, migrated to head, gives the same
figures. The previous release is the last commit that landed before the cost basis (0010);
its code is taken from this repository's history and run in a process of its own."""

import json
import os
import subprocess
import sys
import tarfile
from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from fundtrack import create_app
from fundtrack.auth.models import Role, User
from fundtrack.extensions import db
from fundtrack.share.service import funding_share
from tests.databases import fresh_database

pytestmark = pytest.mark.no_db
ROOT = Path(__file__).resolve().parents[1]
PREVIOUS = "7692338"  # main before migration 0010 (the cost basis)
YEARS = (2024, 2025, 2026)

# Run with the previous release's code: build its demo and print its figures.
BUILD = """
import json, sys
from sqlalchemy import func, select
from fundtrack import create_app
from fundtrack.extensions import db
from fundtrack.demo.build import build_demo
from fundtrack.auth.models import User, Role
from fundtrack.share.service import funding_share
from flask_migrate import upgrade
app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "SECRET_KEY": "x",
                  "PASSWORD_HASH_PROFILE": "cheap"})
with app.app_context():
    upgrade()
    build_demo(db.session, sys.argv[2])
    db.session.commit()
    office = db.session.scalars(select(User).where(User.role == Role.NATIONAL)).one()
    figures = {str(y): [[c.code, str(c.costs), c.costs_basis, str(c.structural_income),
                         str(c.share), str(c.gap)] for c in funding_share(db.session,
                         office, y).centres] for y in (2024, 2025, 2026)}
    figures["rows"] = {name: db.session.execute(select(func.count()).select_from(table))
                       .scalar_one() for name, table in db.metadata.tables.items()}
    print(json.dumps(figures))
"""


def _previous_release(tmp: Path) -> Path:
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", PREVIOUS], capture_output=True)
    if archive.returncode != 0:
        # A shallow clone or an unpacked tarball holds no history to take the release from.
        pytest.skip(
            f"the previous release is not in this checkout: {archive.stderr.decode()[:120]}"
        )
    folder = tmp / "previous"
    with tarfile.open(fileobj=BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")
    return folder


@pytest.mark.parametrize("country", ["nl", "no"])
def test_the_previous_releases_database_migrated_to_head_gives_the_same_figures(
    app, tmp_path, country
):
    old_code = _previous_release(tmp_path)
    url, drop = fresh_database(
        app.config["SQLALCHEMY_DATABASE_URI"], f"upgrade_{country}", tmp_path
    )
    try:
        env = os.environ | {
            "PYTHONPATH": str(old_code),
            "FUNDTRACK_ENV": "development",
            "FUNDTRACK_INSTANCE": str(tmp_path),
        }
        built = subprocess.run(
            [sys.executable, "-c", BUILD, url, country],
            env=env, capture_output=True, text=True, cwd=old_code, timeout=600,
        )  # fmt: skip
        assert built.returncode == 0, built.stderr[-3000:]
        before = json.loads(built.stdout.strip().splitlines()[-1])

        upgraded = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "TESTING": True})
        assert upgraded.test_cli_runner().invoke(args=["db", "upgrade"]).exit_code == 0
        with upgraded.app_context():
            office = db.session.scalars(select(User).where(User.role == Role.NATIONAL)).one()
            after = {
                str(year): [
                    [c.code, str(c.costs), c.costs_basis, str(c.structural_income), str(c.share),
                     str(c.gap)]
                    for c in funding_share(db.session, office, year).centres
                ]
                for year in YEARS
            }  # fmt: skip
            # Every row the previous release held is still there: a migration that copies a
            # table on SQLite must not take the rows that reference it along.
            rows = {
                table: db.session.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
                for table in before["rows"]
            }
            db.session.remove()
            db.engine.dispose()
    finally:
        drop()

    assert rows == before["rows"]
    running = str(date.today().year)  # the demo's fiscal year is the calendar year
    for year in YEARS:
        if str(year) != running:
            assert after[str(year)] == before[str(year)], year  # ended years: to the cent
    # The running year: where the old code took a few actual lines for the year's costs, the
    # figures now stand on the budget (the cost basis); every other centre is unchanged.
    old, new = before[running], after[running]
    assert [row[0] for row in old] == [row[0] for row in new]
    for was, now in zip(old, new, strict=True):
        if was[2] == "actual":
            assert now[2] == "budget" and now[3] == was[3], was[0]
        else:
            assert now == was, was[0]
