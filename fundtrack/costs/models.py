"""Costs per centre and year: the budget and the actual figures, by cost category."""

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from fundtrack.centres.models import Centre
from fundtrack.enums import enum_column
from fundtrack.extensions import db
from fundtrack.money import check_currency

if TYPE_CHECKING:
    from fundtrack.grants.models import Grant


class CostKind(enum.StrEnum):
    BUDGET = "budget"
    ACTUAL = "actual"


class CostCategory(enum.StrEnum):
    STAFF = "staff"
    HOUSING = "housing"
    ACTIVITIES = "activities"
    VOLUNTEERS = "volunteers"
    COMMUNICATION = "communication"
    ADMINISTRATION = "administration"
    OTHER = "other"


class CostLine(db.Model):
    __tablename__ = "cost_lines"
    __table_args__ = (
        CheckConstraint("amount >= 0", name="amount_not_negative"),
        CheckConstraint("year BETWEEN 1900 AND 2999", name="year_range"),
        CheckConstraint("length(currency) = 3", name="currency_code"),
        Index("ix_cost_lines_year_centre_kind", "year", "centre_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    # The lock guard needs the old year even when the row was expired by a commit.
    year: Mapped[int] = mapped_column(active_history=True)
    kind: Mapped[CostKind] = mapped_column(enum_column(CostKind, "cost_kind"))
    category: Mapped[CostCategory] = mapped_column(enum_column(CostCategory, "cost_category"))
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3))
    # Spending charged to an earmarked fund lowers that fund's balance.
    earmarked_fund_id: Mapped[int | None] = mapped_column(
        ForeignKey("earmarked_funds.id"), index=True
    )
    # Actual spending on a grant's project; its category meets the grant's budget line.
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("grants.id"), index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    # The day (or any day of the month) the money was spent, within the fiscal year: what a
    # grant report's spending by month reads. Empty for budget lines and undated spending.
    spent_on: Mapped[date | None]

    centre: Mapped[Centre] = relationship()
    grant: Mapped["Grant | None"] = relationship()

    @validates("currency")
    def _check_currency(self, _key, value):
        return check_currency(value)


class ActualsDeclaration(db.Model):
    """A centre's actual costs of a year, declared complete: from then on the year's figures
    stand on them instead of the budget.

    Until then one actual line booked in a running year would make a whole year's budget
    look like a few euros of costs; the row is the treasurer's (or the national office's)
    word that the actuals are all in. Closing a year writes it for every centre with actual
    lines that year.
    """

    __tablename__ = "actuals_declarations"
    __table_args__ = (
        UniqueConstraint("centre_id", "year"),
        CheckConstraint("year BETWEEN 1900 AND 2999", name="year_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    year: Mapped[int]
    declared_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # None when a migration or the closing of a year declared it.
    declared_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    centre: Mapped[Centre] = relationship()
