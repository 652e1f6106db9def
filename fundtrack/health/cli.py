"""`flask doctor`: what this installation needs, checked, with what to do about each failure."""

import click
from flask.cli import with_appcontext

from fundtrack.health.checks import doctor


@click.command("doctor")
@with_appcontext
def doctor_command() -> None:
    """Check configuration, database, migrations, Redis, the worker, fonts and disk."""
    failed = 0
    for check in doctor():
        mark = "ok  " if check.ok else "FAIL"
        click.echo(f"{mark} {check.name:14} {check.detail}")
        if not check.ok:
            failed += 1
            click.echo(f"     {'':14} fix: {check.fix}")
    if failed:
        raise SystemExit(1)
