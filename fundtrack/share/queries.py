"""The few SQL statements behind every funding-share figure, and the calendar they need.

Each function runs one statement whatever the number of centres or lines; callers loop only
over the small aggregated rows (centres x years x categories).
"""

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from typing import NamedTuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import Row, case, func, select, true
from sqlalchemy.orm import Session

from fundtrack.auth.access import scoped, visible
from fundtrack.auth.models import User
from fundtrack.centres.models import Centre, Network, Region
from fundtrack.costs.basis import line_declared
from fundtrack.costs.models import CostLine
from fundtrack.errors import NotFound
from fundtrack.income.models import FundingAgreement, IncomeLine, IncomeSummary
from fundtrack.share.classification import (
    classified_agreements,
    join_rule,
    structural_expression,
)


def visible_centres(
    session: Session, user: User, region_code: str | None = None, centre_code: str | None = None
) -> list[Row]:
    """The centres (with their region) the user may see, narrowed to a region or a centre.

    Raises NotFound (a LookupError) for a centre code that does not exist or that the user
    may not see (both alike, so nobody learns what another centre holds), and for a region
    code that names no region the user can see a centre of (a national user asking for an
    existing region without centres gets an empty list).
    """
    stmt = (
        visible(Centre, user)
        .with_only_columns(
            Centre.id,
            Centre.code,
            Centre.name,
            Centre.active,
            Region.id.label("region_id"),
            Region.code.label("region_code"),
            Region.name.label("region_name"),
        )
        .join(Region, Region.id == Centre.region_id)
        .order_by(Region.code, Centre.code)
    )
    if region_code is not None:
        stmt = stmt.where(Region.code == region_code)
    if centre_code is not None:
        stmt = stmt.where(Centre.code == centre_code)
    rows = list(session.execute(stmt))
    if rows:
        return rows
    if centre_code is not None:
        raise NotFound(
            "centre", _l("no centre with code %(code)s", code=repr(centre_code)),
            code="unknown_centre",
        )  # fmt: skip
    if region_code is not None and not (
        user.sees_all_centres
        and session.scalar(select(Region.id).where(Region.code == region_code))
    ):
        raise NotFound(
            "region", _l("no region with code %(code)s", code=repr(region_code)),
            code="unknown_region",
        )  # fmt: skip
    return rows


def _in_centres(column, centre_ids: Sequence[int] | None):
    # None means every centre: no filter, so the planner reads the year's lines plainly.
    return true() if centre_ids is None else column.in_(centre_ids)


def income_totals(
    session: Session, centre_ids: Sequence[int] | None, years: int | Sequence[int] | None
) -> list:
    """Rows (centre_id, fiscal_year, category, total, structural) summed per centre, year and
    category, read from `income_summary` (a few rows per centre and year, whatever the
    number of lines).

    `structural` is the part of the total whose agreement is structural (None when no part),
    classified by `structural_expression()` now, so a changed rule counts at once. Amounts
    are summed as integer cents and returned as Decimal: exact on both databases.
    """
    classified = classified_agreements()
    cents = func.sum(IncomeSummary.cents)
    stmt = (
        select(
            IncomeSummary.centre_id,
            IncomeSummary.fiscal_year,
            IncomeSummary.category,
            cents.label("cents"),
            func.sum(case((classified.c.structural, IncomeSummary.cents))).label("structural"),
        )
        .outerjoin(classified, classified.c.id == IncomeSummary.agreement_key)
        .where(IncomeSummary.lines > 0, _in_centres(IncomeSummary.centre_id, centre_ids))
    )
    stmt = stmt.where(_in_years(IncomeSummary.fiscal_year, years))
    stmt = stmt.group_by(IncomeSummary.centre_id, IncomeSummary.fiscal_year, IncomeSummary.category)
    return [
        IncomeTotal(
            row.centre_id,
            row.fiscal_year,
            row.category,
            _from_cents(row.cents),
            None if row.structural is None else _from_cents(row.structural),
        )
        for row in session.execute(stmt)
    ]


def summary_line_totals(session: Session, user: User, equal: Sequence[tuple[str, object]]) -> list:
    """Rows (currency, lines, total) of the income lines the user may see whose
    `income_summary` key columns equal the values in `equal` ((column name, value) pairs:
    centre_id, fiscal_year, category, agreement_key), per currency, oldest code first.

    What the admin income list counts and sums when its filters are of these columns only:
    the summary's rows (a few per centre, year and agreement) instead of the lines. A
    centre keeps one currency once it has lines (`centres.operations`), so the summary's
    centre gives the lines' currency.
    """
    lines = func.sum(IncomeSummary.lines)
    stmt = (
        select(Centre.currency, lines, func.sum(IncomeSummary.cents))
        .join(Centre, Centre.id == IncomeSummary.centre_id)
        .where(*(getattr(IncomeSummary, name) == value for name, value in equal))
        .group_by(Centre.currency)
        .having(lines > 0)
        .order_by(Centre.currency)
    )
    stmt = scoped(stmt, IncomeSummary, user)
    return [(currency, int(n), _from_cents(cents)) for currency, n, cents in session.execute(stmt)]


class IncomeTotal(NamedTuple):
    centre_id: int
    fiscal_year: int
    category: str
    total: Decimal
    structural: Decimal | None


def _from_cents(cents) -> Decimal:
    return Decimal(int(cents)).scaleb(-2)


def income_line_totals(
    session: Session, centre_ids: Sequence[int] | None, year: int | None
) -> list:
    """`income_totals` summed from the lines themselves: what `income_summary` must equal
    (tests/test_share_summary.py), and the way to check a database's summary by hand.

    `structural` is the part of the total whose agreement is structural (None when no part),
    classified by `structural_expression()` inside the same statement.
    """
    classified = classified_agreements()
    stmt = (
        select(
            IncomeLine.centre_id,
            IncomeLine.fiscal_year,
            IncomeLine.category,
            func.sum(IncomeLine.amount).label("total"),
            func.sum(case((classified.c.structural, IncomeLine.amount))).label("structural"),
        )
        .outerjoin(classified, classified.c.id == IncomeLine.agreement_id)
        .where(_in_centres(IncomeLine.centre_id, centre_ids))
    )
    if year is not None:
        stmt = stmt.where(IncomeLine.fiscal_year == year)
    stmt = stmt.group_by(IncomeLine.centre_id, IncomeLine.fiscal_year, IncomeLine.category)
    return list(session.execute(stmt))


def _in_years(column, years: int | Sequence[int] | None):
    # An int is one year; a pair (first, last) every year between; None every year.
    if years is None:
        return true()
    if isinstance(years, int):
        return column == years
    first, last = years
    return column.between(first, last)


def cost_totals(
    session: Session, centre_ids: Sequence[int] | None, years: int | Sequence[int] | None
) -> list:
    """Rows (centre_id, year, kind, total, declared): the budget and the actual costs per
    centre and year, and whether that centre-year's actuals are declared complete (which
    decides the basis: `fundtrack.costs.basis.costs_basis`). One statement."""
    declared = line_declared()
    stmt = select(
        CostLine.centre_id,
        CostLine.year,
        CostLine.kind,
        func.sum(CostLine.amount).label("total"),
        declared.label("declared"),
    ).where(_in_centres(CostLine.centre_id, centre_ids), _in_years(CostLine.year, years))
    stmt = stmt.group_by(CostLine.centre_id, CostLine.year, CostLine.kind)
    return list(session.execute(stmt))


def latest_year_before(
    session: Session, centre_ids: Sequence[int] | None, before: int
) -> int | None:
    """The latest fiscal year before `before` with income or costs of these centres.

    Two MAX statements that walk the (year, centre, ...) indexes backwards: what a page
    showing one year needs to pick its default, without summing every year on record.
    """
    income = session.scalar(
        select(func.max(IncomeLine.fiscal_year)).where(
            IncomeLine.fiscal_year < before, _in_centres(IncomeLine.centre_id, centre_ids)
        )
    )
    costs = session.scalar(
        select(func.max(CostLine.year)).where(
            CostLine.year < before, _in_centres(CostLine.centre_id, centre_ids)
        )
    )
    years = [year for year in (income, costs) if year is not None]
    return max(years) if years else None


def structural_agreements(
    session: Session,
    centre_ids: Sequence[int] | None,
    period_start: date | None = None,
    period_end: date | None = None,
) -> list:
    """Rows (centre_id, start_date, end_date, annual_amount) of the structural agreements
    overlapping [period_start, period_end) (all of them when no period is given)."""
    stmt = join_rule(
        select(
            FundingAgreement.centre_id,
            FundingAgreement.start_date,
            FundingAgreement.end_date,
            FundingAgreement.annual_amount,
        )
    ).where(structural_expression(), _in_centres(FundingAgreement.centre_id, centre_ids))
    if period_end is not None:
        stmt = stmt.where(FundingAgreement.start_date < period_end)
    if period_start is not None:
        stmt = stmt.where(
            FundingAgreement.end_date.is_(None) | (FundingAgreement.end_date >= period_start)
        )
    return list(session.execute(stmt))


def fiscal_year_bounds(network: Network, year: int) -> tuple[date, date]:
    """First day of the fiscal year and the first day after it."""
    month = network.fiscal_year_start_month
    return date(year, month, 1), date(year + 1, month, 1)


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def months_covered(start: date, end: date | None, period_start: date, period_end: date) -> int:
    """Whole calendar months of [period_start, period_end) that [start, end] covers entirely.

    A treasurer counts on a month of subsidy only when the agreement runs the whole month:
    an agreement ending 30 June covers January to June (6), one ending 15 July also 6,
    one starting 15 March covers April onwards. Agreements on month boundaries, the usual
    case, count exactly the months they run.
    """
    first = max(start, period_start)
    last = min(end, period_end - timedelta(days=1)) if end else period_end - timedelta(days=1)
    if first > last:
        return 0
    first_month = _month_index(first) + (0 if first.day == 1 else 1)
    last_month = _month_index(last) - (0 if (last + timedelta(days=1)).day == 1 else 1)
    return max(0, last_month - first_month + 1)
