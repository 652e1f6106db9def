"""Benchmark: 100,000 camt.053 entries and a 100,000-row XLSX, previewed and committed on
PostgreSQL, against PostgreSQL's COPY of the same rows into the same table.

Each import runs in a child process of its own, so its peak memory (max RSS) is its own:
it must stay flat as files grow (the camt.053 file is streamed entry by entry, the XLSX
read row by row after the zip check, the plan held a window at a time). Prints, per file:
preview and commit seconds, rows per second, peak memory, the ratio to COPY (goal: at most
5x), and peak memory for a tenth of the rows, to show it does not grow with the file.

"The same rows" are the rows as the import books them: each names its donor and its import,
and the database checks those foreign keys for COPY as for the import. The ratio to a COPY
of the bare rows (no donor, no import) is printed beside it.

    .venv/bin/python bench/imports.py [--database-url URL] [--rows 100000] [--donors 500]
"""

import argparse
import contextlib
import multiprocessing
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("FUNDTRACK_ENV", "development")

from bench.share import _plain_url, _sqlalchemy_url, create_database  # noqa: E402
from fundtrack.imports.samples import payers, write_camt, write_xlsx  # noqa: E402
from fundtrack.imports.samples import rows as sample_rows  # noqa: E402

DEFAULT_URL = "postgresql://postgres@127.0.0.1/fundtrack_bench_imports"


def _app(url: str, instance: str):
    from fundtrack import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": _sqlalchemy_url(url),
                       "FUNDTRACK_IMPORT_MAX_BYTES": 2**31})  # fmt: skip


def prepare(url: str, instance: str) -> None:
    """Migrate an empty database; a network and one centre to import into."""
    from flask_migrate import upgrade

    from fundtrack.centres.models import Centre, Network, Region
    from fundtrack.extensions import db

    create_database(url)
    app = _app(url, instance)
    with app.app_context():
        upgrade()
        db.session.add(Network(id=1, name="Bench", currency="EUR", locale="nl_NL"))
        region = Region(code="R1", name="Region")
        for code in ("BENCH", "SMALL"):
            db.session.add(Centre(code=code, name=f"{code} centre", municipality="Town",
                                  currency="EUR", region=region))  # fmt: skip
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def _import(url: str, instance: str, path: str, mapping_kind: bool, centre_code: str,
            queue) -> None:  # fmt: skip
    """In a child: receive, preview, commit; report the seconds of each and peak memory."""
    from sqlalchemy import select

    from fundtrack.audit.actor import acting_as
    from fundtrack.auth.models import Role, User
    from fundtrack.centres.models import Centre
    from fundtrack.extensions import db
    from fundtrack.imports import files, service

    app = _app(url, instance)
    with app.app_context(), acting_as("bench", None):
        session = db.session
        user = User(role=Role.ADMIN)
        centre = session.scalar(select(Centre).where(Centre.code == centre_code))
        started = time.perf_counter()
        with open(path, "rb") as stream:
            record = service.receive(session, user, centre, stream, Path(path).name,
                                     instance, 2**31)  # fmt: skip
        if mapping_kind:
            service.set_mapping(session, user, record, record.options["mapping"], instance)
        session.commit()
        data = service.preview(session, user, record, instance)
        session.commit()
        previewed = time.perf_counter()
        token = record.token
        service.commit(session, user, record, instance)
        session.commit()
        committed = time.perf_counter()
        files.remove_all(instance, token)
        queue.put({
            "preview": previewed - started, "commit": committed - previewed,
            "booked": record.rows_booked, "errors": data["counts"]["error"],
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        })  # fmt: skip


def run_import(url: str, instance: str, path: Path, mapping: bool, centre: str = "BENCH") -> dict:
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_import, args=(url, instance, str(path), mapping, centre, queue))
    child.start()
    result = queue.get()
    child.join()
    return result


def copy_rows(url: str, count: int, donors: int, linked: bool) -> float:
    """COPY the same rows into income_lines in one transaction (rolled back), in seconds.

    `linked`: as the import books them, each naming its donor and the import (whose rows
    are made first, untimed), so the database checks those foreign keys as it does for the
    import; else the bare rows, naming neither.
    """
    with psycopg.connect(_plain_url(url)) as conn:
        centre = conn.execute("SELECT id FROM centres WHERE code = 'BENCH'").fetchone()[0]
        donor_ids: dict[str, int] = {}
        import_id = None
        if linked:
            for name, iban in payers(donors):
                donor_ids[name] = conn.execute(
                    "INSERT INTO donors (centre_id, kind, name, iban, consent_contact,"
                    " consent_newsletter) VALUES (%s, 'person', %s, %s, false, false)"
                    " RETURNING id",
                    (centre, name, iban),
                ).fetchone()[0]
            import_id = conn.execute(
                "INSERT INTO imports (centre_id, filename, kind, sha256, size, state, options,"
                " rows_total, rows_booked, rows_duplicate, rows_skipped, rows_error,"
                " new_donors, error) VALUES (%s, 'copy', 'camt053', %s, 0, 'booking', '{}',"
                " 0, 0, 0, 0, 0, 0, '') RETURNING id",
                (centre, "0" * 64),
            ).fetchone()[0]
        generated = [
            (centre, day, day.year, amount, "EUR", "individuals", f"E2E-{n}", f"Gift {n}",
             "import", f"COPY-{n:07d}", donor_ids.get(name), import_id)
            for n, day, amount, name, _iban in sample_rows(count, donors)
        ]  # fmt: skip
        started = time.perf_counter()
        with conn.cursor() as cursor:
            columns = ("centre_id, booking_date, fiscal_year, amount, currency, category,"
                       " reference, description, source, external_id, donor_id,"
                       " import_id")  # fmt: skip
            with cursor.copy(f"COPY income_lines ({columns}) FROM STDIN") as copy:
                for row in generated:
                    copy.write_row(row)
        elapsed = time.perf_counter() - started
        conn.rollback()
    return elapsed


def vacuum(url: str) -> None:
    """Clear what a rolled-back COPY leaves behind, so that every measurement starts from a
    tidy table, as autovacuum would leave it between two imports, and with no checkpoint
    of the step before still to write (it would land on whichever step runs next)."""
    with psycopg.connect(_plain_url(url), autocommit=True) as conn:
        for table in ("income_lines", "audit_events", "income_summary", "donors"):
            conn.execute(f"VACUUM ANALYZE {table}")
        with contextlib.suppress(psycopg.errors.InsufficientPrivilege):
            conn.execute("CHECKPOINT")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--donors", type=int, default=500)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        folder_path = Path(folder)
        prepare(args.database_url, folder)
        camt, xlsx = folder_path / "statement.xml", folder_path / "income.xlsx"
        started = time.perf_counter()
        write_camt(camt, args.rows, args.donors, tag="BENCH")
        write_xlsx(xlsx, args.rows, args.donors)
        print(f"generated {args.rows:,} rows as camt.053 ({camt.stat().st_size / 2**20:.1f} MiB)"
              f" and XLSX ({xlsx.stat().st_size / 2**20:.1f} MiB)"
              f" in {time.perf_counter() - started:.1f} s")  # fmt: skip
        # The median of three, as the machine's load moves a single COPY by a fifth.
        medians = {}
        for linked in (True, False):
            copies = []
            for _ in range(3):
                vacuum(args.database_url)
                copies.append(copy_rows(args.database_url, args.rows, args.donors, linked))
            copies.sort()
            medians[linked] = copies[1]
            what = "as booked (donor and import named)" if linked else "bare (no donor, no import)"
            print(f"COPY of {args.rows:,} rows {what}: {copies[1]:.2f} s"
                  f" ({args.rows / copies[1]:,.0f} rows/s; median of"
                  f" {', '.join(f'{c:.2f}' for c in copies)} s)")  # fmt: skip
        copy_seconds, bare_seconds = medians[True], medians[False]
        small_rows = max(args.rows // 10, 1)
        small_camt, small_xlsx = folder_path / "small.xml", folder_path / "small.xlsx"
        write_camt(small_camt, small_rows, args.donors, tag="SMALL")
        write_xlsx(small_xlsx, small_rows, args.donors)
        for label, path, small, mapping in (
            ("camt.053", camt, small_camt, False), ("XLSX", xlsx, small_xlsx, True)
        ):  # fmt: skip
            vacuum(args.database_url)
            result = run_import(args.database_url, folder, path, mapping)
            total = result["preview"] + result["commit"]
            print(
                f"{label:8} preview {result['preview']:.2f} s, commit {result['commit']:.2f} s,"
                f" {result['booked']:,} booked ({result['errors']} in error),"
                f" {args.rows / total:,.0f} rows/s, peak memory {result['peak_mib']:.0f} MiB;"
                f" ratio to COPY {total / copy_seconds:.1f}x (goal at most 5x;"
                f" {total / bare_seconds:.1f}x to the bare rows' COPY)"
            )
            # Bounded memory: the same import of a tenth of the rows, into a centre of its own.
            vacuum(args.database_url)
            tenth = run_import(args.database_url, folder, small, mapping, "SMALL")
            grown = result["peak_mib"] - tenth["peak_mib"]
            print(
                f"{'':8} peak memory with {small_rows:,} rows {tenth['peak_mib']:.0f} MiB,"
                f" with {args.rows:,} rows {result['peak_mib']:.0f} MiB:"
                f" {grown * 1024 / max(args.rows - small_rows, 1):.2f} KiB more per row"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
