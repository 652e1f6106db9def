"""Donors' national identity numbers, and the yearly reports of deductible gifts to the
Norwegian tax office (fundtrack.giving.tax_report).

A number is kept in a table of its own, encrypted (fundtrack.auth.sealed): only its last
digits stand in the clear, for the masked form every screen shows. A report run records what
was sent (per donor: the number, sealed again, and the amount) so that a correction knows it.
"""

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundtrack.enums import enum_column
from fundtrack.extensions import db
from fundtrack.income.models import Donor


class NationalIdKind(enum.StrEnum):
    FODSELSNUMMER = "fodselsnummer"
    D_NUMBER = "d_number"
    ORGANISATION_NUMBER = "organisation_number"
    BSN = "bsn"


class GiftReportKind(enum.StrEnum):
    ORDINARY = "ordinary"
    CORRECTION = "correction"


class DonorNationalId(db.Model):
    """A donor's fødselsnummer, D-number, organisation number or BSN, and whether they asked
    for their gifts to be reported to the tax office."""

    __tablename__ = "donor_national_ids"
    __table_args__ = (
        CheckConstraint(
            "NOT consent_to_report OR consent_recorded_on IS NOT NULL", name="consent_dated"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    donor_id: Mapped[int] = mapped_column(ForeignKey("donors.id", ondelete="CASCADE"), unique=True)
    # The donor's centre, for scoping and the audit trail's centre.
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    kind: Mapped[NationalIdKind] = mapped_column(enum_column(NationalIdKind, "national_id_kind"))
    # Fernet with the keys of fundtrack.auth.sealed; never the number in the clear.
    number_sealed: Mapped[str] = mapped_column(Text)
    last_digits: Mapped[str] = mapped_column(String(3))
    consent_to_report: Mapped[bool] = mapped_column(default=False)
    consent_recorded_on: Mapped[date | None]
    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())

    donor: Mapped[Donor] = relationship()


class GiftReportRun(db.Model):
    """One file of a year's deductible gifts as produced for the tax office: a centre's, or
    the network's on behalf of its centres (centre_id None)."""

    __tablename__ = "gift_report_runs"
    __table_args__ = (
        CheckConstraint("year BETWEEN 2000 AND 2999", name="year_plausible"),
        Index("ix_gift_report_runs_centre_year", "centre_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"))
    year: Mapped[int]
    kind: Mapped[GiftReportKind] = mapped_column(enum_column(GiftReportKind, "gift_report_kind"))
    # The reporting organisation (oppgavegiver) and the file's own reference.
    organisation_number: Mapped[str] = mapped_column(String(9))
    reference: Mapped[str] = mapped_column(String(100), unique=True)
    donors: Mapped[int]
    total: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    file_sha256: Mapped[str] = mapped_column(String(64))
    produced_at: Mapped[datetime] = mapped_column(server_default=func.now())
    produced_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    lines: Mapped[list["GiftReportLine"]] = relationship(
        back_populates="run", cascade="all, delete-orphan"
    )


class GiftReportLine(db.Model):
    """What a run reported for one number: the amount in whole kroner (0 withdraws an earlier
    report). The number is sealed like the donor's; erasing the donor clears it."""

    __tablename__ = "gift_report_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(
        ForeignKey("gift_report_runs.id", ondelete="CASCADE"), index=True
    )
    donor_id: Mapped[int | None] = mapped_column(
        ForeignKey("donors.id", ondelete="SET NULL"), index=True
    )
    kind: Mapped[NationalIdKind] = mapped_column(enum_column(NationalIdKind, "national_id_kind"))
    number_sealed: Mapped[str | None] = mapped_column(Text)
    last_digits: Mapped[str | None] = mapped_column(String(3))
    amount: Mapped[Decimal]

    run: Mapped[GiftReportRun] = relationship(back_populates="lines")
