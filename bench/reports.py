"""Benchmark: the PDF reports against WeasyPrint's own floor, and the batch in processes.

Builds the Dutch demo network (68 centres) in a fresh database (a temporary SQLite file unless
--database-url names one), adds a grant with goals, budget and income, then prints:
  1. the grant report (data, template, PDF) against WeasyPrint rendering the same HTML
     already rendered to a string: the engine's floor (goal: at most 1.3x);
  2. the grant report with a 40-row budget table;
  3. the 68-centre batch in --workers processes against the same batch in one process
     (goal: at most 0.6x on 2 cores);
  4. the national report's pages per second and its process's peak memory.

    .venv/bin/python bench/reports.py [--database-url URL] [--workers 2] [--repeat 3]
"""

import argparse
import io
import os
import resource
import statistics
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flask_migrate import upgrade  # noqa: E402
from pypdf import PdfReader  # noqa: E402
from sqlalchemy import select  # noqa: E402

from fundtrack import create_app  # noqa: E402
from fundtrack.auth.models import Role, User  # noqa: E402
from fundtrack.extensions import db  # noqa: E402

YEAR = 2025
CENTRES = 68


def median_time(work, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def paired_median_times(first, second, repeat: int) -> tuple[float, float]:
    """Median seconds of `first` and of `second`, run in turns: a ratio of the two stays fair
    while the machine's load changes (one block after the other gave whichever ran in the
    quieter moment the advantage)."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(repeat):
        for work, kept in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            work()
            kept.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def build(app) -> int:
    """The demo network and one grant; returns the grant's id."""
    from fundtrack.costs.models import CostCategory, CostKind, CostLine
    from fundtrack.demo.build import build_demo
    from fundtrack.grants import operations, parts
    from fundtrack.income.models import Funder, IncomeCategory, IncomeLine

    with app.app_context():
        upgrade()
        build_demo(db.session, "nl")
        office = db.session.scalars(select(User).where(User.role == Role.NATIONAL)).first()
        funder = db.session.scalars(select(Funder).order_by(Funder.id)).first()
        from fundtrack.centres.models import Centre

        centre = db.session.scalars(select(Centre).order_by(Centre.code)).first()
        grant = operations.create_grant(db.session, office, {
            "funder": funder.id, "centre": centre.code, "project_name": "Companion service",
            "programme": "Stimulation programme for voluntary health work",
            "project_leader": "Kari Nordmann", "start": date(2025, 1, 1), "end": date(2025, 12, 31),
            "amount_requested": Decimal("70000.00"),
            "summary": "A free companion service for *socially vulnerable* patients.\n\n" * 3,
        })  # fmt: skip
        operations.move_grant(db.session, office, grant, "submitted", on=date(2024, 10, 1))
        operations.move_grant(db.session, office, grant, "awarded",
                              amount_awarded=Decimal("65000.00"), on=date(2024, 12, 1))  # fmt: skip
        for n in range(4):
            parts.add_goal(db.session, office, grant, {"kind": "quantitative",
                           "description": f"Goal {n}", "unit": "users",
                           "target": Decimal(160), "achieved": Decimal(150 + n)})  # fmt: skip
            parts.add_goal(db.session, office, grant, {"kind": "qualitative",
                           "description": f"Aim {n}", "result": "Reached, *mostly*."})  # fmt: skip
        for category in CostCategory:
            line = {"category": category.value, "description": "Budgeted", "amount": Decimal(9000)}
            parts.add_budget_line(db.session, office, grant, line)
            db.session.add(CostLine(centre=centre, year=YEAR, kind=CostKind.ACTUAL,
                                    category=category, amount=Decimal("8700.00"),
                                    currency=centre.currency, grant=grant))  # fmt: skip
        for month in (1, 7):
            db.session.add(IncomeLine(centre=centre, booking_date=date(2025, month, 15),
                                      amount=Decimal("30000.00"), currency=centre.currency,
                                      category=IncomeCategory.OTHER_NONPROFITS, funder=funder,
                                      grant=grant, reference=f"Tranche {month}"))  # fmt: skip
        _more_centres(centre, CENTRES)
        db.session.commit()
        return grant.id


def _more_centres(model, total: int) -> None:
    """Centres like the demo's until there are `total` (the Dutch demo has fewer than 68)."""
    from fundtrack.centres.models import Centre, Region
    from fundtrack.costs.models import CostCategory, CostKind, CostLine
    from fundtrack.income.models import (
        Funder,
        FunderType,
        FundingAgreement,
        IncomeCategory,
        IncomeLine,
    )

    existing = len(db.session.scalars(select(Centre.id)).all())
    regions = db.session.scalars(select(Region)).all()
    town = db.session.scalars(select(Funder).where(Funder.type == FunderType.MUNICIPALITY)).first()
    for n in range(total - existing):
        centre = Centre(code=f"B{n:02}", name=f"Inloophuis {n}", municipality=f"Gemeente {n}",
                        region=regions[n % len(regions)], currency=model.currency)  # fmt: skip
        db.session.add(centre)
        agreement = FundingAgreement(centre=centre, funder=town, start_date=date(2023, 1, 1),
                                     recurring=True, annual_amount=Decimal(40000 + 500 * n),
                                     currency=model.currency)  # fmt: skip
        db.session.add(agreement)
        for year in (2024, 2025):
            db.session.add(CostLine(centre=centre, year=year, kind=CostKind.ACTUAL,
                                    category=CostCategory.STAFF, amount=Decimal(90000 + 700 * n),
                                    currency=model.currency))  # fmt: skip
            for month, amount, category, funder, deal in (
                (3, 40000 + 500 * n, IncomeCategory.GOVERNMENT, town, agreement),
                (5, 12000, IncomeCategory.INDIVIDUALS, None, None),
                (9, 8000 + 100 * n, IncomeCategory.OTHER_NONPROFITS, None, None),
            ):
                db.session.add(IncomeLine(centre=centre, booking_date=date(year, month, 1),
                                          amount=Decimal(amount), currency=model.currency,
                                          category=category, funder=funder,
                                          agreement=deal))  # fmt: skip


def national_in_child(config: dict) -> tuple[float, int, int]:
    """Seconds, pages and peak RSS (KiB) of one national report in a fresh process."""
    from fundtrack.reports.national_report import national_pdf

    app = create_app(config)
    with app.app_context():
        user = User(role=Role.AUDITOR)
        start = time.perf_counter()
        pdf = national_pdf(db.session, user, YEAR, "nl")
        seconds = time.perf_counter() - start
    return seconds, pages(pdf), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp(prefix="fundtrack-bench-")
    url = args.database_url or f"sqlite:///{tmp}/bench.sqlite3"
    config = {"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", "TESTING": False}
    os.environ.setdefault("FUNDTRACK_ENV", "development")
    app = create_app(config)
    print(f"building the demo network and a grant in {url} ...", flush=True)
    grant_id = build(app)

    from fundtrack.reports.batch import build_batch, centre_codes, reader
    from fundtrack.reports.grant_report import grant_pdf, grant_report
    from fundtrack.reports.render import html_to_pdf, in_language, render_html, render_pdf

    with app.test_request_context():
        office = db.session.scalars(select(User).where(User.role == Role.NATIONAL)).first()
        grant_pdf(db.session, office, grant_id, language="nl")  # warm fonts and templates
        with in_language("nl"):
            data = grant_report(db.session, office, grant_id)
            html = render_html("reports/grant.html", lang="nl", **data)
        full, floor = paired_median_times(
            lambda: grant_pdf(db.session, office, grant_id, language="nl"),
            lambda: html_to_pdf(html),
            args.repeat,
        )
        print(f"1. grant report: {full:.3f} s; WeasyPrint on the same HTML string: {floor:.3f} s;"
              f" ratio {full / floor:.2f} (goal <= 1.3)")  # fmt: skip

        with in_language("nl"):
            data["budget"] = [
                {
                    "category": "other",
                    "label": f"Line {n}",
                    "description": "Travel",
                    "budgeted": Decimal("1000.00"),
                    "spent": Decimal("950.00"),
                    "difference": Decimal("50.00"),
                }  # fmt: skip
                for n in range(40)
            ]
            pdf = render_pdf("reports/grant.html", lang="nl", **data)
            forty = median_time(lambda: render_pdf("reports/grant.html", lang="nl", **data),
                                args.repeat)  # fmt: skip
        print(f"2. grant report with a 40-row budget table: {forty:.3f} s, {pages(pdf)} pages")

    with app.app_context():
        codes = centre_codes(db.session)
        db.session.rollback()
        _ = reader()
    out1, out2 = tempfile.mkdtemp(dir=tmp), tempfile.mkdtemp(dir=tmp)
    start = time.perf_counter()
    with app.app_context():
        one = build_batch(app, codes, YEAR, "nl", out1, workers=1)
    single = time.perf_counter() - start
    start = time.perf_counter()
    many = build_batch(app, codes, YEAR, "nl", out2, workers=args.workers)
    parallel = time.perf_counter() - start
    assert not one.failed and not many.failed, (one.failed, many.failed)
    print(f"3. {len(codes)}-centre batch: one process {single:.1f} s; {args.workers} worker "
          f"processes {parallel:.1f} s; ratio {parallel / single:.2f} (goal <= 0.6 on 2 cores;"
          f" this machine has {os.cpu_count()} CPUs)")  # fmt: skip

    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"   (load average {load}: other work on the machine slows the worker processes)")
    with ProcessPoolExecutor(1) as pool:
        seconds, count, peak = pool.submit(national_in_child, config).result()
    print(f"4. national report: {count} pages in {seconds:.1f} s = {count / seconds:.1f} pages/s;"
          f" peak memory of its process {peak / 1024:.0f} MiB")  # fmt: skip


if __name__ == "__main__":
    main()
