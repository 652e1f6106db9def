"""`flask demo`: fill an empty database with a demo network and print the logins."""

import time

import click
from flask.cli import with_appcontext

from fundtrack.audit.actor import acting_as
from fundtrack.demo.build import COUNTRIES, DemoRefused, build_demo, demo_logins
from fundtrack.errors import in_english
from fundtrack.extensions import db


def _echo_logins(logins) -> None:
    click.echo("Demo logins (e-mail / password):")
    for login in logins:
        centre = f"  (centre {login.centre})" if login.centre else ""
        click.echo(f"  {login.role:10} {login.email:32} {login.password}{centre}")


@click.command("demo")
@click.option(
    "--country",
    type=click.Choice(sorted(COUNTRIES)),
    default="nl",
    show_default=True,
    help="nl: Dutch walk-in centres in EUR; no: Norwegian offices in NOK.",
)
@click.option(
    "--if-empty",
    is_flag=True,
    help="Do nothing (and succeed) when the database already holds a network.",
)
@with_appcontext
def demo_command(country: str, if_empty: bool) -> None:
    """Fill an EMPTY database with a demo network, all in one transaction."""
    started = time.perf_counter()
    try:
        with acting_as("cli: demo"):
            result = build_demo(db.session, country)
            db.session.commit()
    except DemoRefused as refusal:
        db.session.rollback()
        if not if_empty:
            raise click.ClickException(f"demo not loaded: {in_english(refusal)}") from None
        click.echo(f"Demo data not loaded: {in_english(refusal)}.")
        logins = demo_logins(db.session)
        if logins:
            _echo_logins(logins)
        return
    except ValueError as error:  # e.g. a demo e-mail address already has an account
        db.session.rollback()
        raise click.ClickException(
            f"demo not loaded, nothing was written: {in_english(error)}"
        ) from None
    seconds = time.perf_counter() - started
    click.echo(
        f"Loaded {result.network} ({result.currency}): {result.centres} centres, "
        f"{result.agreements} agreements, {result.income_lines} income lines, "
        f"{result.cost_lines} cost lines in {seconds:.1f} s."
    )
    _echo_logins(result.logins)
