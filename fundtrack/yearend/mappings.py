"""The national office's year-end mappings as the figures read them, with their defaults.

- expense group of a cost category: the office's row, else `DEFAULT_GROUPS`; asked in SQL by
  `expense_group_expression()` so the statement's costs are summed per group in one statement;
- account of a line: the most specific of the office's rows (category within a fund, then the
  fund, then the category), else `DEFAULT_ACCOUNTS`;
- the bank/clearing account and the funder that is the network's national office:
  `settings()`, a row made on first change (the defaults until then).
"""

from dataclasses import dataclass

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from fundtrack.costs.models import CostCategory, CostLine
from fundtrack.income.models import IncomeCategory
from fundtrack.yearend.models import (
    ExpenseGroup,
    ExpenseGroupMapping,
    JournalAccount,
    PostingSide,
    YearEndSettings,
)

# What a walk-in centre's costs are for, until the national office says otherwise:
# communication is mostly asking for money and volunteers; administration is management.
DEFAULT_GROUPS = {
    CostCategory.STAFF: ExpenseGroup.OBJECTIVES,
    CostCategory.HOUSING: ExpenseGroup.OBJECTIVES,
    CostCategory.ACTIVITIES: ExpenseGroup.OBJECTIVES,
    CostCategory.VOLUNTEERS: ExpenseGroup.OBJECTIVES,
    CostCategory.COMMUNICATION: ExpenseGroup.FUNDRAISING,
    CostCategory.ADMINISTRATION: ExpenseGroup.ADMINISTRATION,
    CostCategory.OTHER: ExpenseGroup.OBJECTIVES,
}

# Accounts in the Dutch reference chart's manner (8xxx income, 4xxx costs, 1100 bank).
DEFAULT_ACCOUNTS = {
    (PostingSide.INCOME, IncomeCategory.INDIVIDUALS.value): "8000",
    (PostingSide.INCOME, IncomeCategory.COMPANIES.value): "8010",
    (PostingSide.INCOME, IncomeCategory.LOTTERY.value): "8020",
    (PostingSide.INCOME, IncomeCategory.GOVERNMENT.value): "8030",
    (PostingSide.INCOME, IncomeCategory.AFFILIATED_NONPROFITS.value): "8040",
    (PostingSide.INCOME, IncomeCategory.OTHER_NONPROFITS.value): "8050",
    (PostingSide.INCOME, IncomeCategory.INSURERS_AND_CARE.value): "8100",
    (PostingSide.INCOME, IncomeCategory.OTHER.value): "8900",
    (PostingSide.COST, CostCategory.STAFF.value): "4000",
    (PostingSide.COST, CostCategory.HOUSING.value): "4100",
    (PostingSide.COST, CostCategory.ACTIVITIES.value): "4200",
    (PostingSide.COST, CostCategory.VOLUNTEERS.value): "4300",
    (PostingSide.COST, CostCategory.COMMUNICATION.value): "4400",
    (PostingSide.COST, CostCategory.ADMINISTRATION.value): "4500",
    (PostingSide.COST, CostCategory.OTHER.value): "4900",
}
DEFAULT_CLEARING = "1100"


def expense_groups(session: Session) -> dict[CostCategory, ExpenseGroup]:
    """Every cost category with the expense group it is in now."""
    chosen = {
        row.category: row.expense_group
        for row in session.execute(
            select(ExpenseGroupMapping.category, ExpenseGroupMapping.expense_group)
        )
    }
    return {category: chosen.get(category, DEFAULT_GROUPS[category]) for category in CostCategory}


def expense_group_expression(session: Session):
    """SQL: the expense group of the (correlated) cost line's category, the office's choice
    or the default. A CASE over the seven categories: no join, whatever the ledger's size."""
    groups = expense_groups(session)
    return case(
        *((CostLine.category == category, group.value) for category, group in groups.items()),
        else_=ExpenseGroup.OBJECTIVES.value,
    )


@dataclass(frozen=True)
class Settings:
    clearing_account: str
    national_office_funder_id: int | None
    national_office_funder: str | None  # its name, for the screens


def settings(session: Session) -> Settings:
    """The clearing account and the national office's funder (defaults before any change)."""
    row = session.get(YearEndSettings, 1)
    if row is None:
        return Settings(DEFAULT_CLEARING, None, None)
    funder = row.national_office_funder
    return Settings(row.clearing_account, row.national_office_funder_id, funder and funder.name)


class Accounts:
    """The account of every line, resolved from the office's rows read once."""

    def __init__(self, session: Session):
        rows = session.execute(
            select(JournalAccount.side, JournalAccount.category, JournalAccount.earmarked_fund_id,
                   JournalAccount.account)
        ).all()  # fmt: skip
        self._rows = {(r.side, r.category, r.earmarked_fund_id): r.account for r in rows}

    def of(self, side: PostingSide, category: str, fund_id: int | None) -> str:
        """The most specific account: category within the fund, the fund, the category,
        the default."""
        for key in ((side, category, fund_id), (side, None, fund_id), (side, category, None)):
            if key in self._rows:
                return self._rows[key]
        return DEFAULT_ACCOUNTS[(side, category)]
