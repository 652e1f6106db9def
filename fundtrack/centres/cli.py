"""`flask network ...`: create the network a real installation starts from, and show it."""

import click
from flask.cli import with_appcontext

from fundtrack.audit.actor import acting_as
from fundtrack.centres.models import Network
from fundtrack.centres.network import create_network, settings
from fundtrack.errors import DomainError, in_english
from fundtrack.extensions import db

OPTIONS = {"name": "--name", "currency": "--currency", "locale": "--locale",
           "target": "--target", "fiscal_year_start_month": "--fiscal-year-start"}  # fmt: skip


@click.group()
def network() -> None:
    """The network's settings."""


@network.command("create")
@click.option("--name", required=True, help="The network's name, e.g. the national umbrella.")
@click.option("--currency", required=True, help="ISO 4217 code the centres count in: EUR, NOK.")
@click.option("--locale", required=True, help="How money and dates are written: nl_NL, nb_NO.")
@click.option("--fiscal-year-start", "month", type=int, default=1, show_default=True,
              help="First month of the fiscal year (1-12).")  # fmt: skip
@click.option("--target", default="2/3", show_default=True,
              help="Structural funding target as a fraction of costs.")  # fmt: skip
@with_appcontext
def create_command(name: str, currency: str, locale: str, month: int, target: str) -> None:
    """Create the network once; a second call changes nothing."""
    values = {"name": name, "currency": currency, "locale": locale, "target": target,
              "fiscal_year_start_month": month}  # fmt: skip
    try:
        with acting_as("cli: network create"):
            created = create_network(db.session, None, values)
            db.session.commit()
    except DomainError as error:
        db.session.rollback()
        option = OPTIONS.get(error.field)
        raise click.ClickException(
            f"{option}: {in_english(error.message)}" if option else in_english(error.message)
        ) from None
    click.echo(f"created network {created.name!r} ({created.currency}, {created.locale})")


@network.command("show")
@with_appcontext
def show_command() -> None:
    """Print the network's settings."""
    try:
        current = Network.current(db.session)
    except DomainError as error:
        raise click.ClickException(in_english(error.message)) from None
    for key, value in settings(current).items():
        click.echo(f"{key:24} {value}")
