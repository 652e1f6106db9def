"""A donor's recurring gift and the instalments expected from it.

Instalments are generated rows, not computed on the fly: each expected payment needs an
identity that an income line, a direct-debit collection and a bank's return can point to,
and the database's unique constraints are what keep one line from paying two instalments
(and, later, one instalment from being collected twice). Late and lapsed are then plain SQL
aggregates over these rows (fundtrack.giving.queries).
"""

import enum
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from fundtrack.centres.models import Centre
from fundtrack.enums import enum_column
from fundtrack.extensions import db
from fundtrack.income.models import Donor, EarmarkedFund, IncomeLine
from fundtrack.money import check_currency


class Frequency(enum.StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    YEARLY = "yearly"

    @property
    def months(self) -> int:
        return {"monthly": 1, "quarterly": 3, "yearly": 12}[self.value]


class PaymentMethod(enum.StrEnum):
    BANK_TRANSFER = "bank_transfer"
    DIRECT_DEBIT = "direct_debit"
    OTHER = "other"


class RecurringGift(db.Model):
    """A donor's promise to give the same amount every month, quarter or year."""

    __tablename__ = "recurring_gifts"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("length(currency) = 3", name="currency_code"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    donor_id: Mapped[int] = mapped_column(ForeignKey("donors.id"), index=True)
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    frequency: Mapped[Frequency] = mapped_column(enum_column(Frequency, "gift_frequency"))
    start_date: Mapped[date]
    end_date: Mapped[date | None]  # None: until the donor stops
    earmarked_fund_id: Mapped[int | None] = mapped_column(
        ForeignKey("earmarked_funds.id"), index=True
    )
    payment_method: Mapped[PaymentMethod] = mapped_column(
        enum_column(PaymentMethod, "payment_method")
    )
    # The donor's own words for it ("maandgift Jansen"): personal data, erased with the donor.
    reference: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    centre: Mapped[Centre] = relationship()
    donor: Mapped[Donor] = relationship()
    earmarked_fund: Mapped[EarmarkedFund | None] = relationship()
    instalments: Mapped[list["Instalment"]] = relationship(
        back_populates="gift", cascade="all, delete-orphan", order_by="Instalment.due_date"
    )

    @validates("currency")
    def _check_currency(self, _key, value):
        return check_currency(value)


class Instalment(db.Model):
    """One payment expected from a recurring gift on its due date, and the line that paid it."""

    __tablename__ = "instalments"
    __table_args__ = (
        UniqueConstraint("recurring_gift_id", "due_date"),
        CheckConstraint("amount > 0", name="amount_positive"),
        Index("ix_instalments_centre_due", "centre_id", "due_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recurring_gift_id: Mapped[int] = mapped_column(
        ForeignKey("recurring_gifts.id", ondelete="CASCADE")
    )
    # The gift's centre again, so a centre's list filters and scopes without a join.
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    due_date: Mapped[date]
    amount: Mapped[Decimal]
    # One line pays at most one instalment; deleting the line makes the instalment open again.
    income_line_id: Mapped[int | None] = mapped_column(
        ForeignKey("income_lines.id", ondelete="SET NULL"), unique=True
    )

    gift: Mapped[RecurringGift] = relationship(back_populates="instalments")
    income_line: Mapped[IncomeLine | None] = relationship()


class AgreementKind(enum.StrEnum):
    # A Dutch periodic gift (periodieke gift): fully deductible when agreed for at least five
    # years at a fixed yearly amount, with a transaction number and the charity's RSIN.
    PERIODIC_GIFT = "periodic_gift"
    # A Norwegian pledge (givaravtale): a yearly amount promised for some years, in NOK.
    PLEDGE = "pledge"


# The Belastingdienst's minimum term of a periodic gift.
PERIODIC_MIN_YEARS = 5


class GiftAgreement(db.Model):
    """A signed agreement behind a yearly recurring gift: the Dutch periodic gift or the
    Norwegian pledge. The gift holds the donor, the yearly amount and the years; its
    instalments are the years expected, each paid or not."""

    __tablename__ = "gift_agreements"
    __table_args__ = (
        UniqueConstraint("centre_id", "transaction_number"),
        CheckConstraint("years >= 1", name="years_positive"),
        CheckConstraint(
            f"kind != 'periodic_gift' OR years >= {PERIODIC_MIN_YEARS}", name="periodic_five_years"
        ),
        CheckConstraint("length(transaction_number) > 0", name="transaction_number_given"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    recurring_gift_id: Mapped[int] = mapped_column(
        ForeignKey("recurring_gifts.id", ondelete="CASCADE"), unique=True
    )
    kind: Mapped[AgreementKind] = mapped_column(enum_column(AgreementKind, "gift_agreement_kind"))
    # The centre's own number for the agreement, asked for on the donor's tax return.
    transaction_number: Mapped[str] = mapped_column(String(40))
    years: Mapped[int]
    donor_signed_on: Mapped[date]
    centre_signed_on: Mapped[date | None]
    # Who signs for the centre, and in what role (the form's last section).
    centre_signatory: Mapped[str] = mapped_column(String(200), default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    centre: Mapped[Centre] = relationship()
    gift: Mapped[RecurringGift] = relationship()
