"""Benchmark: every page of issue 11 at 1,000,000 income lines against the same page at 1,000.

Builds (or, with --reuse, reuses) two PostgreSQL databases with bench/share.py's builder (68
centres, 10 years), signs in as a national-office user (a server-side session, as the tests'
`login_as` makes one, the second step taken) and requests each page over HTTP through the
Flask test client, taking turns between the two databases so both meet the same load. Prints
the median time per page on each database, their ratio (goal: at most 1.5) and the SQL
statements each page ran.

    .venv/bin/python bench/pages.py --help
    .venv/bin/python bench/pages.py                 # build both databases and time
    .venv/bin/python bench/pages.py --reuse         # time the databases already built
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import psycopg
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
# A development configuration, as bench/imports.py: the app needs no SECRET_KEY then.
os.environ.setdefault("FUNDTRACK_ENV", "development")

from share import FIRST_YEAR, _plain_url, _sqlalchemy_url, create_database, fill  # noqa: E402

from fundtrack import create_app  # noqa: E402
from fundtrack.extensions import db  # noqa: E402

BIG_URL = "postgresql://postgres@127.0.0.1/ft_bench_1m"
SMALL_URL = "postgresql://postgres@127.0.0.1/ft_bench_1k"
EMAIL = "bench-pages@example.org"
# (name, path): the table, then the grant lists.
PAGES = [
    ("admin income list, page 1", "/admin/income-lines/"),
    ("admin income list, page 200", "/admin/income-lines/?page=199"),
    ("admin income search", "/admin/income-lines/?search=municipality"),
    ("dashboard", "/dashboard"),
    ("dashboard xlsx", "/dashboard.xlsx"),
    ("centre page", "/centres/C007"),
    ("grant list", "/grants"),
    ("admin grant list", "/admin/grants/"),
]


def build(url: str, lines: int, centres: int, years: int) -> None:
    """A fresh database at `url`: the migrations, bench/share.py's data, analysed."""
    from flask_migrate import upgrade

    started = time.perf_counter()
    create_database(url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": _sqlalchemy_url(url)})
    with app.app_context():
        upgrade()
        with psycopg.connect(_plain_url(url)) as conn:
            fill(conn, centres, years, lines)
        db.engine.dispose()
    with psycopg.connect(_plain_url(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    print(f"built {url}: {lines:,} lines in {time.perf_counter() - started:.1f} s", flush=True)


def signed_in_client(url: str):
    """The app on `url` and a test client signed in as the national office (second step
    enrolled and taken, as `tests.factories.signed_in` does)."""
    import pyotp

    from fundtrack.auth.models import Role, User
    from fundtrack.auth.sessions import SID_KEY, new_session, now

    app = create_app({"SQLALCHEMY_DATABASE_URI": _sqlalchemy_url(url)})
    with app.app_context():
        user = db.session.scalars(sa.select(User).where(User.email == EMAIL)).one_or_none()
        if user is None:
            user = User(email=EMAIL, role=Role.NATIONAL, name="Bench pages")
            user.set_password("bench password, not secret")
            db.session.add(user)
        user.mfa_secret = user.mfa_secret or pyotp.random_base32()
        user.mfa_enabled_at = user.mfa_enabled_at or now()
        db.session.flush()
        _row, sid, _token = new_session(user)
        db.session.commit()
        user_id = user.id
    client = app.test_client()
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = str(user_id)
        flask_session["_fresh"] = True
        flask_session[SID_KEY] = sid
    return app, client


def statements_of(app, client, path: str) -> int:
    """How many SQL statements one request of `path` runs."""
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def before(_conn, _cursor, statement, *_args):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        fetch(client, path)
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
    return len(seen)


def _size(lines: int) -> str:
    """1k, 1M, 10M: how the columns are headed."""
    for unit, size in (("M", 1_000_000), ("k", 1_000)):
        if lines >= size and lines % size == 0:
            return f"{lines // size}{unit}"
    return str(lines)


def fetch(client, path: str) -> None:
    response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path} answered {response.status_code}: {response.text[:300]}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--big-url", default=BIG_URL, help=f"default {BIG_URL}")
    parser.add_argument("--small-url", default=SMALL_URL, help=f"default {SMALL_URL}")
    parser.add_argument("--lines", type=int, default=1_000_000, help="big: lines (1,000,000)")
    parser.add_argument("--small-lines", type=int, default=1_000, help="small: lines (1,000)")
    parser.add_argument("--centres", type=int, default=68, help="centres (68)")
    parser.add_argument("--years", type=int, default=10, help=f"years from {FIRST_YEAR} (10)")
    parser.add_argument("--repeat", type=int, default=7, help="timed requests a page (7)")
    parser.add_argument("--reuse", action="store_true", help="time the databases built before")
    parser.add_argument("--only", help="time only the pages whose name contains this")
    args = parser.parse_args(argv)
    if not args.reuse:
        build(args.small_url, args.small_lines, args.centres, args.years)
        build(args.big_url, args.lines, args.centres, args.years)
    sides = {"1M": signed_in_client(args.big_url), "1k": signed_in_client(args.small_url)}
    pages = [(n, p) for n, p in PAGES if not args.only or args.only in n]
    big_name, small_name = _size(args.lines), _size(args.small_lines)
    print(f"{args.centres} centres; {big_name} and {small_name} income lines")
    print(f"{'page':<30} {big_name + ' ms':>9} {small_name + ' ms':>9} {'ratio':>6} "
          f"{'SQL ' + big_name:>7} {'SQL ' + small_name:>7}")  # fmt: skip
    worst = 0.0
    for name, path in pages:
        for _app, client in sides.values():
            fetch(client, path)  # warm-up: caches, the planner's statistics
        times: dict[str, list[float]] = {side: [] for side in sides}
        for _ in range(args.repeat):
            for side, (_app, client) in sides.items():
                started = time.perf_counter()
                fetch(client, path)
                times[side].append(time.perf_counter() - started)
        big, small = (statistics.median(times[s]) * 1000 for s in ("1M", "1k"))
        counts = [statements_of(app, client, path) for app, client in sides.values()]
        worst = max(worst, big / small)
        print(f"{name:<30} {big:>9.1f} {small:>9.1f} {big / small:>5.1f}x "
              f"{counts[0]:>7} {counts[1]:>7}", flush=True)  # fmt: skip
    print(f"worst ratio {worst:.1f}x (goal <= 1.5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
