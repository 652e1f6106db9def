"""Earmarked funds' balances: the one place they are computed.

A fund's balance is the income allocated to it minus the actual costs charged to it.

- income allocated to a fund is its lines' whole amounts and its parts of split lines
  (income.splits): a gift of 100 split 60/40 counts 60 in one fund and 40 in the other;

- "for the year" is what the fund received and spent in one fiscal year (income by its
  fiscal year, costs by their year);
- "to date" is everything booked up to and including that year: the fund's balance at the
  year's end (for the running year, what is in the fund now);
- only actual costs count: a budget line is a plan, not money spent;
- a fund belongs to one centre and a centre books in one currency, so each balance is in
  its centre's currency.

The sums are correlated scalar subqueries on the lines' fund indexes, so a list of funds is
one statement whatever the size of the ledger, and the admin list and the API add them to
their own query (`with_balances`) rather than asking per fund.
"""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, with_expression

from fundtrack.auth.access import visible
from fundtrack.auth.models import User
from fundtrack.centres.models import Centre, Network
from fundtrack.costs.models import CostKind, CostLine
from fundtrack.income.models import EarmarkedFund, IncomeLine, IncomeLineFund
from fundtrack.money import CENT

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class FundBalance:
    """One fund's money in one fiscal year and up to the end of it."""

    fund_id: int
    centre_id: int
    centre_code: str
    name: str
    currency: str
    year: int
    income_year: Decimal
    costs_year: Decimal
    income_to_date: Decimal
    costs_to_date: Decimal

    @property
    def balance_year(self) -> Decimal:
        """What the fund gained (or, negative, spent beyond its income) in the year."""
        return self.income_year - self.costs_year

    @property
    def balance(self) -> Decimal:
        """What is left in the fund at the end of the year (to date)."""
        return self.income_to_date - self.costs_to_date


def running_year(session: Session) -> int:
    """The fiscal year under way today: the balances' default year."""
    return Network.current(session).fiscal_year_of(date.today())


def _money(value) -> Decimal:
    # SQLite sums NUMERIC as floating point: back to exact cents.
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def _in_year(stmt, year: int, this_year_only: bool):
    if this_year_only:
        return stmt.where(IncomeLine.fiscal_year == year)
    return stmt.where(IncomeLine.fiscal_year <= year)


def _income(year: int, this_year_only: bool):
    """The fund's whole lines plus its parts of split lines (a split line names no fund)."""
    whole = select(func.coalesce(func.sum(IncomeLine.amount), 0)).where(
        IncomeLine.earmarked_fund_id == EarmarkedFund.id
    )
    parts = (
        select(func.coalesce(func.sum(IncomeLineFund.amount), 0))
        .join(IncomeLine, IncomeLine.id == IncomeLineFund.income_line_id)
        .where(IncomeLineFund.earmarked_fund_id == EarmarkedFund.id)
    )
    whole, parts = (
        _in_year(stmt, year, this_year_only).correlate(EarmarkedFund).scalar_subquery()
        for stmt in (whole, parts)
    )
    return whole + parts


def _costs(year: int, this_year_only: bool):
    stmt = select(func.coalesce(func.sum(CostLine.amount), 0)).where(
        CostLine.earmarked_fund_id == EarmarkedFund.id, CostLine.kind == CostKind.ACTUAL
    )
    if this_year_only:
        stmt = stmt.where(CostLine.year == year)
    else:
        stmt = stmt.where(CostLine.year <= year)
    return stmt.correlate(EarmarkedFund).scalar_subquery()


def balance_columns(year: int) -> dict:
    """The four sums of a fund row as SQL expressions correlated to `earmarked_funds`."""
    return {
        "income_year": _income(year, True),
        "costs_year": _costs(year, True),
        "income_to_date": _income(year, False),
        "costs_to_date": _costs(year, False),
    }


def with_balances(stmt, year: int):
    """`stmt` (selecting EarmarkedFund, a Select or a legacy Query) loading each fund's
    `balance` (to date) and `balance_year` in the same statement."""
    sums = balance_columns(year)
    return stmt.options(
        with_expression(EarmarkedFund.balance, sums["income_to_date"] - sums["costs_to_date"]),
        with_expression(EarmarkedFund.balance_year, sums["income_year"] - sums["costs_year"]),
    )


def fund_balances(
    session: Session,
    user: User,
    centre_id: int | None = None,
    year: int | None = None,
) -> list[FundBalance]:
    """The balance of every fund the user may see (of one centre when `centre_id` is
    given) for `year` (default: the running fiscal year), by centre and name.

    One statement whatever the number of funds or lines.
    """
    year = running_year(session) if year is None else year
    sums = balance_columns(year)
    stmt: Select = (
        visible(EarmarkedFund, user)
        .with_only_columns(
            EarmarkedFund.id,
            EarmarkedFund.centre_id,
            EarmarkedFund.name,
            Centre.code,
            Centre.currency,
            *(column.label(name) for name, column in sums.items()),
        )
        .join(Centre, Centre.id == EarmarkedFund.centre_id)
        .order_by(Centre.code, EarmarkedFund.name, EarmarkedFund.id)
    )
    if centre_id is not None:
        stmt = stmt.where(EarmarkedFund.centre_id == centre_id)
    return [
        FundBalance(
            fund_id=row.id,
            centre_id=row.centre_id,
            centre_code=row.code,
            name=row.name,
            currency=row.currency,
            year=year,
            income_year=_money(row.income_year),
            costs_year=_money(row.costs_year),
            income_to_date=_money(row.income_to_date),
            costs_to_date=_money(row.costs_to_date),
        )
        for row in session.execute(stmt)
    ]


def money(value) -> Decimal | None:
    """A balance loaded by `with_balances` as exact cents (None when it was not loaded)."""
    return None if value is None else _money(value)


__all__ = [
    "FundBalance",
    "balance_columns",
    "fund_balances",
    "money",
    "running_year",
    "with_balances",
]
