"""The drill: build the demo, back up, wreck the database, restore, and every figure and every
archived PDF is as it was. On the run's own database kind (SQLite, or PostgreSQL)."""

import hashlib
import tarfile
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from fundtrack import create_app
from fundtrack.auth.models import Role, User
from fundtrack.demo.build import YEARS, build_demo
from fundtrack.extensions import db
from fundtrack.grants.models import Grant, ReportObligation
from fundtrack.reports.models import SentReport
from fundtrack.reports.sending import send_report
from fundtrack.share.service import funding_share
from tests.databases import fresh_database

pytestmark = pytest.mark.no_db


@pytest.fixture
def installation(app, tmp_path):
    url, drop = fresh_database(app.config["SQLALCHEMY_DATABASE_URI"], "drill", tmp_path)
    instance = tmp_path / "instance"
    drilled = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x", "TESTING": True,
                          "PASSWORD_HASH_PROFILE": "cheap"})  # fmt: skip
    drilled.instance_path = str(instance)
    runner = drilled.test_cli_runner()
    assert runner.invoke(args=["db", "upgrade"]).exit_code == 0
    yield drilled, runner, instance
    with drilled.app_context():
        db.session.remove()
        db.engine.dispose()
    drop()


def _state(app) -> dict:
    """Every funding-share figure of every year, and every archived PDF's SHA-256."""
    with app.app_context():
        office = db.session.scalars(select(User).where(User.role == Role.NATIONAL)).first()
        figures = {year: funding_share(db.session, office, year) for year in YEARS}
        pdfs = {
            row.id: hashlib.sha256(row.pdf).hexdigest()
            for row in db.session.scalars(select(SentReport).order_by(SentReport.id))
        }
        db.session.remove()
    return {"figures": figures, "pdfs": pdfs}


def test_a_wrecked_installation_comes_back_whole_from_its_backup(installation, tmp_path):
    app, runner, instance = installation
    with app.app_context():
        build_demo(db.session)
        office = db.session.scalars(select(User).where(User.role == Role.NATIONAL)).first()
        obligation = db.session.scalars(
            select(ReportObligation).join(Grant).where(ReportObligation.sent_on.is_(None))
        ).first()
        send_report(db.session, office, obligation.grant_id, obligation.id, "nb")
        db.session.commit()
        db.session.remove()
    upload = instance / "imports" / "waiting.camt.xml"
    upload.parent.mkdir(parents=True, exist_ok=True)  # the demo reads a bank file in too
    upload.write_bytes(b"<Document/>")
    before = _state(app)
    assert before["pdfs"] and len(before["figures"][2025].centres) > 10

    made = runner.invoke(args=["backup", "--to", str(tmp_path / "backups")])
    assert made.exit_code == 0, made.output
    archive = next((tmp_path / "backups").glob("fundtrack-backup-*.tar"))
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    with app.app_context():  # the wreck: the ledger emptied, an archived PDF gone, a file lost
        with db.engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM income_lines"))
            connection.execute(sa.text("DELETE FROM sent_reports"))
        db.engine.dispose()
    upload.unlink()
    assert _state(app) != before

    restored = runner.invoke(args=["restore", str(archive), "--yes"])
    assert restored.exit_code == 0, restored.output
    assert _state(app) == before
    assert upload.read_bytes() == b"<Document/>"


def test_a_damaged_backup_is_refused_before_anything_changes(installation, tmp_path):
    app, runner, _instance = installation
    made = runner.invoke(args=["backup", "--to", str(tmp_path / "b")])
    archive = next((tmp_path / "b").glob("*.tar"))
    with tarfile.open(archive) as tar:
        where = next(m for m in tar.getmembers() if m.name.startswith("database")).offset_data
    data = bytearray(archive.read_bytes())
    data[where + 100] ^= 0xFF  # a byte of the database copy
    archive.write_bytes(bytes(data))
    refused = runner.invoke(args=["restore", str(archive), "--yes"])
    assert made.exit_code == 0 and refused.exit_code != 0
    assert "checksum" in refused.output or "not a fundtrack backup" in refused.output


def test_a_file_that_is_no_backup_is_refused(installation, tmp_path):
    _app, runner, _instance = installation
    fake = Path(tmp_path, "fake.tar")
    fake.write_bytes(b"not a tar at all")
    refused = runner.invoke(args=["restore", str(fake), "--yes"])
    assert refused.exit_code != 0 and "not a fundtrack backup" in refused.output
