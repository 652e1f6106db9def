"""`flask --app fundtrack import FILE --centre CODE [--dry-run]`: a statement or a list of
income into a centre's books from the command line, with a progress bar."""

import re
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from fundtrack.audit.actor import acting_as
from fundtrack.auth.models import Role, User
from fundtrack.centres.models import Centre
from fundtrack.errors import DomainError, from_stored, in_english
from fundtrack.extensions import db
from fundtrack.imports import files
from fundtrack.imports.entries import ImportFileError
from fundtrack.imports.service import import_file

_ROW_MARKS = {files.CAMT: rb"<(?:\w+:)?TxDtls[ >]|<(?:\w+:)?Ntry[ >]", files.MT940: rb"(?m)^:61:"}


def estimate_rows(path: Path, kind: str) -> int:
    """About how many rows the file holds, for the bar (read in chunks, never whole)."""
    pattern = re.compile(_ROW_MARKS.get(kind, rb"\n"))
    count = 0
    with open(path, "rb") as stream:
        while chunk := stream.read(4 * 1024 * 1024):
            count += len(pattern.findall(chunk))
    return max(count, 1)


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--centre", "code", required=True, help="the centre's code")
@click.option("--dry-run", is_flag=True, help="read and check everything, book nothing")
@click.option("--user", "email", default=None, help="book as this user (default: the system)")
@with_appcontext
def import_command(file: Path, code: str, dry_run: bool, email: str | None):
    """Import a camt.053 or MT940 statement, or a CSV or XLSX list, into a centre's income."""
    session = db.session
    user = User(role=Role.ADMIN)
    if email:
        user = session.scalar(select(User).where(User.email == email.strip().lower()))
        if user is None:
            raise click.ClickException(f"no user {email}")
    centre = session.scalar(select(Centre).where(Centre.code == code))
    if centre is None:
        raise click.ClickException(f"no centre with code {code!r}")
    with open(file, "rb") as stream:
        head = stream.read(8192)
    try:
        kind = files.detect_kind(head, file)
    except ImportFileError as error:
        raise click.ClickException(in_english(error)) from None
    rows = estimate_rows(file, kind)
    limit = max(files.max_bytes(current_app.config), file.stat().st_size)
    label = "checking" if dry_run else "importing"
    with (
        acting_as(f"flask import {file.name}", user.id),
        click.progressbar(length=rows * (1 if dry_run else 2), label=label) as bar,
    ):
        last = {"done": 0}

        def progress(done: int) -> None:
            # Reading counts rows from 0, then booking counts lines from 0 again.
            if done < last["done"]:
                last["done"] = 0
            bar.update(done - last["done"])
            last["done"] = done

        try:
            record, data = import_file(
                session, user, centre, file, current_app.instance_path, limit=limit,
                dry_run=dry_run, progress=progress,
            )  # fmt: skip
        except (DomainError, ImportFileError) as error:
            session.rollback()
            message = in_english(error if isinstance(error, ImportFileError) else error.message)
            raise click.ClickException(message) from None
        if dry_run:
            session.rollback()
        else:
            session.commit()
    counts = data["counts"]
    click.echo(
        f"{data['rows_total']} rows: {counts['book']} "
        f"{'to book' if dry_run else 'booked'} ({data['total']} {data['currency']}),"
        f" {counts['duplicate']} already booked,"
        f" {counts['skipped'] + counts['reverse']} not income, {counts['error']} in error"
    )
    if dry_run:
        click.echo("dry run: nothing was written")
    else:
        click.echo(
            f"import {record.id}: {record.rows_booked} lines, {record.new_donors} new donors"
        )
    for row in data["rows"] + data["more_errors"]:
        if row["status"] == "error":
            for column, message in row["errors"]:
                click.echo(
                    f"row {row['row']}, {column}: {in_english(from_stored(message))}", err=True
                )
