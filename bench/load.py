"""Load scenario: 50 concurrent users against fundtrack served as production serves it.

Builds a PostgreSQL database with the Dutch demo network, one treasurer account per centre
and national-office accounts with a second step, writes small camt.053 statements to import,
starts gunicorn from deploy/gunicorn.conf.py and the huey worker (Redis for the queue and the
sign-in counts), then runs bench/locustfile.py headless with locust and prints, per route,
requests, failures, throughput and the 50th/95th percentile, and the ratio of the busiest
route's p95 to the bare health check's p95.

locust is not a dependency of fundtrack (it pins its own Flask); give it a venv of its own:

    python3 -m venv .venv-load && .venv-load/bin/pip install 'locust>=2.32'
    .venv/bin/python bench/load.py                       # build, serve, 50 users for 2 min
    .venv/bin/python bench/load.py --reuse --time 300    # the database built before
"""

import argparse
import csv
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import pyotp
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fundtrack import create_app  # noqa: E402
from fundtrack.extensions import db  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1/ft_load"
REDIS = "redis://127.0.0.1:6379"
PASSWORD = "load scenario password 42"
SECRET = "load-scenario-" + "z" * 40
NATIONAL_USERS = 15


def _plain(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://")


def build(url: str, folder: Path, statements: int) -> dict:
    """The demo network, the load accounts and the statements; what the locustfile reads."""
    from flask_migrate import upgrade
    from sqlalchemy import select

    from fundtrack.auth import mfa
    from fundtrack.auth.models import Role, User
    from fundtrack.centres.models import Centre
    from fundtrack.demo.build import build_demo
    from fundtrack.imports.samples import write_camt

    base, name = _plain(url).rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET,
                      "PASSWORD_HASH_PROFILE": "cheap"})  # fmt: skip
    accounts: dict = {"treasurers": [], "national": [], "centres": [], "statements": []}
    with app.app_context():
        upgrade()
        session = db.session
        build_demo(session, "nl")
        for centre in session.scalars(select(Centre).order_by(Centre.code)):
            email = f"load-{centre.code.lower()}@load.test"
            user = User(email=email, role=Role.TREASURER, centre=centre, name=email)
            user.set_password(PASSWORD)
            session.add(user)
            accounts["treasurers"].append(
                {"email": email, "password": PASSWORD, "centre": centre.code}
            )
            accounts["centres"].append(centre.code)
        for number in range(NATIONAL_USERS):
            email = f"load-national-{number}@load.test"
            user = User(email=email, role=Role.NATIONAL, name=email)
            user.set_password(PASSWORD)
            session.add(user)
            session.flush()
            secret = pyotp.random_base32()
            # Enrolled with the previous step's code (one step either side is accepted), so
            # the code of the step the load starts in is still unused.
            mfa.enable(session, user, secret, pyotp.TOTP(secret).at(time.time() - 30))
            accounts["national"].append({"email": email, "password": PASSWORD, "secret": secret})
        session.commit()
        db.engine.dispose()
    for number in range(statements):
        path = folder / f"statement-{number:04d}.xml"
        write_camt(path, 20, donors=40, tag=f"LOAD{number:04d}")
        accounts["statements"].append(str(path))
    return accounts


def serve(url: str, folder: Path, workers: int):
    """gunicorn (production's settings file) and the huey worker; their processes and URL."""
    with socket.socket() as probe:  # a free port: an earlier run's server may still hold one
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = os.environ | {
        "DATABASE_URL": url,
        "SECRET_KEY": SECRET,
        "FUNDTRACK_ENV": "development",  # plain HTTP on loopback: no __Host- cookies
        "FUNDTRACK_INSTANCE": str(folder / "instance"),
        "FUNDTRACK_WORKERS": str(workers),
        "FUNDTRACK_BIND": f"127.0.0.1:{port}",
        "FUNDTRACK_METRICS_DIR": str(folder / "metrics"),
        "FUNDTRACK_RATELIMIT_STORAGE": f"{REDIS}/9",
        "FUNDTRACK_JOBS_URL": f"{REDIS}/10",
    }
    log = open(folder / "server.log", "w")  # noqa: SIM115  (open while the servers run)
    web = subprocess.Popen([str(Path(sys.executable).with_name("gunicorn")), "--config",
                            "deploy/gunicorn.conf.py"], cwd=ROOT, env=env, stdout=log,
                           stderr=log)  # fmt: skip
    worker = subprocess.Popen([sys.executable, "-m", "huey.bin.huey_consumer", _queue(),
                               "--workers", "2"], cwd=ROOT, env=env, stdout=log,
                              stderr=log)  # fmt: skip
    address = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{address}/readyz", timeout=10).ok:
                return [web, worker], address
        except (requests.ConnectionError, requests.Timeout):
            pass
        time.sleep(0.5)
    raise SystemExit(f"the server did not get ready; see {folder / 'server.log'}")


def _queue() -> str:
    """The huey instance the worker runs: fundtrack.worker imports every module with tasks."""
    return "fundtrack.worker.huey"


def _locust(given: str | None) -> str:
    for candidate in (given, ROOT / ".venv-load/bin/locust", shutil.which("locust")):
        if candidate and Path(candidate).exists():
            return str(candidate)
    raise SystemExit(
        "locust not found: python3 -m venv .venv-load && .venv-load/bin/pip install locust"
    )


def run_locust(locust: str, address: str, accounts_file: Path, folder: Path, args) -> Path:
    prefix = folder / "load"
    command = [locust, "-f", str(ROOT / "bench/locustfile.py"), "--headless",
               "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.time}s",
               "--host", address, "--csv", str(prefix), "--only-summary"]  # fmt: skip
    subprocess.run(command, check=False, env=os.environ | {"LOAD_ACCOUNTS": str(accounts_file)})
    return Path(f"{prefix}_stats.csv")


def report(stats: Path) -> int:
    rows = list(csv.DictReader(stats.open(encoding="utf-8")))
    routes = [row for row in rows if row["Name"] != "Aggregated"]
    total = next(row for row in rows if row["Name"] == "Aggregated")
    print(f"\n{'route':46} {'requests':>9} {'failed':>7} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}")
    for row in sorted(routes, key=lambda r: -int(r["Request Count"])):
        print(f"{row['Type'] + ' ' + row['Name']:46} {row['Request Count']:>9} "
              f"{row['Failure Count']:>7} {float(row['Requests/s']):>7.2f} "
              f"{row['50%']:>7} {row['95%']:>7}")  # fmt: skip
    print(f"{'all':46} {total['Request Count']:>9} {total['Failure Count']:>7} "
          f"{float(total['Requests/s']):>7.2f} {total['50%']:>7} {total['95%']:>7}")  # fmt: skip
    health = next((row for row in routes if row["Name"] == "/healthz"), None)
    work = [row for row in routes if row["Name"] != "/healthz" and "/login" not in row["Name"]]
    if health is None or not work:
        print("no health check or no work measured")
        return 1
    busiest = max(work, key=lambda r: int(r["Request Count"]))
    slowest = max(work, key=lambda r: float(r["95%"]))
    base = max(float(health["95%"]), 1.0)
    print(
        f"\nbusiest route {busiest['Name']}: p95 {busiest['95%']} ms = "
        f"{float(busiest['95%']) / base:.1f}x the health check's p95 ({health['95%']} ms)"
    )
    print(f"slowest route {slowest['Name']}: p95 {slowest['95%']} ms = "
          f"{float(slowest['95%']) / base:.1f}x the health check's p95")  # fmt: skip
    return 1 if int(total["Failure Count"]) else 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"default {DEFAULT_URL}")
    parser.add_argument("--users", type=int, default=50, help="concurrent users (50)")
    parser.add_argument("--spawn-rate", type=int, default=5, help="users started a second (5)")
    parser.add_argument("--time", type=int, default=120, help="seconds of load (120)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    parser.add_argument("--statements", type=int, default=300, help="camt files to import")
    parser.add_argument("--locust", help="the locust command (default .venv-load/bin/locust)")
    parser.add_argument("--reuse", action="store_true", help="the database built before")
    parser.add_argument("--keep", help="keep the run's folder (logs, statistics) here")
    args = parser.parse_args(argv)
    locust = _locust(args.locust)
    url = args.database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    folder = Path(args.keep or tempfile.mkdtemp(prefix="fundtrack-load-"))
    folder.mkdir(parents=True, exist_ok=True)
    accounts_file = folder / "accounts.json"
    if not (args.reuse and accounts_file.exists()):
        import json

        accounts_file.write_text(json.dumps(build(url, folder, args.statements)))
    processes, address = serve(url, folder, args.workers)
    try:
        stats = run_locust(locust, address, accounts_file, folder, args)
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
    return report(stats)


if __name__ == "__main__":
    sys.exit(main())
