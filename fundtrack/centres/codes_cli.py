"""`flask codes check`: stored codes outside the alphabet, reported rather than rewritten."""

import click
from flask.cli import with_appcontext

from fundtrack.centres.codes import CODE_ALPHABET, codes_outside_alphabet
from fundtrack.extensions import db


@click.group()
def codes() -> None:
    """Region and centre codes."""


@codes.command("check")
@with_appcontext
def check_command() -> None:
    """List region and centre codes outside the alphabet; exit 1 when there are any."""
    found = codes_outside_alphabet(db.session)
    if not found:
        click.echo("Every region and centre code is in the alphabet.")
        return
    click.echo(f"Codes must be {CODE_ALPHABET}. These are not:")
    for kind, row_id, code in found:
        click.echo(f"  {kind} {row_id}: {code!r}")
    click.echo("Change them in the admin screens (Network > Regions / Centres) or the API.")
    raise SystemExit(1)
