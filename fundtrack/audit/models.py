"""One audit event per change: who, when, what, and the values before and after."""

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column, validates

from fundtrack.extensions import db


class AuditAction(enum.StrEnum):
    """What an event did. Stored as text of at most ten characters; the audit trail shows
    each in words (fundtrack.labels.AUDIT_ACTION_LABELS)."""

    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    REOPEN = "reopen"  # a closed fiscal year opened again (fundtrack.centres.closing)
    ERASE = "erase"  # a donor's personal data erased (fundtrack.income.gdpr)
    IMPORT = "import"  # an onboarding workbook booked (fundtrack.imports.onboarding)
    SIGNED_IN = "sign-in"  # fundtrack.auth.events
    REFUSED = "sign-in-no"
    SIGNED_OUT = "sign-out"
    MFA_ON = "mfa-on"
    MFA_RESET = "mfa-reset"  # fundtrack.auth.operations
    SESSIONS_ENDED = "sess-end"
    MERGE = "merge"  # a donor merged into another (fundtrack.income.merge)
    UNMERGE = "unmerge"  # that merge undone


class AuditEvent(db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_entity", "entity", "entity_id"),
        Index("ix_audit_events_centre_at", "centre_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(server_default=func.now())
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    actor: Mapped[str] = mapped_column(String(254))
    action: Mapped[str] = mapped_column(String(10))  # an AuditAction
    entity: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str] = mapped_column(String(64))
    centre_id: Mapped[int | None]
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)

    @validates("action")
    def _known_action(self, _key, value):
        # An action the trail has no words for is refused when written, not shown raw later.
        return AuditAction(value).value
