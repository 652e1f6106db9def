"""`flask backup` and `flask restore`: a whole installation to one file and back."""

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from fundtrack.backup.archive import BackupError, make_backup, read_manifest, restore_backup
from fundtrack.errors import in_english
from fundtrack.extensions import db


def _revision() -> str:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as connection:
        return ",".join(sorted(MigrationContext.configure(connection).get_current_heads()))


@click.command("backup")
@click.option("--to", "folder", default=None, help="Folder for the archive (instance/backups).")
@with_appcontext
def backup_command(folder: str | None) -> None:
    """Write the database and the instance folder's files to one archive."""
    folder = folder or str(Path(current_app.instance_path, "backups"))
    try:
        archive = make_backup(
            current_app.config["SQLALCHEMY_DATABASE_URI"],
            current_app.instance_path,
            _revision(),
            folder,
        )
    except BackupError as error:
        raise click.ClickException(in_english(error.message)) from None
    click.echo(f"Backed up to {archive}")


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask: the current data is replaced.")
@with_appcontext
def restore_command(archive: str, yes: bool) -> None:
    """Replace the database and the instance files with those of ARCHIVE."""
    try:
        manifest = read_manifest(Path(archive))
    except BackupError as error:
        raise click.ClickException(in_english(error.message)) from None
    if not yes:
        click.confirm(
            f"Replace this installation's data with the backup of {manifest['made_at']}"
            f" (migration {manifest['revision']})?",
            abort=True,
        )
    db.session.remove()
    db.engine.dispose()  # nothing of ours holds the database while it is replaced
    try:
        restore_backup(archive, current_app.config["SQLALCHEMY_DATABASE_URI"],
                       current_app.instance_path)  # fmt: skip
    except BackupError as error:
        raise click.ClickException(in_english(error.message)) from None
    click.echo(f"Restored the backup of {manifest['made_at']}; now run `flask db upgrade`.")
