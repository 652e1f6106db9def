"""Yearly giving statements (jaaroverzicht giften) as issued, and the gifts each one covers.

The rule "never the same gift on two statements" is the database's, not the code's:

- a statement is `live` (TRUE) until it is voided, then `live` is NULL (never FALSE);
- each covered income line is a row of `giving_statement_lines` that copies its statement's
  `live` through a composite foreign key (statement_id, live) with ON UPDATE CASCADE, so
  voiding the statement releases its lines in the same UPDATE, and a line cannot be live
  while its statement is not (that key would point at nothing);
- UNIQUE (income_line_id, live) then allows one live row per income line, and any number of
  voided ones (NULLs are distinct): a second statement covering a gift is refused by the
  database whoever writes it, two issuers racing included.

A voided statement keeps its rows, its PDF and its hash for the audit; a reissue
(correction) voids the earlier statement and names it in `replaces_id`.
"""

from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    LargeBinary,
    String,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from fundtrack.auth.models import User
from fundtrack.centres.models import Centre
from fundtrack.extensions import db
from fundtrack.income.models import Donor


class GivingStatement(db.Model):
    """One yearly giving statement of a donor: the PDF as issued, who issued it, and whether
    it still stands."""

    __tablename__ = "giving_statements"
    __table_args__ = (
        CheckConstraint("live", name="live_or_null"),  # TRUE or NULL: NULL is voided
        CheckConstraint("(live IS NULL) = (voided_at IS NOT NULL)", name="voided_when_not_live"),
        CheckConstraint("language IN ('nl', 'nb', 'en')", name="language"),
        CheckConstraint("length(sha256) = 64", name="sha256_hex"),
        CheckConstraint("length(currency) = 3", name="currency_code"),
        CheckConstraint("total > 0", name="total_positive"),
        # The lines' composite foreign key points at this pair.
        UniqueConstraint("id", "live"),
        Index("ix_giving_statements_centre_year", "centre_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    donor_id: Mapped[int] = mapped_column(ForeignKey("donors.id"), index=True)
    year: Mapped[int]  # a calendar year: the tax year, whatever the fiscal year
    language: Mapped[str] = mapped_column(String(5))
    currency: Mapped[str] = mapped_column(String(3))
    total: Mapped[Decimal]
    # Of the total, what periodic-gift agreements brought in (fully deductible in NL).
    periodic_total: Mapped[Decimal]
    issued_at: Mapped[datetime] = mapped_column(server_default=func.now())
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int]
    # The PDF the donor received, byte for byte; NULL once the donor's data is erased (the
    # hash, the amounts and the lines stay).
    pdf: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    live: Mapped[bool | None] = mapped_column(default=True)
    voided_at: Mapped[datetime | None]
    voided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    void_reason: Mapped[str] = mapped_column(String(500), default="", server_default="")
    # The statement this one corrects (voided when this one was issued).
    replaces_id: Mapped[int | None] = mapped_column(ForeignKey("giving_statements.id"), unique=True)

    centre: Mapped[Centre] = relationship()
    donor: Mapped[Donor] = relationship()
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id])


class GivingStatementLine(db.Model):
    """An income line covered by a statement, with its amount as stated."""

    __tablename__ = "giving_statement_lines"
    __table_args__ = (
        CheckConstraint("live", name="live_or_null"),
        CheckConstraint("amount > 0", name="amount_positive"),
        ForeignKeyConstraint(
            ["statement_id", "live"],
            ["giving_statements.id", "giving_statements.live"],
            onupdate="CASCADE",
            name="fk_giving_statement_lines_statement_live",
        ),
        # The rule: one live statement per gift; voided rows (live NULL) are all kept.
        UniqueConstraint("income_line_id", "live"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("giving_statements.id"), index=True)
    # A stated gift cannot be deleted: the statement says the donor gave it.
    income_line_id: Mapped[int] = mapped_column(ForeignKey("income_lines.id"))
    amount: Mapped[Decimal]
    live: Mapped[bool | None] = mapped_column(default=True)
