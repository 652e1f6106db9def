"""SEPA direct debit for Dutch centres: a donor's mandate, and the collections a centre sends
its bank, one pain.008 file per collection date.

Each instalment is in at most one collection item (a unique constraint): nothing is ever
collected twice for one instalment, whoever asks and however often.
"""

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from fundtrack.centres.models import Centre
from fundtrack.enums import enum_column
from fundtrack.errors import ValidationError
from fundtrack.extensions import db
from fundtrack.giving.models import Instalment
from fundtrack.income.models import Donor


class Sequence(enum.StrEnum):
    FIRST = "FRST"
    RECURRING = "RCUR"


class Mandate(db.Model):
    """A donor's signed permission for the centre to collect from their account."""

    __tablename__ = "mandates"
    __table_args__ = (
        UniqueConstraint("centre_id", "reference"),
        CheckConstraint("length(reference) > 0", name="reference_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    donor_id: Mapped[int] = mapped_column(ForeignKey("donors.id"), index=True)
    # The mandate reference (kenmerk machtiging), at most 35 characters: the bank's key.
    reference: Mapped[str] = mapped_column(String(35))
    signed_on: Mapped[date]
    iban: Mapped[str] = mapped_column(String(34))
    # The account changed: the next collection starts again with FRST.
    amended_on: Mapped[date | None]
    revoked_on: Mapped[date | None]
    # Flagged after the bank's return codes (fundtrack.giving.returns): not collected under
    # until a treasurer clears the flag; the reason is the return code that flagged it.
    flagged_on: Mapped[date | None]
    flag_reason: Mapped[str] = mapped_column(String(4), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    centre: Mapped[Centre] = relationship()
    donor: Mapped[Donor] = relationship()

    @validates("iban")
    def _check_iban(self, _key, value):
        from fundtrack.centres.orgnumbers import check_iban

        iban = check_iban(value)
        if not iban:
            from flask_babel import lazy_gettext as _l

            raise ValidationError("iban", _l("is required"), code="required")
        return iban


class Collection(db.Model):
    """One pain.008 file: the instalments collected on one date."""

    __tablename__ = "collections"

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    collection_date: Mapped[date]
    message_id: Mapped[str] = mapped_column(String(35), unique=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    centre: Mapped[Centre] = relationship()
    items: Mapped[list["CollectionItem"]] = relationship(
        back_populates="collection", order_by="CollectionItem.id"
    )


class CollectionItem(db.Model):
    """One instalment in a collection, under a mandate, first or recurring."""

    __tablename__ = "collection_items"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    collection_id: Mapped[int] = mapped_column(ForeignKey("collections.id"), index=True)
    # Never collected twice: one item per instalment, ever.
    instalment_id: Mapped[int] = mapped_column(ForeignKey("instalments.id"), unique=True)
    mandate_id: Mapped[int] = mapped_column(ForeignKey("mandates.id"), index=True)
    sequence: Mapped[Sequence] = mapped_column(enum_column(Sequence, "sepa_sequence"))
    amount: Mapped[Decimal]
    end_to_end_id: Mapped[str] = mapped_column(String(35), unique=True)
    # The bank returned, refused or refunded it (read from a camt.053/054 statement): the
    # instalment failed with the ISO reason code and stays unpaid; it is never collected again.
    returned_on: Mapped[date | None]
    return_reason: Mapped[str] = mapped_column(String(4), default="", server_default="")
    return_import_id: Mapped[int | None] = mapped_column(
        ForeignKey("imports.id", ondelete="SET NULL")
    )

    collection: Mapped[Collection] = relationship(back_populates="items")
    instalment: Mapped[Instalment] = relationship()
    mandate: Mapped[Mandate] = relationship()
