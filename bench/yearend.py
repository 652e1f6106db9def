"""Benchmark: the network's consolidated year-end statement on a big ledger against a small one.

Builds two PostgreSQL databases with bench/share.py's generator (68 centres, 10 years; by
default 1,000,000 and 1,000 income lines), names an affiliated funder as the national office
(so the eliminations run too), then times `fundtrack.yearend.statement.statement` for the
whole network and the last year (median of several runs) on each, and prints the ratio
(goal: the big ledger within 1.5x of the small one) and the number of SQL statements.

    .venv/bin/python bench/yearend.py --help
    .venv/bin/python bench/yearend.py                       # build both and time
    .venv/bin/python bench/yearend.py --reuse               # time the databases already built
    .venv/bin/python bench/yearend.py --lines 20000         # a quick look
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

import psycopg
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.share import FIRST_YEAR, _plain_url, _sqlalchemy_url, create_database, fill  # noqa: E402
from fundtrack import create_app  # noqa: E402
from fundtrack.extensions import db  # noqa: E402

BASE_URL = "postgresql://postgres@127.0.0.1/fundtrack_bench_yearend"


def build(url: str, centres: int, years: int, lines: int) -> None:
    from flask_migrate import upgrade

    from fundtrack.auth.models import Role, User

    app = create_app({"SQLALCHEMY_DATABASE_URI": _sqlalchemy_url(url)})
    create_database(url)
    with app.app_context():
        upgrade()
        with psycopg.connect(_plain_url(url)) as conn:
            fill(conn, centres, years, lines)
            conn.execute(
                "INSERT INTO yearend_settings (id, clearing_account, national_office_funder_id)"
                " SELECT 1, '1100', min(id) FROM funders WHERE type = 'affiliated_nonprofit'"
            )
            # The generator books lines by agreement alone: the office's lines name it too.
            conn.execute(
                "UPDATE income_lines SET funder_id = a.funder_id FROM funding_agreements a"
                " WHERE a.id = income_lines.agreement_id AND a.funder_id ="
                " (SELECT national_office_funder_id FROM yearend_settings)"
            )
        user = User(email="bench@example.org", role=Role.NATIONAL, name="Bench")
        user.set_password("bench password, not secret")
        db.session.add(user)
        db.session.commit()
    with psycopg.connect(_plain_url(url), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def timed(url: str, year: int, repeat: int) -> tuple[float, int, object]:
    """Median seconds of the consolidated statement, its statement count, and the result."""
    from fundtrack.auth.models import User
    from fundtrack.yearend.statement import statement

    app = create_app({"SQLALCHEMY_DATABASE_URI": _sqlalchemy_url(url)})
    with app.app_context():
        user = db.session.scalars(sa.select(User).where(User.email == "bench@example.org")).one()
        result = statement(db.session, user, year)  # warm up
        statements = []

        def count(*_args):
            statements.append(1)

        sa.event.listen(db.engine, "before_cursor_execute", count)
        statement(db.session, user, year)
        sa.event.remove(db.engine, "before_cursor_execute", count)
        times = []
        for _ in range(repeat):
            db.session.expire_all()
            started = time.perf_counter()
            statement(db.session, user, year)
            times.append(time.perf_counter() - started)
        db.session.remove()
    return statistics.median(times), len(statements), result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=BASE_URL, help=f"prefix, default {BASE_URL}")
    parser.add_argument("--lines", type=int, default=1_000_000, help="big ledger (1,000,000)")
    parser.add_argument("--small", type=int, default=1_000, help="small ledger (1,000)")
    parser.add_argument("--centres", type=int, default=68, help="centres (68)")
    parser.add_argument("--years", type=int, default=10, help=f"years from {FIRST_YEAR} (10)")
    parser.add_argument("--repeat", type=int, default=15, help="timed repetitions (15)")
    parser.add_argument("--reuse", action="store_true", help="time the existing databases")
    args = parser.parse_args(argv)
    year = FIRST_YEAR + args.years - 1
    urls = {"small": args.database_url + "_small", "big": args.database_url + "_big"}
    sizes = {"small": args.small, "big": args.lines}
    results = {}
    for name, url in urls.items():
        if not args.reuse:
            started = time.perf_counter()
            build(url, args.centres, args.years, sizes[name])
            print(f"built {sizes[name]:,} income lines in {time.perf_counter() - started:.1f} s")
        results[name] = timed(url, year, args.repeat)
    small, big = results["small"], results["big"]
    for name, (seconds, statements, result) in results.items():
        eliminated = sum(line.actual for line in result.eliminations)
        print(f"{name:5} {sizes[name]:>9,} lines: median {seconds * 1000:.1f} ms, "
              f"{statements} SQL statements, {len(result.centres)} centres, "
              f"result {result.line('result').actual}, eliminated {eliminated}")  # fmt: skip
    ratio = big[0] / small[0]
    print(f"ratio big/small: {ratio:.2f} (goal <= 1.5)")
    return 0 if ratio <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
