"""Benchmark: the funding-share call for all centres and a year against bare SQL.

Builds a PostgreSQL database (68 centres, 10 years, 1,000,000 income lines by default) with
the project's migrations, fills it with INSERT ... SELECT generate_series, then times, over
several repetitions (median):
  (a) GET /api/v1/funding-share?year=Y through the Flask test client with a bearer token
      when the API has that route, otherwise `funding_share(...)` called directly (it says so);
  (b) one hand-written SQL statement (CTEs and GROUP BY, executed by psycopg) computing the
      same per-centre numbers;
checks that both give the same figures, and prints the ratio (goal: at most 1.5) and the
number of SQL statements the call ran.

    .venv/bin/python bench/share.py --help
    .venv/bin/python bench/share.py                      # build and time
    .venv/bin/python bench/share.py --reuse              # time an already built database
"""

import argparse
import statistics
import sys
import time
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from types import SimpleNamespace

import psycopg
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fundtrack import create_app  # noqa: E402
from fundtrack.extensions import db  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1/fundtrack_bench"
FIRST_YEAR = 2016
AGREEMENTS_PER_CENTRE = 10
# Agreement k of every centre: funder type, start, end, recurring (dates as SQL on centre c).
AGREEMENT_KINDS = [
    ("municipality", "2015-01-01", None, True),
    ("province", "2023-01-01", "2026-12-31", False),
    ("health_insurer", "2024-07-01", "2026-06-30", False),
    ("care_partner", "2025-03-01", "2025-12-31", False),  # one-off: incidental
    ("affiliated_nonprofit", "2018-01-01", None, True),  # overridden for every third centre
    ("foundation", "2024-01-01", "2026-12-31", False),
    ("lottery", "2020-01-01", "2020-12-31", False),
    ("company", "2021-01-01", None, True),
    ("national_government", "2022-04-15", "2026-07-15", False),  # ends mid-July 2026
    ("individual", "2019-01-01", "2023-12-31", False),
]
CATEGORY_OF = {
    "municipality": "government_subsidies",
    "province": "government_subsidies",
    "national_government": "government_subsidies",
    "health_insurer": "insurers_and_care",
    "care_partner": "insurers_and_care",
    "affiliated_nonprofit": "affiliated_nonprofits",
    "foundation": "other_nonprofits",
    "lottery": "lottery_organisations",
    "company": "companies",
    "individual": "individuals",
}
CATEGORIES = [
    "individuals", "companies", "lottery_organisations", "government_subsidies",
    "affiliated_nonprofits", "other_nonprofits", "insurers_and_care", "other",
]  # fmt: skip


def _plain_url(url: str) -> str:
    for prefix in ("postgresql+psycopg://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql://" + url[len(prefix) :]
    return url


def _sqlalchemy_url(url: str) -> str:
    return "postgresql+psycopg://" + _plain_url(url)[len("postgresql://") :]


def create_database(url: str) -> None:
    target = sa.engine.make_url(_sqlalchemy_url(url))
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def fill(conn: psycopg.Connection, centres: int, years: int, lines: int) -> None:
    """Regions, centres, funders, agreements, income and cost lines, all in SQL."""
    k = AGREEMENTS_PER_CENTRE
    last_year = FIRST_YEAR + years - 1
    run = conn.execute
    run(
        "INSERT INTO network (id, name, currency, locale, target_numerator, target_denominator,"
        " fiscal_year_start_month) VALUES (1, 'Bench network', 'EUR', 'nl_NL', 2, 3, 1)"
    )
    run(
        "INSERT INTO regions (id, code, name) SELECT r, 'R' || r, 'Region ' || r"
        " FROM generate_series(1, 12) r"
    )
    run(
        "INSERT INTO centres (id, code, name, municipality, region_id, currency, active)"
        " SELECT c, 'C' || lpad(c::text, 3, '0'), 'Centre ' || c, 'Town ' || c,"
        " 1 + c %% 12, 'EUR', true FROM generate_series(1, %s) c",
        (centres,),
    )
    types = [kind[0] for kind in AGREEMENT_KINDS]
    run(
        "INSERT INTO funders (id, name, type) SELECT t.i * 3 + n, t.type || ' ' || n, t.type"
        " FROM unnest(%s::text[]) WITH ORDINALITY AS t(type, i), generate_series(0, 2) n",
        (types,),
    )
    with conn.cursor() as cur:
        rows = []
        for c in range(1, centres + 1):
            for i, (kind, start, end, recurring) in enumerate(AGREEMENT_KINDS):
                override = kind == "affiliated_nonprofit" and c % 3 == 0
                rows.append(
                    (
                        (c - 1) * k + i + 1,
                        (i + 1) * 3 + c % 3,
                        c,
                        f"{kind} agreement",
                        start,
                        end,
                        recurring,
                        Decimal(10000 + (c * 997 + i * 313) % 50000),
                        True if override else None,
                        "contribution agreed every year" if override else None,
                    )
                )
        cur.executemany(
            "INSERT INTO funding_agreements (id, funder_id, centre_id, title, start_date,"
            " end_date, recurring, annual_amount, currency, structural_override,"
            " override_reason) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, 'EUR', %s, %s)",
            rows,
        )
    # 60% of the lines belong to one of their centre's agreements, in its category.
    run(
        """
        INSERT INTO income_lines (centre_id, booking_date, fiscal_year, amount, currency,
            category, agreement_id, reference, description, source)
        SELECT s.c, make_date(s.y, 1 + (s.g / %(centres)s) %% 12, 1 + (s.g / 7) %% 28), s.y,
            ((1 + (s.g::bigint * 7919) %% 250000) / 100.0)::numeric(14, 2), 'EUR',
            CASE WHEN s.agreed THEN (%(agreement_categories)s::text[])[1 + s.k]
                 ELSE (%(categories)s::text[])[1 + s.g %% 8] END,
            CASE WHEN s.agreed THEN (s.c - 1) * %(per_centre)s + s.k + 1 END,
            '', '', 'import'
        FROM (SELECT g, 1 + g %% %(centres)s AS c,
                     %(first)s + (g / %(centres)s) %% %(years)s AS y,
                     g %% 10 < 6 AS agreed, (g / 3) %% %(per_centre)s AS k
              FROM generate_series(0, %(lines)s - 1) g) s
        """,
        {
            "centres": centres,
            "years": years,
            "first": FIRST_YEAR,
            "lines": lines,
            "per_centre": k,
            "categories": CATEGORIES,
            "agreement_categories": [CATEGORY_OF[kind[0]] for kind in AGREEMENT_KINDS],
        },
    )
    # Budgets every year; actuals except, in the last year, for every fourth centre (still
    # on its budget) and the last centre (no costs at all that year).
    run(
        """
        INSERT INTO cost_lines (centre_id, year, kind, category, amount, currency, description)
        SELECT c, y, kind, cat, (150000 + (c * 37 + y * 11 + length(cat) * 5000) %% 300000
                                 + CASE WHEN kind = 'actual' THEN 1234.56 ELSE 0 END), 'EUR', ''
        FROM generate_series(1, %(centres)s::int) c,
             generate_series(%(first)s::int, %(last)s::int) y,
             unnest(ARRAY['budget', 'actual']) kind,
             unnest(ARRAY['staff', 'housing', 'activities', 'volunteers', 'communication',
                          'administration', 'other']) cat
        WHERE NOT (y = %(last)s AND (c = %(centres)s OR (kind = 'actual' AND c %% 4 = 0)))
        """,
        {"centres": centres, "first": FIRST_YEAR, "last": last_year},
    )
    declare(conn, centres, last_year)
    for table in ("regions", "centres", "funders", "funding_agreements"):
        run(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )


# The same numbers as funding_share, by hand: one statement, CTEs and GROUP BY.
BARE_SQL = """
WITH rules AS (
    SELECT a.id, a.centre_id, a.start_date, a.end_date, a.annual_amount,
           COALESCE(a.structural_override,
                    COALESCE(r.structural_by_default, false)
                    AND (a.recurring OR a.end_date IS NULL OR a.end_date - a.start_date > 366))
               AS structural
    FROM funding_agreements a
    JOIN funders f ON f.id = a.funder_id
    LEFT JOIN structural_rules r ON r.funder_type = f.type
),
per_category AS (
    SELECT l.centre_id, l.category, sum(l.amount) AS total,
           sum(l.amount) FILTER (WHERE rules.structural) AS structural
    FROM income_lines l LEFT JOIN rules ON rules.id = l.agreement_id
    WHERE l.fiscal_year = %(year)s
    GROUP BY l.centre_id, l.category
),
income AS (  -- pivots the few (centre, category) rows
    SELECT centre_id, sum(total) AS total, COALESCE(sum(structural), 0) AS structural,
           {by_category}
    FROM per_category GROUP BY centre_id
),
costs AS (  -- actual costs count once declared complete, the budget until then
    SELECT centre_id,
           sum(amount) FILTER (WHERE kind = 'actual' AND centre_id IN (
               SELECT centre_id FROM actuals_declarations WHERE year = %(year)s)) AS actual,
           sum(amount) FILTER (WHERE kind = 'budget') AS budget
    FROM cost_lines WHERE year = %(year)s GROUP BY centre_id
),
covered AS (  -- whole months of next year each structural agreement covers
    SELECT centre_id, annual_amount,
           date_trunc('month', greatest(start_date, %(next_start)s) - 1) + interval '1 month'
               AS first_month,
           date_trunc('month', least(COALESCE(end_date, %(next_last)s), %(next_last)s) + 1)
               AS after_last_month
    FROM rules
    WHERE structural AND start_date <= %(next_last)s
      AND (end_date IS NULL OR end_date >= %(next_start)s)
),
secured AS (
    SELECT centre_id,
           round(sum(annual_amount * greatest(0,
               (extract(year FROM after_last_month) * 12 + extract(month FROM after_last_month))
             - (extract(year FROM first_month) * 12 + extract(month FROM first_month)))) / 12, 2)
               AS amount
    FROM covered GROUP BY centre_id
)
SELECT c.code,
       COALESCE(costs.actual, costs.budget, 0) AS costs,
       CASE WHEN costs.actual IS NOT NULL THEN 'actual'
            WHEN costs.budget IS NOT NULL THEN 'budget' ELSE 'none' END AS basis,
       COALESCE(income.structural, 0) AS structural,
       COALESCE(income.total, 0) - COALESCE(income.structural, 0) AS incidental,
       greatest(0, round(COALESCE(costs.actual, costs.budget, 0) * 2 / 3
                         - COALESCE(income.structural, 0), 2)) AS gap,
       COALESCE(secured.amount, 0) AS secured,
       {category_columns}
FROM centres c
LEFT JOIN income ON income.centre_id = c.id
LEFT JOIN costs ON costs.centre_id = c.id
LEFT JOIN secured ON secured.centre_id = c.id
ORDER BY c.code
"""


def declare(conn: psycopg.Connection, centres: int, last_year: int) -> None:
    """Actual costs declared complete for every centre-year that has them, but in the last
    year for every third centre: its actual lines are still being entered, so it is judged
    on its budget (fundtrack.costs.basis)."""
    conn.execute(
        """
        INSERT INTO actuals_declarations (centre_id, year)
        SELECT DISTINCT centre_id, year FROM cost_lines
        WHERE kind = 'actual' AND NOT (year = %(last)s AND centre_id %% 3 = 0)
        """,
        {"last": last_year},
    )


def bare_sql() -> str:
    by_category = ",\n           ".join(
        f"COALESCE(sum(total) FILTER (WHERE category = '{c}'), 0) AS \"{c}\"" for c in CATEGORIES
    )
    columns = ", ".join(f'COALESCE(income."{c}", 0) AS "{c}"' for c in CATEGORIES)
    return BARE_SQL.format(by_category=by_category, category_columns=columns)


def bare_sql_call(conn: psycopg.Connection, year: int):
    """A function running the bare SQL once and returning its rows."""
    sql = bare_sql()
    params = {"year": year, "next_start": date(year + 1, 1, 1), "next_last": date(year + 1, 12, 31)}
    return lambda: conn.execute(sql, params).fetchall()


def interleaved(calls: dict, repeat: int) -> dict[str, list[float]]:
    """Time each call `repeat` times, taking turns, so both meet the same load on a shared
    machine; one untimed warm-up run each first."""
    for call in calls.values():
        call()
    times = {name: [] for name in calls}
    for _ in range(repeat):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            times[name].append(time.perf_counter() - started)
    return times


def _count_statements():
    statements = []

    def before(_conn, _cursor, statement, *_args):
        statements.append(statement)

    return statements, before


def prepare_call(app, year: int):
    """The API call (or the service call when the API cannot answer), what it is, its
    statement count, the service's figures and the API's JSON (None without the API)."""
    from fundtrack.auth.models import User
    from fundtrack.share.service import funding_share

    with app.app_context():
        user = bench_user()
        token = _token(user)
        db.session.commit()
        has_api = any(r.rule.startswith("/api/v1/funding-share") for r in app.url_map.iter_rules())
    client = app.test_client()
    url = f"/api/v1/funding-share?year={year}"
    headers = {"Authorization": f"Bearer {token}"}

    def api_call():
        response = client.get(url, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}: {response.text[:300]}")
        return response.get_json()

    def direct_call():
        with app.app_context():
            user = db.session.get(User, user_id)
            result = funding_share(db.session, user, year)
            db.session.remove()
            return result

    with app.app_context():
        user_id = db.session.scalars(
            sa.select(User.id).where(User.email == "bench@example.org")
        ).one()
    call, how = direct_call, "funding_share() called directly: no /api/v1/funding-share route"
    if has_api:
        try:
            api_call()
            call, how = api_call, f"GET {url} through the Flask test client, bearer token"
        except RuntimeError as error:
            how = f"funding_share() called directly, because the API route failed: {error}"
    answer = call()  # warm up; the API's JSON is checked against the bare SQL too
    statements, before = _count_statements()
    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", before)
    call()
    sa.event.remove(engine, "before_cursor_execute", before)
    return call, how, len(statements), direct_call(), answer if call is api_call else None


def from_json(answer: dict) -> SimpleNamespace:
    """The API's JSON centres as objects `compare` can read, amounts back to Decimal."""
    money = ("costs", "structural_income", "incidental_income", "gap", "secured_next_year")
    centres = []
    for centre in answer["centres"]:
        values = {name: Decimal(centre[name]) for name in money}
        values["income_by_category"] = {
            k: Decimal(v) for k, v in centre["income_by_category"].items()
        }
        centres.append(SimpleNamespace(code=centre["code"], costs_basis=centre["costs_basis"],
                                       **values))  # fmt: skip
    return SimpleNamespace(centres=centres)


def bench_user():
    """The national-office user the call is made as (made here when a database built by
    bench/pages.py, which signs in as another user, is reused)."""
    from fundtrack.auth.models import Role, User

    email = "bench@example.org"
    user = db.session.scalars(sa.select(User).where(User.email == email)).one_or_none()
    if user is None:
        user = User(email=email, role=Role.NATIONAL, name="Bench")
        user.set_password("bench password, not secret")
        db.session.add(user)
        db.session.flush()
    return user


def _token(user) -> str:
    from fundtrack.auth.tokens import issue_token

    return issue_token(db.session, user, "bench")[1]


def compare(result, rows) -> list[str]:
    """Differences between the service's centre figures and the bare SQL's rows."""
    quant = Decimal("0.01")
    problems = []
    by_code = {figure.code: figure for figure in result.centres}
    if len(rows) != len(by_code):
        problems.append(f"{len(rows)} centres in SQL, {len(by_code)} from the service")
    for row in rows:
        code, costs, basis, structural, incidental, gap, secured, *categories = row
        figure = by_code.get(code)
        if figure is None:
            problems.append(f"{code}: missing from the service")
            continue
        expected = {
            "costs": costs,
            "costs_basis": basis,
            "structural_income": structural,
            "incidental_income": incidental,
            "gap": gap,
            "secured_next_year": secured,
        }
        for name, value in expected.items():
            if isinstance(value, Decimal):
                value = value.quantize(quant, rounding=ROUND_HALF_UP)
            if getattr(figure, name) != value:
                problems.append(f"{code} {name}: service {getattr(figure, name)}, SQL {value}")
        for category, value in zip(CATEGORIES, categories, strict=True):
            if figure.income_by_category[category] != value:
                problems.append(f"{code} {category}: {figure.income_by_category[category]} {value}")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"default {DEFAULT_URL}")
    parser.add_argument("--lines", type=int, default=1_000_000, help="income lines (1,000,000)")
    parser.add_argument("--centres", type=int, default=68, help="centres (68)")
    parser.add_argument("--years", type=int, default=10, help=f"years from {FIRST_YEAR} (10)")
    parser.add_argument("--year", type=int, help="year to time (default: the last one)")
    parser.add_argument("--repeat", type=int, default=15, help="timed repetitions (15)")
    parser.add_argument("--reuse", action="store_true", help="time the existing database")
    args = parser.parse_args(argv)
    year = args.year or FIRST_YEAR + args.years - 1
    app = create_app({"SQLALCHEMY_DATABASE_URI": _sqlalchemy_url(args.database_url)})

    if not args.reuse:
        started = time.perf_counter()
        create_database(args.database_url)
        from flask_migrate import upgrade

        with app.app_context():
            upgrade()
            with psycopg.connect(_plain_url(args.database_url)) as conn:
                fill(conn, args.centres, args.years, args.lines)
            bench_user()
            db.session.commit()
        with psycopg.connect(_plain_url(args.database_url), autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
        print(f"built {args.lines:,} income lines, {args.centres} centres, {args.years} years "
              f"in {time.perf_counter() - started:.1f} s")  # fmt: skip

    call, how, statements, result, answer = prepare_call(app, year)
    with psycopg.connect(_plain_url(args.database_url)) as conn:
        lines = conn.execute("SELECT count(*) FROM income_lines WHERE fiscal_year = %s", (year,))
        year_lines = lines.fetchone()[0]
        sql = bare_sql_call(conn, year)
        times = interleaved({"call": call, "sql": sql}, args.repeat)
        rows = sql()
    call_times, sql_times = times["call"], times["sql"]
    problems = compare(result, rows)
    if answer is not None:
        problems += [f"API: {problem}" for problem in compare(from_json(answer), rows)]
    call_ms = statistics.median(call_times) * 1000
    sql_ms = statistics.median(sql_times) * 1000
    print(f"year {year}: {len(result.centres)} centres, {year_lines:,} income lines that year")
    print(f"(a) {how}")
    print(f"    median {call_ms:.1f} ms over {args.repeat} runs; {statements} SQL statements")
    print(f"(b) bare SQL GROUP BY via psycopg: median {sql_ms:.1f} ms over {args.repeat} runs")
    print(f"ratio (a)/(b): {call_ms / sql_ms:.2f} (goal <= 1.5)")
    network = result.network
    print(f"network: costs {network.costs} ({network.costs_basis}), structural "
          f"{network.structural_income}, share {network.share}, gap {network.gap}, "
          f"at target {result.centres_at_target}/{len(result.centres)}")  # fmt: skip
    if problems:
        print("MISMATCH between the call and the bare SQL:")
        print("\n".join(f"  {p}" for p in problems[:20]))
        return 1
    checked = "funding_share() and the API's JSON" if answer else "funding_share()"
    print(f"{checked} and the bare SQL agree on every centre's figures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
