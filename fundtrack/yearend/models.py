"""The national office's year-end mappings: expense groups, journal accounts, settings."""

import enum

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from fundtrack.costs.models import CostCategory
from fundtrack.enums import enum_column
from fundtrack.extensions import db
from fundtrack.income.models import EarmarkedFund, Funder


class ExpenseGroup(enum.StrEnum):
    """Where RJ 650 (and the Norwegian standard) put a cost: the three groups of expenses."""

    OBJECTIVES = "objectives"
    FUNDRAISING = "fundraising"
    ADMINISTRATION = "administration"


class PostingSide(enum.StrEnum):
    """Which lines an account mapping is for: income lines or cost lines."""

    INCOME = "income"
    COST = "cost"


class ExpenseGroupMapping(db.Model):
    """The expense group the national office puts a cost category in (without a row: the
    default of `fundtrack.yearend.mappings.DEFAULT_GROUPS`)."""

    __tablename__ = "yearend_expense_groups"

    category: Mapped[CostCategory] = mapped_column(
        enum_column(CostCategory, "yearend_cost_category"), primary_key=True
    )
    expense_group: Mapped[ExpenseGroup] = mapped_column(enum_column(ExpenseGroup, "expense_group"))


class JournalAccount(db.Model):
    """The ledger account the accountant books a line on: for a category, for an earmarked
    fund, or for a category within a fund (the most specific row wins; without one the
    default of `fundtrack.yearend.mappings.DEFAULT_ACCOUNTS`)."""

    __tablename__ = "yearend_accounts"
    __table_args__ = (
        CheckConstraint(
            "category IS NOT NULL OR earmarked_fund_id IS NOT NULL", name="category_or_fund"
        ),
        CheckConstraint("length(account) > 0", name="account_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    side: Mapped[PostingSide] = mapped_column(enum_column(PostingSide, "posting_side"))
    # An IncomeCategory value for income, a CostCategory value for costs; None: any category.
    category: Mapped[str | None] = mapped_column(String(32))
    earmarked_fund_id: Mapped[int | None] = mapped_column(
        ForeignKey("earmarked_funds.id", ondelete="CASCADE"), index=True
    )
    account: Mapped[str] = mapped_column(String(20))

    earmarked_fund: Mapped[EarmarkedFund | None] = relationship()


class YearEndSettings(db.Model):
    """The network's year-end settings (a single row, made on first change)."""

    __tablename__ = "yearend_settings"
    __table_args__ = (
        CheckConstraint("id = 1", name="single_row"),
        CheckConstraint("length(clearing_account) > 0", name="clearing_not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, default=1)
    # The bank/clearing account every posting's other side goes to.
    clearing_account: Mapped[str] = mapped_column(String(20), default="1100")
    # The funder that is the network's own national office: what it passes on to centres is
    # eliminated when centres are consolidated (`fundtrack.yearend.eliminations`).
    national_office_funder_id: Mapped[int | None] = mapped_column(
        ForeignKey("funders.id", ondelete="SET NULL")
    )

    national_office_funder: Mapped[Funder | None] = relationship()
