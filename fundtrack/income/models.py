"""Funders, funding agreements, donors, earmarked funds and the income lines themselves."""

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from schwifty import IBAN
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
    func,
    inspect,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship, validates

from fundtrack.centres.models import Centre
from fundtrack.enums import enum_column
from fundtrack.errors import ValidationError
from fundtrack.extensions import db
from fundtrack.money import check_currency

if TYPE_CHECKING:
    from fundtrack.grants.models import Grant


class FunderType(enum.StrEnum):
    MUNICIPALITY = "municipality"
    PROVINCE = "province"
    NATIONAL_GOVERNMENT = "national_government"
    HEALTH_INSURER = "health_insurer"
    CARE_PARTNER = "care_partner"
    AFFILIATED_NONPROFIT = "affiliated_nonprofit"
    FOUNDATION = "foundation"
    LOTTERY = "lottery"
    COMPANY = "company"
    INDIVIDUAL = "individual"
    OTHER = "other"


class IncomeCategory(enum.StrEnum):
    """The RJ 650 income categories of a Dutch fundraising organisation."""

    INDIVIDUALS = "individuals"
    COMPANIES = "companies"
    LOTTERY = "lottery_organisations"
    GOVERNMENT = "government_subsidies"
    AFFILIATED_NONPROFITS = "affiliated_nonprofits"
    OTHER_NONPROFITS = "other_nonprofits"
    INSURERS_AND_CARE = "insurers_and_care"
    OTHER = "other"


class IncomeSource(enum.StrEnum):
    MANUAL = "manual"
    IMPORT = "import"
    API = "api"


class DonorKind(enum.StrEnum):
    PERSON = "person"
    ORGANISATION = "organisation"


class Funder(db.Model):
    __tablename__ = "funders"
    __table_args__ = (
        CheckConstraint(
            "auditor_statement_threshold IS NULL OR auditor_statement_threshold > 0",
            name="threshold_positive",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    type: Mapped[FunderType] = mapped_column(enum_column(FunderType, "funder_type"), index=True)
    # A report on a grant above this amount needs an auditor's statement (Stiftelsen Dam:
    # NOK 300,000); None: the funder never asks for one.
    auditor_statement_threshold: Mapped[Decimal | None]
    # Funders are shared by the network, except a private person (a bequest, a donor who
    # signs an agreement): that funder belongs to the one centre that added it.
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"), index=True)
    # fundtrack.auth.access: rows without a centre are everybody's.
    shared_without_centre = True

    centre: Mapped[Centre | None] = relationship()

    def __str__(self) -> str:
        return self.name


class StructuralRule(db.Model):
    """The national office's rule: is agreed income from this funder type structural?"""

    __tablename__ = "structural_rules"

    funder_type: Mapped[FunderType] = mapped_column(
        enum_column(FunderType, "rule_funder_type"), primary_key=True
    )
    structural_by_default: Mapped[bool]
    note: Mapped[str] = mapped_column(String(500), default="")


class FundingAgreement(db.Model):
    """What a funder agreed to pay a centre, and whether that counts as structural."""

    __tablename__ = "funding_agreements"
    __table_args__ = (
        CheckConstraint("annual_amount > 0", name="annual_amount_positive"),
        CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
        CheckConstraint("length(currency) = 3", name="currency_code"),
        CheckConstraint(
            "structural_override IS NULL"
            " OR (override_reason IS NOT NULL AND length(override_reason) > 0)",
            name="override_has_reason",
        ),
        Index("ix_funding_agreements_centre_dates", "centre_id", "start_date", "end_date"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    funder_id: Mapped[int] = mapped_column(ForeignKey("funders.id"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    title: Mapped[str] = mapped_column(String(200), default="")
    start_date: Mapped[date]
    end_date: Mapped[date | None]  # None: open-ended
    recurring: Mapped[bool] = mapped_column(default=False)
    annual_amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    # None follows the funder type's rule; True/False is the national office's override.
    structural_override: Mapped[bool | None]
    override_reason: Mapped[str | None] = mapped_column(String(500))
    # Four eyes: what a treasurer adds that would count as structural counts as incidental
    # until the national office confirms it.
    awaiting_confirmation: Mapped[bool] = mapped_column(default=False, server_default=false())

    funder: Mapped[Funder] = relationship()
    centre: Mapped[Centre] = relationship()

    @validates("currency")
    def _check_currency(self, _key, value):
        return check_currency(value)

    @property
    def multi_year(self) -> bool:
        return self.end_date is None or (self.end_date - self.start_date).days > 366

    def __str__(self) -> str:
        return f"{self.funder.name if self.funder else '?'}: {self.title or self.start_date}"


class Donor(db.Model):
    """A person or organisation giving to one centre; personal data under the GDPR."""

    __tablename__ = "donors"
    __table_args__ = (
        CheckConstraint("length(name) > 0", name="name_not_empty"),
        CheckConstraint("language IS NULL OR language IN ('nl', 'nb', 'en')", name="language"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    kind: Mapped[DonorKind] = mapped_column(enum_column(DonorKind, "donor_kind"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(40))
    address: Mapped[str | None] = mapped_column(String(300))
    postcode: Mapped[str | None] = mapped_column(String(20))
    city: Mapped[str | None] = mapped_column(String(100))
    iban: Mapped[str | None] = mapped_column(String(34))
    # What the donor reads: nl, nb or en; NULL follows the network's language
    # (fundtrack.giving.statement_data.donor_language).
    language: Mapped[str | None] = mapped_column(String(5))
    consent_contact: Mapped[bool] = mapped_column(default=False)
    consent_newsletter: Mapped[bool] = mapped_column(default=False)
    consent_recorded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # The donor this one was merged into (fundtrack.income.merge): the row stays, so its id
    # is never given to another donor and an undo finds it, but nobody picks it any more.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("donors.id"), index=True)

    centre: Mapped[Centre] = relationship()

    @classmethod
    def not_merged(cls):
        """The SQL condition for the donors that exist as themselves: every list and picker
        of donors asks it (fundtrack.auth.access hides merged donors)."""
        return cls.merged_into_id.is_(None)

    @validates("iban")
    def _check_iban(self, _key, value):
        if value in (None, ""):
            return None
        try:
            return IBAN(value).compact
        except ValueError:
            raise ValidationError(
                "iban", _l("%(typed)s is not a valid IBAN", typed=repr(value)), code="invalid_iban"
            ) from None

    def __str__(self) -> str:
        return self.name


class EarmarkedFund(db.Model):
    """Restricted money of a centre that may only be spent on its purpose."""

    __tablename__ = "earmarked_funds"
    __table_args__ = (UniqueConstraint("centre_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(Text, default="")
    end_date: Mapped[date | None]

    centre: Mapped[Centre] = relationship()
    # Loaded only when a query asks for them (fundtrack.income.funds.with_balances), in the
    # same statement: the balance at a fiscal year's end and that year's own result.
    balance: Mapped[Decimal | None] = query_expression()
    balance_year: Mapped[Decimal | None] = query_expression()

    def __str__(self) -> str:
        return self.name


class IncomeLine(db.Model):
    """One amount received by a centre. Structural or not follows from its agreement."""

    __tablename__ = "income_lines"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("length(currency) = 3", name="currency_code"),
        CheckConstraint("funder_id IS NULL OR donor_id IS NULL", name="funder_or_donor"),
        UniqueConstraint("centre_id", "external_id"),
        Index("ix_income_lines_centre_year", "centre_id", "fiscal_year"),
        Index("ix_income_lines_year_centre_category", "fiscal_year", "centre_id", "category"),
        # A page of the list in booking-date order, the network's or one centre's (0005_lists).
        Index("ix_income_lines_booking_date", "booking_date", "id"),
        Index("ix_income_lines_centre_booking", "centre_id", "booking_date", "id"),
        # An import's "already booked by bank reference" lookup (0008_reference).
        Index("ix_income_lines_centre_reference", "centre_id", "reference"),
        # The list's search for an imported line's id, matched whole (0026_external_id_search).
        Index(
            "ix_income_lines_external_id",
            "external_id",
            postgresql_where=text("external_id IS NOT NULL"),
            sqlite_where=text("external_id IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    # The lock guard needs the old date even when the row was expired by a commit.
    booking_date: Mapped[date] = mapped_column(active_history=True)
    # Derived from booking_date and the network's first fiscal month when the line is saved.
    fiscal_year: Mapped[int]
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    category: Mapped[IncomeCategory] = mapped_column(enum_column(IncomeCategory, "income_category"))
    funder_id: Mapped[int | None] = mapped_column(ForeignKey("funders.id"), index=True)
    donor_id: Mapped[int | None] = mapped_column(ForeignKey("donors.id"), index=True)
    agreement_id: Mapped[int | None] = mapped_column(
        ForeignKey("funding_agreements.id"), index=True
    )
    earmarked_fund_id: Mapped[int | None] = mapped_column(
        ForeignKey("earmarked_funds.id"), index=True
    )
    # The grant this money is a disbursement of (from its funder) or co-funds.
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("grants.id"), index=True)
    reference: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    source: Mapped[IncomeSource] = mapped_column(
        enum_column(IncomeSource, "income_source"), default=IncomeSource.MANUAL
    )
    external_id: Mapped[str | None] = mapped_column(String(200))
    # The file import that booked this line (fundtrack.imports), undone together.
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())

    centre: Mapped[Centre] = relationship()
    funder: Mapped[Funder | None] = relationship()
    donor: Mapped[Donor | None] = relationship()
    agreement: Mapped[FundingAgreement | None] = relationship()
    earmarked_fund: Mapped[EarmarkedFund | None] = relationship()
    grant: Mapped["Grant | None"] = relationship()
    # A line split over several funds (fundtrack.income.splits): its parts, and then no
    # earmarked_fund of its own. Deleted with the line (loaded first, so each is audited).
    fund_parts: Mapped[list["IncomeLineFund"]] = relationship(
        back_populates="line",
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="IncomeLineFund.id",
    )

    @validates("currency")
    def _check_currency(self, _key, value):
        return check_currency(value)


class IncomeLineFund(db.Model):
    """One earmarked fund's part of a split income line, in the line's currency.

    The parts of a line add up to its amount exactly; fundtrack.income.splits keeps that
    rule (and a deferred trigger checks it again on PostgreSQL, migration 0022).
    """

    __tablename__ = "income_line_funds"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        UniqueConstraint("income_line_id", "earmarked_fund_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    income_line_id: Mapped[int] = mapped_column(
        ForeignKey("income_lines.id", ondelete="CASCADE"), index=True
    )
    earmarked_fund_id: Mapped[int] = mapped_column(ForeignKey("earmarked_funds.id"), index=True)
    amount: Mapped[Decimal]

    line: Mapped[IncomeLine] = relationship(back_populates="fund_parts")
    earmarked_fund: Mapped[EarmarkedFund] = relationship()

    def owning_line(self) -> IncomeLine | None:
        """The line this part is (or, just taken off it, was) of."""
        if self.line is not None:
            return self.line
        taken_off = inspect(self).attrs.line.history.deleted
        return taken_off[0] if taken_off else None

    @property
    def centre_id(self) -> int | None:
        """The line's centre: the audit log files a part under it."""
        line = self.owning_line()
        return line.centre_id if line is not None else None


class IncomeSummary(db.Model):
    """The ledger's income summed per centre, fiscal year, category and agreement, in cents.

    Kept exact by database triggers on `income_lines` (migration 0007_summary), so every
    write counts, whether it comes through the ORM, a bulk import or plain SQL; never written
    by the application. The funding share's trend reads these few thousand rows instead of
    every line on record; tests/test_share_summary.py checks them against the lines.
    `agreement_key` is the agreement's id, 0 for lines without one (a key cannot be NULL).
    """

    __tablename__ = "income_summary"

    centre_id: Mapped[int] = mapped_column(
        ForeignKey("centres.id", ondelete="CASCADE"), primary_key=True
    )
    fiscal_year: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(32), primary_key=True)
    agreement_key: Mapped[int] = mapped_column(primary_key=True)
    cents: Mapped[int] = mapped_column(BigInteger)
    lines: Mapped[int]
