"""`flask --app fundtrack onboard FILE [--dry-run]`: the network onboarding workbook from the
command line, checked like an upload and created in one transaction (or not at all)."""

import hashlib
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from fundtrack.audit.actor import acting_as
from fundtrack.auth.models import Role, User
from fundtrack.centres.locks import current_network
from fundtrack.errors import DomainError
from fundtrack.extensions import db
from fundtrack.imports import files
from fundtrack.imports.entries import ImportFileError
from fundtrack.imports.onboarding import operations as onboarding


@click.command("onboard")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="read and check everything, create nothing")
@click.option("--user", "email", default=None, help="create as this user (default: the system)")
@click.option("--locale", default=None, help="how amounts typed as text are written (nl, nb, en)")
@with_appcontext
def onboard_command(file: Path, dry_run: bool, email: str | None, locale: str | None):
    """Import a network onboarding workbook: regions, centres, funders, agreements, costs and
    income (the template is at /imports/onboarding/template.xlsx)."""
    session = db.session
    user = User(role=Role.ADMIN)
    if email:
        user = session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None:
            raise click.ClickException(f"no user {email}")
    locale = locale or current_network(session).locale
    digest = hashlib.sha256()
    try:
        files.check_size(file.stat().st_size, max(files.max_bytes(current_app.config), 1))
        with open(file, "rb") as stream:
            head = stream.read(8192)
            digest.update(head)
            while chunk := stream.read(1024 * 1024):
                digest.update(chunk)
        if files.detect_kind(head, file) != files.XLSX:
            raise onboarding.not_a_workbook()
        with acting_as(f"flask onboard {file.name}", user.id):
            data = onboarding.preview(session, user, file, locale)
            errors = onboarding.errors_of(data)
            if not errors and not dry_run:
                data = onboarding.commit(session, user, file, locale, filename=file.name,
                                         sha256=digest.hexdigest())  # fmt: skip
    except (DomainError, ImportFileError, PermissionError) as error:
        session.rollback()
        message = getattr(error, "message", None) or str(error)
        raise click.ClickException(message) from None
    if dry_run or errors:
        session.rollback()
    else:
        session.commit()
    for sheet in data["sheets"]:
        counts = sheet["counts"]
        click.echo(f"{sheet['sheet']}: {counts['create']} "
                   f"{'to create' if dry_run else 'created'}, {counts['present']} already there,"
                   f" {counts['error']} in error")  # fmt: skip
    for sheet, row, column, message in errors:
        click.echo(f"{sheet}, row {row}, {column}: {message}", err=True)
    if errors:
        raise click.ClickException(f"{len(errors)} rows in error: nothing was written")
    if dry_run:
        click.echo("dry run: nothing was written")
