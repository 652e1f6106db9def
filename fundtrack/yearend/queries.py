"""The year-end statement's SQL: costs per expense group and the earmarked funds' movements.

Income comes from `fundtrack.share.queries.income_totals` (the funding share's own query on
the income summary) and the eliminations from `fundtrack.yearend.eliminations`; each function
here is one statement whatever the number of lines, returning a few rows per centre.
"""

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundtrack.costs.models import ActualsDeclaration, CostLine
from fundtrack.income.funds import balance_columns
from fundtrack.income.models import EarmarkedFund
from fundtrack.share.queries import _in_centres, _in_years
from fundtrack.yearend.mappings import expense_group_expression


def cost_group_totals(
    session: Session, centre_ids: Sequence[int] | None, years: int | Sequence[int]
) -> list:
    """Rows (centre_id, year, kind, category, expense_group, total): budget and actual costs
    per centre, year and cost category, with the expense group the national office's mapping
    puts the category in (grouped by the category itself: a CASE in GROUP BY would repeat its
    parameters, which PostgreSQL does not take for the same expression)."""
    group = expense_group_expression(session).label("expense_group")
    stmt = (
        select(
            CostLine.centre_id,
            CostLine.year,
            CostLine.kind,
            CostLine.category,
            group,
            func.sum(CostLine.amount).label("total"),
        )
        .where(_in_centres(CostLine.centre_id, centre_ids), _in_years(CostLine.year, years))
        .group_by(CostLine.centre_id, CostLine.year, CostLine.kind, CostLine.category)
    )
    return list(session.execute(stmt))


def declared_centres(session: Session, centre_ids: Sequence[int] | None, year: int) -> set[int]:
    """The centres whose actual costs of `year` are declared complete."""
    stmt = select(ActualsDeclaration.centre_id).where(
        ActualsDeclaration.year == year, _in_centres(ActualsDeclaration.centre_id, centre_ids)
    )
    return set(session.scalars(stmt))


def fund_movements(session: Session, centre_ids: Sequence[int] | None, year: int) -> list:
    """Rows (id, centre_id, name, income_year, costs_year, income_to_date, costs_to_date) of
    every earmarked fund of the centres, with the sums `fundtrack.income.funds` defines for a
    fund's balance (the same SQL the fund lists use)."""
    sums = balance_columns(year)
    stmt = (
        select(
            EarmarkedFund.id,
            EarmarkedFund.centre_id,
            EarmarkedFund.name,
            *(column.label(name) for name, column in sums.items()),
        )
        .where(_in_centres(EarmarkedFund.centre_id, centre_ids))
        .order_by(EarmarkedFund.centre_id, EarmarkedFund.name, EarmarkedFund.id)
    )
    return list(session.execute(stmt))
