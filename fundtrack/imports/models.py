"""What an import keeps: the file it came from, its counts and state, and the column
mappings and counterparty choices a centre confirmed, to offer them again next time."""

import enum
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundtrack.auth.models import User
from fundtrack.centres.models import Centre
from fundtrack.enums import enum_column
from fundtrack.extensions import db


class ImportState(enum.StrEnum):
    UPLOADED = "uploaded"  # waiting for its column mapping or its preview
    PREVIEWING = "previewing"  # a background job is reading it
    PREVIEWED = "previewed"  # the preview is ready to check and correct
    BOOKING = "booking"  # a background job is booking it
    BOOKED = "booked"
    UNDONE = "undone"
    FAILED = "failed"
    ABANDONED = "abandoned"


class Import(db.Model):
    """One file imported into one centre's books: every line it booked carries its id."""

    __tablename__ = "imports"
    __table_args__ = (
        CheckConstraint("length(sha256) = 64", name="sha256_hex"),
        CheckConstraint(
            "rows_total >= 0 AND rows_booked >= 0 AND rows_duplicate >= 0"
            " AND rows_skipped >= 0 AND rows_error >= 0 AND new_donors >= 0",
            name="counts",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # The name the user's computer gave the file: shown, never used as a path.
    filename: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(10))
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    size: Mapped[int]
    state: Mapped[ImportState] = mapped_column(
        enum_column(ImportState, "import_state"), default=ImportState.UPLOADED
    )
    # Random name of the kept upload in instance/imports/ until booked or abandoned.
    token: Mapped[str | None] = mapped_column(String(32))
    # Encoding, delimiter, column mapping and the user's counterparty choices.
    options: Mapped[dict] = mapped_column(JSON, default=dict)
    rows_total: Mapped[int] = mapped_column(default=0)
    rows_booked: Mapped[int] = mapped_column(default=0)
    rows_duplicate: Mapped[int] = mapped_column(default=0)
    rows_skipped: Mapped[int] = mapped_column(default=0)
    rows_error: Mapped[int] = mapped_column(default=0)
    new_donors: Mapped[int] = mapped_column(default=0)
    # What booking did (donors created, lines reversed), so that undoing can take it back.
    # The preview itself waits as a file beside the upload: it is no record of the books.
    outcome: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    booked_at: Mapped[datetime | None]
    undone_at: Mapped[datetime | None]

    centre: Mapped[Centre] = relationship()
    user: Mapped[User | None] = relationship()


class ImportProfile(db.Model):
    """A centre's confirmed choices for a kind of file: a spreadsheet layout's columns, or
    which donor, funder or agreement an IBAN or a name stands for."""

    __tablename__ = "import_profiles"
    __table_args__ = (UniqueConstraint("centre_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id", ondelete="CASCADE"))
    # "columns:<header>" for a mapping, "match:<iban or name>" for a counterparty.
    key: Mapped[str] = mapped_column(String(600))
    value: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())
