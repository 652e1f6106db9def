"""A live fundtrack on the demo network, driven by Debian's Chromium through chromedriver.

The server runs in a thread on a database of its own (SQLite, or PostgreSQL when the run is
on PostgreSQL), so what the browser does is committed for real; it never touches the
rolled-back test database.
"""

import os
import shutil
import tempfile
import threading
from contextlib import contextmanager

import pytest
from flask_migrate import upgrade
from werkzeug.serving import make_server

from fundtrack import create_app
from fundtrack.demo.build import build_demo
from fundtrack.extensions import db
from tests.databases import fresh_database

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.no_db)


@pytest.fixture(scope="session")
def live_server():
    base = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or "sqlite"
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with tempfile.TemporaryDirectory() as tmp:
        url, drop = fresh_database(base, f"browser_{worker}", tmp)
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": "browser-test",
                # The tests read English words; Dutch and Norwegian are tested elsewhere.
                "BABEL_DEFAULT_LOCALE": "en",
                # The demo's national office signs in with its password alone here; the second
                # step is clicked through in tests/test_auth_login.py.
                "MFA_REQUIRED_ROLES": ("admin",),
            }
        )
        with app.app_context():
            upgrade()
            build_demo(db.session)
            db.session.commit()
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{server.server_port}"
        server.shutdown()
        with app.app_context():
            db.engine.dispose()
        drop()


@contextmanager
def started_chromium(*extra_flags: str, implicit_wait: float = 0):
    """Debian's headless Chromium with a throwaway profile (skipped without it, except in CI)."""
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs Debian's chromium and chromium-driver (see .ci/run)")
        pytest.skip("apt-get install -y chromium chromium-driver to run the browser tests")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
        *extra_flags,
    ):
        options.add_argument(flag)
    with tempfile.TemporaryDirectory() as profile:
        options.add_argument(f"--user-data-dir={profile}")
        driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
        driver.implicitly_wait(implicit_wait)
        try:
            yield driver
        finally:
            driver.quit()


@pytest.fixture(scope="session")
def chromium():
    with started_chromium(implicit_wait=2) as driver:
        yield driver


@pytest.fixture
def browser(chromium, live_server):
    """A signed-out browser on the live server."""
    chromium.delete_all_cookies()
    chromium.get(live_server + "/login")
    chromium.delete_all_cookies()
    return chromium
