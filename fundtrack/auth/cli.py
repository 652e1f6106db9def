"""`flask users ...`: create and list accounts. Passwords never come from argv."""

import sys

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from fundtrack.audit.actor import acting_as
from fundtrack.auth import notices, sealed
from fundtrack.auth.models import Role, User
from fundtrack.auth.operations import create_account_at_console
from fundtrack.centres.models import Centre
from fundtrack.emails import normalise_email
from fundtrack.errors import DomainError, in_english
from fundtrack.extensions import db

# The option that gives each account field on the command line.
OPTIONS = {"email": "EMAIL", "role": "--role", "centre": "--centre", "name": "--name",
           "password": "password"}  # fmt: skip


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\n")


@click.group()
def users() -> None:
    """Manage user accounts."""


@users.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--centre", "centre_code", help="Centre code (treasurers only).")
@click.option("--name", default="", help="Full name.")
@with_appcontext
def create_command(email: str, role: str, centre_code: str | None, name: str) -> None:
    """Create an account; the password is asked for, or read from stdin when piped."""
    values = {"email": email, "role": role, "centre": centre_code, "name": name,
              "password": _read_password()}  # fmt: skip
    try:
        with acting_as("cli: users create"):
            user = create_account_at_console(db.session, values)
            db.session.commit()
    except DomainError as error:
        db.session.rollback()
        option = OPTIONS.get(error.field)
        words = in_english(error.message)
        raise click.ClickException(f"{option}: {words}" if option else words) from None
    click.echo(f"created {user.email} ({user.role.value})")


@users.command("list")
@with_appcontext
def list_command() -> None:
    """List accounts with their role and centre."""
    rows = db.session.execute(
        select(User.email, User.role, Centre.code, User.active)
        .outerjoin(Centre, User.centre_id == Centre.id)
        .order_by(User.email)
    )
    for email, role, centre_code, active in rows:
        state = "" if active else "  (inactive)"
        click.echo(f"{email:40} {role.value:10} {centre_code or '-':10}{state}")


@users.command("token")
@click.argument("email")
@click.option("--name", default="", help="What the token is for, e.g. the donation platform.")
@click.option("--scope", type=click.Choice(["read", "write"]), default="read", show_default=True)
@click.option("--days", type=click.IntRange(1, 366), default=90, show_default=True)
@with_appcontext
def token_command(email: str, name: str, scope: str, days: int) -> None:
    """Print a new API token for the account; only its hash is stored, so keep it safe.

    This is the operator's path and asks for no second step: whoever runs it on the server
    already holds the database, SECRET_KEY and the TOTP keys, so a code would prove nothing.
    Users make their own tokens on /account/tokens, which needs a fresh sign-in with the
    second step.
    """
    from fundtrack.auth.tokens import issue_token

    user = db.session.scalars(select(User).where(User.email == email.strip().lower())).first()
    if user is None:
        raise click.ClickException(f"no account with e-mail address {email}")
    try:
        with acting_as("cli: users token"):
            _row, token = issue_token(db.session, user, name, scope=scope, days=days)
            db.session.commit()
    except ValueError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from None
    click.echo(token)


@users.command("reset-mfa")
@click.argument("email")
@with_appcontext
def reset_mfa_command(email: str) -> None:
    """Turn off a user's second sign-in step (a lost phone); they enrol again at sign-in."""
    from fundtrack.auth import mfa
    from fundtrack.auth.sessions import end_all_sessions

    user = db.session.scalars(select(User).where(User.email == normalise_email(email))).first()
    if user is None:
        raise click.ClickException(f"no account with e-mail address {email}")
    with acting_as("cli: users reset-mfa"):
        mfa.reset(db.session, user)
        notices.record(db.session, user, notices.MFA_RESET)
        end_all_sessions(db.session, user.id)
        db.session.commit()
    click.echo(f"{user.email} sets up the second step again at the next sign-in")


@users.command("reseal")
@with_appcontext
def reseal_command() -> None:
    """Encrypt every stored TOTP secret and donor's national identity number again with the
    first key of FUNDTRACK_TOTP_KEYS.

    To rotate the key: put a new one first (FUNDTRACK_TOTP_KEYS=new,old), restart, run this,
    then drop the old key.
    """
    rows = db.session.scalars(select(User).where(User.mfa_secret_encrypted.is_not(None))).all()
    for user in rows:
        user.mfa_secret_encrypted = sealed.reseal(user.mfa_secret_encrypted)
    from fundtrack.giving.national_ids import reseal_all

    numbers = reseal_all(db.session)
    with acting_as("cli: users reseal"):
        db.session.commit()
    click.echo(f"{len(rows)} secret(s) encrypted with the first key")
    click.echo(f"{numbers} national identity number(s) encrypted with the first key")
