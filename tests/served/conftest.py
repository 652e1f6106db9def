"""fundtrack served the way production serves it: gunicorn workers in processes of their own,
on a database of their own (PostgreSQL when the run is on it), reached over real HTTP.

What the in-process test client never does, a real server does: encode every header, close
a response that breaks halfway, time out. The tests here meet those.
"""

import itertools
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from flask_migrate import upgrade

from fundtrack import create_app
from fundtrack.auth.tokens import issue_token
from fundtrack.extensions import db
from fundtrack.income.models import FunderType
from tests import factories, grant_helpers
from tests.databases import fresh_database

SECRET = "served-test-" + "x" * 40
PASSWORD = "correct horse battery"
METRICS_TOKEN = "metrics-" + "y" * 40
# A centre named the way real ones are: Norwegian, Dutch and an emoji.
NAME = "Sør-Øst 🌱 IJsselmonde ĳ"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/served/" in str(item.fspath):
            item.add_marker(pytest.mark.served)
            item.add_marker(pytest.mark.no_db)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _seed(url: str) -> dict:
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET,
                      "PASSWORD_HASH_PROFILE": "cheap"})  # fmt: skip
    with app.app_context():
        upgrade()
        session = db.session
        factories.network(session)
        region = factories.region(session, code="SOROST", name="Sør-Øst")
        centre = factories.centre(session, code="SO-1", name=NAME, region=region)
        factories.centre(session, code="SO-2", region=region)
        # A code stored before the alphabet: its files must still go out whole.
        legacy = factories.centre(session, code="ØST-🌱", name=NAME, region=region)
        factories.cost(session, legacy, "250.00")
        funder = factories.funder(session, type=FunderType.MUNICIPALITY, name="Oslo kommune")
        agreement = factories.agreement(session, centre, funder)
        donor = factories.donor(session, centre, name="Åse Ødegård 🌸")
        factories.income(session, centre, agreement=agreement, funder=funder, external_id="e1")
        factories.income(session, centre, donor=donor)
        factories.cost(session, centre)
        grant = grant_helpers.awarded(session, centre, funder=funder, project_name=NAME)
        treasurer = factories.user(session, "treasurer", centre=centre, password=PASSWORD)
        auditor = factories.user(session, "auditor", password=PASSWORD)
        admin = factories.user(session, "admin")
        _row, token = issue_token(session, admin, "served")
        session.commit()
        seeded = {"token": token, "treasurer": treasurer.email, "auditor": auditor.email,
                  "donor": donor.id, "grant": grant.id}  # fmt: skip
        db.engine.dispose()
    return seeded


ROOT = Path(__file__).resolve().parents[2]
_SERVED = itertools.count()


def _gunicorn_path() -> str:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    return str(gunicorn if gunicorn.exists() else (shutil.which("gunicorn") or "gunicorn"))


def environment(url: str, folder: str, **extra: str) -> dict:
    """What a server process of this test run is started with."""
    return (
        os.environ
        | {
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET,
            "FUNDTRACK_ENV": "development",
            "FUNDTRACK_INSTANCE": folder,
            "FUNDTRACK_WORKERS": "2",
            "FUNDTRACK_METRICS_TOKEN": METRICS_TOKEN,
        }
        | extra
    )


@contextmanager
def gunicorn(env: dict, folder: str, name: str = "gunicorn"):
    """gunicorn started with production's own settings file, as the systemd unit and the
    container start it; yields its base URL and its log file."""
    port = _free_port()
    log_path = Path(folder, f"{name}.log")
    env = env | {"FUNDTRACK_BIND": f"127.0.0.1:{port}",
                 "FUNDTRACK_METRICS_DIR": str(Path(folder, f"{name}-metrics"))}  # fmt: skip
    with open(log_path, "w") as log:
        server = subprocess.Popen([_gunicorn_path(), "--config", "deploy/gunicorn.conf.py"],
                                  cwd=ROOT, env=env, stdout=log, stderr=log)  # fmt: skip
        address = f"http://127.0.0.1:{port}"
        try:
            _wait_for(address, server, log_path)
            yield address, log_path
        finally:
            server.terminate()
            server.wait(timeout=30)


@pytest.fixture(scope="module")
def served():
    """gunicorn with two workers on a seeded database of the test module's own (the generated
    requests change what they find); its base URL and what was seeded."""
    base = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or "sqlite"
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with tempfile.TemporaryDirectory() as tmp:
        url, drop = fresh_database(base, f"served_{worker}_{next(_SERVED)}", tmp)
        try:
            seeded = _seed(url)
            with gunicorn(environment(url, tmp), tmp) as (address, log):
                yield SimpleNamespace(
                    url=address, log=log, metrics_token=METRICS_TOKEN, database=url, **seeded
                )
        finally:
            drop()


def _wait_for(address: str, server, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped:\n" + log.read_text())
        try:
            requests.get(address + "/login", timeout=10)
            return
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within 60 s:\n" + log.read_text())


def signed_in(served, email: str) -> requests.Session:
    """A browser-like session signed in through the form (its CSRF token included)."""
    import re

    browser = requests.Session()
    page = browser.get(served.url + "/login", timeout=10).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    answer = browser.post(
        served.url + "/login",
        data={"csrf_token": token, "email": email, "password": PASSWORD},
        timeout=10,
    )
    assert answer.ok and "/login" not in answer.url, answer.url
    return browser
