"""What the reports keep: the PDFs sent to grant makers, and the progress of report jobs."""

import enum
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, Text, func
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from fundtrack.auth.models import User
from fundtrack.enums import enum_column
from fundtrack.extensions import db
from fundtrack.grants.models import ReportObligation


class SentReport(db.Model):
    """The exact PDF a grant maker received for one report obligation ("sent is sent").

    Written once when the obligation is marked sent; never changed afterwards, so later
    changes to the books leave what the funder holds as it was.
    """

    __tablename__ = "sent_reports"
    __table_args__ = (
        CheckConstraint("length(sha256) = 64", name="sha256_hex"),
        CheckConstraint("size > 0", name="not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    obligation_id: Mapped[int] = mapped_column(
        ForeignKey("grant_report_obligations.id"), unique=True
    )
    filename: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(5))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    # Kept in the database: backed up, moved and rolled back with the books it reports on.
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime] = mapped_column(server_default=func.now())

    obligation: Mapped[ReportObligation] = relationship()
    sent_by: Mapped[User | None] = relationship()


class ReportDraft(db.Model):
    """What people write for a report before it is sent: the narrative and the language.

    One per report obligation; the grant report reads it, and sending keeps the PDF made
    from it in `SentReport`.
    """

    __tablename__ = "report_drafts"
    __table_args__ = (CheckConstraint("language IN ('nl', 'nb', 'en')", name="language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    obligation_id: Mapped[int] = mapped_column(
        ForeignKey("grant_report_obligations.id", ondelete="CASCADE"), unique=True
    )
    narrative: Mapped[str] = mapped_column(Text, default="")  # Markdown, raw HTML off
    language: Mapped[str] = mapped_column(String(5))
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    obligation: Mapped[ReportObligation] = relationship()


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ReportJob(db.Model):
    """A report built in the background: who asked, how far it is, and the PDF when done."""

    __tablename__ = "report_jobs"
    __table_args__ = (CheckConstraint("done >= 0 AND total >= 0", name="counts"),)

    # Random and unguessable: the job's URL is not a counter anyone can walk.
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    year: Mapped[int]
    language: Mapped[str] = mapped_column(String(5))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[JobState] = mapped_column(
        enum_column(JobState, "job_state"), default=JobState.QUEUED
    )
    done: Mapped[int] = mapped_column(default=0)
    total: Mapped[int] = mapped_column(default=0)
    error: Mapped[str] = mapped_column(Text, default="")
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    finished_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
