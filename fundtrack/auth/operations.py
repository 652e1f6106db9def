"""What an admin does to accounts: create and change them (role, centre, password), reset
the second step, end the sessions.

Plain functions (Indico's operations shape): they check who acts, change, flush; the audit
hook records the account's changes (its secrets by name only), and the sign-in actions write
an event naming the admin as the actor and the user as the record; the caller commits.
The screens are the Users view and its "Sign-in security" page (admin/network_views.py).
"""

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundtrack.audit.models import AuditEvent
from fundtrack.auth import mfa, notices
from fundtrack.auth.access import NotAllowed
from fundtrack.auth.events import MFA_RESET
from fundtrack.auth.models import Role, User
from fundtrack.auth.sessions import end_all_sessions, sessions_of
from fundtrack.emails import normalise_email
from fundtrack.errors import Label, ValidationError
from fundtrack.operations import centre_by_code, refuse_unknown

# The audit log's action column holds ten characters.
SESSIONS_ENDED = "sess-end"


def _require_admin(admin: User) -> None:
    if not admin.is_admin:
        raise NotAllowed(
            _l("only an administrator may change another user's sign-in"), code="admin_only"
        )


ACCOUNT_FIELDS = ("email", "name", "role", "centre", "locale", "active", "password")


def _require_account_admin(admin: User) -> None:
    if not admin.is_admin:
        raise NotAllowed(_l("only admins manage accounts"), code="not_admin")


def _account_values(session: Session, admin: User | None, values: dict, user: User | None) -> dict:
    """The account's values checked: an email nobody else has, a role, and a centre exactly
    for a treasurer. `centre` is a centre's code; the password is set apart (`_set_password`).
    `admin` None is the operator at the console (`create_account_at_console`)."""
    refuse_unknown(values, ACCOUNT_FIELDS, "account")
    email = normalise_email(values.get("email"))
    taken = select(User.id).where(func.lower(User.email) == email)
    if user is not None and user.id is not None:
        taken = taken.where(User.id != user.id)
    with session.no_autoflush:
        if session.scalar(taken) is not None:
            raise ValidationError(
                "email", _l("%(email)s already has an account", email=email), code="email_taken"
            )
    try:
        role = Role(getattr(values.get("role"), "value", values.get("role")))
    except ValueError:
        raise ValidationError("role", _l("pick a role"), code="unknown_role") from None
    code = values.get("centre")
    centre = centre_by_code(session, admin, code) if code else None
    # The database refuses the mismatch too, but only with a constraint's name.
    if role == Role.TREASURER and centre is None:
        raise ValidationError(
            "centre", _l("a treasurer belongs to one centre; pick it"), code="centre_required"
        )
    if role != Role.TREASURER and centre is not None:
        raise ValidationError(
            "centre",
            _l(
                "only treasurers belong to a centre, not a %(role)s",
                role=Label("ROLE_LABELS", role),
            ),
            code="centre_not_allowed",
        )
    return {
        "email": email,
        "name": (values.get("name") or "").strip(),
        "role": role,
        "centre": centre,
        "locale": values.get("locale") or None,
        "active": bool(values.get("active", True)),
    }


def _set_password(user: User, password: str | None, required: bool) -> None:
    if password:
        user.set_password(password)  # WeakPassword (a ValidationError) names what is wrong
    elif required:
        raise ValidationError(
            "password", _l("a new account needs a password"), code="password_required"
        )


def create_user(session: Session, admin: User, values: dict) -> User:
    """A new account with a password; only admins (NotAllowed). ValidationError names the
    field: an email already taken, a treasurer without a centre, another role with one, a
    missing or weak password. Flushed; the caller commits."""
    _require_account_admin(admin)
    return _new_account(session, admin, values)


def _new_account(session: Session, admin: User | None, values: dict) -> User:
    user = User(**_account_values(session, admin, values, None))
    _set_password(user, values.get("password"), required=True)
    session.add(user)
    session.flush()
    return user


def create_account_at_console(session: Session, values: dict) -> User:
    """A new account made by the operator at the server (`flask users create`, the demo):
    whoever runs it holds the database, so no admin acts, but the account rules are
    `create_user`'s. Flushed; the caller commits."""
    return _new_account(session, None, values)


def update_user(session: Session, admin: User, user: User, values: dict) -> User:
    """Change an account (role, centre, email, name, language, active; a new password when
    one is given): the same checks as `create_user`. Flushed; the caller commits."""
    _require_account_admin(admin)
    current = {
        "email": user.email, "name": user.name, "role": user.role, "locale": user.locale,
        "centre": user.centre.code if user.centre else None, "active": user.active,
    }  # fmt: skip
    merged = current | values
    for name, value in _account_values(session, admin, merged, user).items():
        setattr(user, name, value)
    _set_password(user, values.get("password"), required=False)
    session.flush()
    return user


def delete_user(session: Session, admin: User, user: User) -> None:
    """Remove an account; only admins, and not their own (they would lock themselves out)."""
    _require_account_admin(admin)
    if user.id == admin.id:
        raise ValidationError("id", _l("you cannot remove your own account"), code="own_account")
    session.delete(user)
    session.flush()


def _audit(session: Session, admin: User, action: str, user: User, **after) -> None:
    ip = (request.remote_addr or "") if has_request_context() else ""
    session.add(
        AuditEvent(
            user_id=admin.id,
            actor=admin.email[:254],
            action=action,
            entity="users",
            entity_id=str(user.id),
            centre_id=user.centre_id,
            before=None,
            after={"user": user.email, "ip": ip} | after,
        )
    )
    session.flush()


def reset_second_step(session: Session, admin: User, user: User) -> int:
    """A lost phone: turn off the user's second step and end their sessions; they enrol
    again at their next sign-in. Only admins (NotAllowed). Returns the sessions ended."""
    _require_admin(admin)
    mfa.reset(session, user)
    notices.record(session, user, notices.MFA_RESET)
    ended = end_all_sessions(session, user.id)
    _audit(session, admin, MFA_RESET, user, sessions_ended=ended)
    return ended


def end_user_sessions(session: Session, admin: User, user: User) -> int:
    """Sign the user out everywhere (every session, every remember token). Only admins
    (NotAllowed). Returns how many sessions were open."""
    _require_admin(admin)
    ended = end_all_sessions(session, user.id)
    _audit(session, admin, SESSIONS_ENDED, user, sessions_ended=ended)
    return ended


def sign_in_state(session: Session, user: User) -> dict:
    """What the admin's page shows: the second step's state and the open sessions."""
    return {
        "mfa_enabled": user.mfa_enabled,
        "recovery_codes_left": mfa.recovery_codes_left(session, user) if user.mfa_enabled else 0,
        "sessions": sessions_of(session, user),
    }
