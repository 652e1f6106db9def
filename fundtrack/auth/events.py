"""Sign-ins, refusals and sign-outs in the audit log, next to the changes of the books."""

from flask import request

from fundtrack.audit.models import AuditEvent
from fundtrack.auth.models import User
from fundtrack.extensions import db

# The audit log's action column holds ten characters.
SIGNED_IN = "sign-in"
REFUSED = "sign-in-no"
SIGNED_OUT = "sign-out"
MFA_ON = "mfa-on"
MFA_RESET = "mfa-reset"


def record(action: str, user: User | None, email: str = "", **detail) -> None:
    """Add an audit event for an account: who (or which e-mail was tried), from where, why.

    Never the password or a code. The caller commits.
    """
    after = {"ip": request.remote_addr or ""} | {k: v for k, v in detail.items() if v}
    db.session.add(
        AuditEvent(
            user_id=user.id if user else None,
            actor=(user.email if user else email or "anonymous")[:254],
            action=action,
            entity="users",
            entity_id=str(user.id) if user else "-",
            centre_id=user.centre_id if user else None,
            before=None,
            after=after,
        )
    )
