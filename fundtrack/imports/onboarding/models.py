"""What a committed onboarding workbook created, so that it can be undone as a whole."""

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundtrack.auth.models import User
from fundtrack.enums import enum_column
from fundtrack.extensions import db


class OnboardingState(enum.StrEnum):
    BOOKED = "booked"
    UNDONE = "undone"


class Onboarding(db.Model):
    """One workbook created by the national office: per sheet the ids of the rows it made."""

    __tablename__ = "onboardings"
    __table_args__ = (CheckConstraint("length(sha256) = 64", name="sha256_hex"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # The name the user's computer gave the file: shown, never used as a path.
    filename: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    state: Mapped[OnboardingState] = mapped_column(
        enum_column(OnboardingState, "onboarding_state"), default=OnboardingState.BOOKED
    )
    # Per sheet: rows created, already present (skipped).
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
    # Per sheet: the ids of the rows created, in the order they were created.
    created: Mapped[dict] = mapped_column(JSON, default=dict)
    booked_at: Mapped[datetime] = mapped_column(server_default=func.now())
    undone_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship()
