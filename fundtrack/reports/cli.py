"""`flask reports build`: every centre's funding report for a year, as PDF files."""

import sys
from datetime import date

import click
from flask import current_app
from flask.cli import AppGroup

from fundtrack.centres.locks import current_network
from fundtrack.extensions import db
from fundtrack.reports.batch import build_batch, centre_codes
from fundtrack.reports.render import LANGUAGES, network_language

reports = AppGroup("reports", help="PDF reports.")


@reports.command("build")
@click.option(
    "--year", type=click.IntRange(1900, 2999), help="fiscal year (default: the last ended)"
)
@click.option("--out", "out", required=True, type=click.Path(file_okay=False), help="folder")
@click.option("--centre", "centre", default=None, help="only this centre (code)")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None, help="default: the network's")
@click.option("--workers", type=click.IntRange(1, 64), default=None, help="default: CPU count")
def build(year, out, centre, lang, workers):
    """Write each centre's funding report for YEAR into OUT, in parallel worker processes.

    Keeps going past a centre that fails, names it and why, and exits with status 1 then.
    """
    network = current_network(db.session)
    year = year or network.fiscal_year_of(date.today()) - 1
    lang = lang or network_language(db.session)
    codes = centre_codes(db.session, centre)
    if centre and not codes:
        raise click.ClickException(f"no centre with code {centre!r}")
    db.session.rollback()
    with click.progressbar(length=len(codes), label=f"Funding reports {year}") as bar:
        result = build_batch(
            current_app._get_current_object(),
            codes,
            year,
            lang,
            out,
            workers,
            lambda _c: bar.update(1),
        )
    click.echo(f"{len(result.written)} reports written to {out}")
    for code, why in sorted(result.failed.items()):
        click.echo(f"failed: {code}: {why}", err=True)
    if result.failed:
        sys.exit(1)
