"""`flask giving extend`: keep open-ended recurring gifts' instalments two years ahead (daily)."""

import click
from flask.cli import with_appcontext

from fundtrack.extensions import db
from fundtrack.giving.operations import extend_instalments


@click.group()
def giving() -> None:
    """Recurring gifts."""


@giving.command("extend")
@with_appcontext
def extend_command() -> None:
    """Plan the instalments of running gifts up to two years ahead; run it once a day."""
    made = extend_instalments(db.session)
    db.session.commit()
    click.echo(f"{made} instalments planned.")
