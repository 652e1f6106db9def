"""What an admin does to another user's account: reset the second step, end the sessions.

Plain functions (Indico's operations shape): they check who acts, change, flush, and write
an audit event naming the admin as the actor and the user as the record; the caller commits.
The screen is the Users view's "Sign-in security" page (admin/network_views.py).
"""

from flask import has_request_context, request
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from fundtrack.audit.models import AuditEvent
from fundtrack.auth import mfa, notices
from fundtrack.auth.access import NotAllowed
from fundtrack.auth.events import MFA_RESET
from fundtrack.auth.models import User
from fundtrack.auth.sessions import end_all_sessions, sessions_of

# The audit log's action column holds ten characters.
SESSIONS_ENDED = "sess-end"


def _require_admin(admin: User) -> None:
    if not admin.is_admin:
        raise NotAllowed(
            _l("only an administrator may change another user's sign-in"), code="admin_only"
        )


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
