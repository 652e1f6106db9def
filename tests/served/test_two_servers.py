"""Two app servers behind one database and one Redis, and the job worker beside them: what
scaling out must keep. A session made on one holds on the other, signing out on one ends it on
both, failed sign-ins count on both together, and a report queued on one is made by the worker
and fetched from the other."""

import os
import re
import subprocess
import sys
import tempfile
import time
from types import SimpleNamespace

import pytest
import requests

from tests.databases import fresh_database
from tests.served.conftest import (
    PASSWORD,
    ROOT,
    _seed,
    environment,
    gunicorn,
    signed_in,
)

REDIS = "redis://127.0.0.1:6379"


def _redis_or_skip() -> None:
    import redis

    try:
        for db_number in (7, 8):
            redis.Redis.from_url(f"{REDIS}/{db_number}", socket_timeout=2).flushdb()
    except redis.RedisError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI needs Redis on 127.0.0.1:6379 (.ci/run starts it): {error}")
        pytest.skip("Redis is not running on 127.0.0.1:6379")


@pytest.fixture(scope="module")
def pair():
    _redis_or_skip()
    base = os.environ.get("TEST_DATABASE_URL") or os.environ.get("DATABASE_URL") or "sqlite"
    worker_id = os.environ.get("PYTEST_XDIST_WORKER", "main")
    with tempfile.TemporaryDirectory() as tmp:
        url, drop = fresh_database(base, f"pair_{worker_id}", tmp)
        try:
            seeded = _seed(url)
            env = environment(
                url, tmp,
                FUNDTRACK_RATELIMIT_STORAGE=f"{REDIS}/7",
                FUNDTRACK_JOBS_URL=f"{REDIS}/8",
                FUNDTRACK_LOGIN_LIMIT_ACCOUNT="3 per 15 minutes",
            )  # fmt: skip
            with open(os.path.join(tmp, "worker.log"), "w") as log:
                consumer = subprocess.Popen(
                    [sys.executable, "-m", "huey.bin.huey_consumer",
                     "fundtrack.worker.huey", "--workers", "1"],
                    cwd=ROOT, env=env, stdout=log, stderr=log,
                )  # fmt: skip
                try:
                    with gunicorn(env, tmp, "a") as (a, _), gunicorn(env, tmp, "b") as (b, _):
                        yield SimpleNamespace(a=a, b=b, folder=tmp, **seeded)
                finally:
                    consumer.terminate()
                    consumer.wait(timeout=30)
        finally:
            drop()


def _csrf(browser: requests.Session, page: str) -> str:
    return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)


def test_a_session_made_on_one_server_holds_on_the_other_and_ends_on_both(pair):
    browser = signed_in(SimpleNamespace(url=pair.a), pair.auditor)
    on_b = browser.get(pair.b + "/dashboard", timeout=30)
    assert on_b.status_code == 200 and "/login" not in on_b.url
    browser.post(pair.b + "/logout", data={"csrf_token": _csrf(browser, on_b.text)}, timeout=30)
    on_a = browser.get(pair.a + "/dashboard", timeout=30)
    assert "/login" in on_a.url


def test_failed_sign_ins_count_on_both_servers_together(pair):
    browser = requests.Session()
    answers = []
    for server in (pair.a, pair.b, pair.a, pair.b):
        page = browser.get(server + "/login", timeout=30).text
        answer = browser.post(
            server + "/login",
            data={"csrf_token": _csrf(browser, page), "email": pair.treasurer,
                  "password": PASSWORD + "-wrong"},
            timeout=30,
        )  # fmt: skip
        answers.append(answer.status_code)
    assert answers == [401, 401, 401, 429]  # three allowed in all, not three per server


def test_a_report_queued_on_one_server_is_made_by_the_worker_and_fetched_from_the_other(pair):
    api = {"Authorization": f"Bearer {pair.token}"}
    queued = requests.post(pair.a + "/api/v1/reports/national", json={"year": 2025, "lang": "nb"},
                           headers=api, timeout=30)  # fmt: skip
    assert queued.status_code == 202, queued.text
    job = queued.json()["id"]
    deadline = time.monotonic() + 240
    state = None
    while time.monotonic() < deadline:
        state = requests.get(f"{pair.b}/api/v1/report-jobs/{job}", headers=api, timeout=30).json()
        if state["state"] in ("done", "failed"):
            break
        time.sleep(1)
    assert state and state["state"] == "done", state
    pdf = requests.get(f"{pair.b}/api/v1/report-jobs/{job}/report.pdf", headers=api, timeout=60)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
