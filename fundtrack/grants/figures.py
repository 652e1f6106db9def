"""A grant's money, true to the ledger: the one place received, spent and remaining are summed.

- received: income lines booked against the grant from the grant's funder (its tranches);
- co-funding: the other income lines booked against the grant (other funders, donors);
- spent: actual cost lines booked against the grant; per budget line, those of its category;
- remaining: received + co-funding - spent (money in hand for the project);
- still to come: the award - received (None before an award).

Every function runs a fixed number of statements whatever the number of grants or lines;
SQLite sums NUMERIC in floating point, so each sum is brought back to cents here. Screens,
the API, exports and the PDF reports call these; none adds up lines itself.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import Select, and_, case, func, or_, select, true
from sqlalchemy.orm import Session, joinedload

from fundtrack.auth.access import visible
from fundtrack.auth.models import User
from fundtrack.centres.models import Centre, Network
from fundtrack.costs.models import CostCategory, CostKind, CostLine
from fundtrack.grants.models import (
    Grant,
    GrantAllocation,
    GrantBudgetLine,
    ReportKind,
    ReportObligation,
)
from fundtrack.income.models import IncomeLine
from fundtrack.money import CENT

ZERO = Decimal("0.00")


def money(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class BudgetRow:
    category: str  # CostCategory value
    description: str
    budgeted: Decimal
    spent: Decimal

    @property
    def left(self) -> Decimal:
        return self.budgeted - self.spent


@dataclass(frozen=True)
class GrantMoney:
    grant_id: int
    received: Decimal = ZERO
    co_funding: Decimal = ZERO
    spent: Decimal = ZERO
    awarded: Decimal | None = None
    budget: list[BudgetRow] = field(default_factory=list)

    @property
    def remaining(self) -> Decimal:
        return self.received + self.co_funding - self.spent

    @property
    def still_to_come(self) -> Decimal | None:
        return None if self.awarded is None else max(ZERO, self.awarded - self.received)

    @property
    def budgeted(self) -> Decimal:
        return sum((row.budgeted for row in self.budget), ZERO)


@dataclass(frozen=True)
class Period:
    """The days a report covers. `only` is true for an interim report: then its money is the
    income booked and the spending dated within those days, and spending with no date counts
    in the period that holds the end of its fiscal year (`undated_years`; its day is unknown,
    so it is placed where it can be counted once; that of the year still running at its end,
    `undated_later`, is a later report's). Else the report covers the whole project and its
    money is every line booked on the grant."""

    start: date
    end: date
    only: bool = False
    undated_years: tuple[int, ...] = ()
    undated_later: int | None = None

    def income(self):
        """The condition on income lines (none for the whole project)."""
        return IncomeLine.booking_date.between(self.start, self.end) if self.only else true()

    def costs(self):
        """The condition on cost lines: dated within the period, or undated of a fiscal year
        ending within it (none for the whole project)."""
        if not self.only:
            return true()
        undated = and_(CostLine.spent_on.is_(None), CostLine.year.in_(self.undated_years))
        return or_(CostLine.spent_on.between(self.start, self.end), undated)


def fiscal_years_ending(network: Network, start: date, end: date) -> tuple[int, ...]:
    """The fiscal years whose last day falls from `start` to `end`."""
    first, last = network.fiscal_year_of(start), network.fiscal_year_of(end)
    ends_here = network.fiscal_year_of(end + timedelta(days=1)) != last
    return tuple(range(first, last + 1 if ends_here else last))


def report_period(grant: Grant, obligation: ReportObligation | None, network: Network) -> Period:
    """What a report covers. A final report (or none asked for): the whole project. An interim
    report: its own period where its duty sets one; else what a funder expects of a report
    since the last one, from the day after the previous interim report's period (the
    project's start for the first) to this report's due date (never past the project's end).
    The network's fiscal years place spending with no date (`Period.undated_years`)."""
    if obligation is None or obligation.kind != ReportKind.INTERIM:
        return Period(grant.start_date, grant.end_date)
    end = obligation.period_end or min(obligation.due_date, grant.end_date)
    start = min(obligation.period_start or _after_previous_interim(grant, obligation, network), end)
    years = fiscal_years_ending(network, start, end)
    running = network.fiscal_year_of(end)
    return Period(start, end, True, years, None if running in years else running)


def _after_previous_interim(grant: Grant, obligation: ReportObligation, network: Network) -> date:
    """The day after the period of the interim report due before `obligation`, or the
    project's start when there is none."""
    earlier = [
        o
        for o in grant.obligations
        if o.kind == ReportKind.INTERIM
        and o.id != obligation.id
        and (o.due_date, o.id or 0) < (obligation.due_date, obligation.id or 0)
    ]
    if not earlier:
        return grant.start_date
    previous = max(earlier, key=lambda o: (o.due_date, o.id or 0))
    return report_period(grant, previous, network).end + timedelta(days=1)


def income_by_grant(grant_ids, period: Period | None = None):
    """A subquery (grant_id, received, co_funding) over the income lines of those grants
    (booked within `period`, when it covers a period only)."""
    from_funder = IncomeLine.funder_id == Grant.funder_id
    return (
        select(
            IncomeLine.grant_id,
            func.sum(case((from_funder, IncomeLine.amount), else_=0)).label("received"),
            func.sum(case((from_funder, 0), else_=IncomeLine.amount)).label("co_funding"),
        )
        .join(Grant, Grant.id == IncomeLine.grant_id)
        .where(IncomeLine.grant_id.in_(grant_ids), period.income() if period else true())
        .group_by(IncomeLine.grant_id)
        .subquery("grant_income")
    )


def spending_by_grant(grant_ids):
    """A subquery (grant_id, spent): actual cost lines booked against those grants."""
    return (
        select(CostLine.grant_id, func.sum(CostLine.amount).label("spent"))
        .where(CostLine.grant_id.in_(grant_ids), CostLine.kind == CostKind.ACTUAL)
        .group_by(CostLine.grant_id)
        .subquery("grant_spending")
    )


def with_money(stmt: Select) -> Select:
    """Add received, co_funding and spent columns to a query on Grant (outer joins, one
    statement): what the grant list shows without a statement per grant."""
    ids = stmt.with_only_columns(Grant.id).order_by(None).scalar_subquery()
    income, spending = income_by_grant(ids), spending_by_grant(ids)
    return (
        stmt.add_columns(income.c.received, income.c.co_funding, spending.c.spent)
        .outerjoin(income, income.c.grant_id == Grant.id)
        .outerjoin(spending, spending.c.grant_id == Grant.id)
    )


def money_of(row) -> GrantMoney:
    """GrantMoney of a row from `with_money` (budget left empty)."""
    grant = row.Grant
    return GrantMoney(
        grant_id=grant.id,
        received=money(row.received),
        co_funding=money(row.co_funding),
        spent=money(row.spent),
        awarded=grant.amount_awarded,
    )


def grant_list(session: Session, user: User, stmt: Select | None = None) -> list[tuple]:
    """(grant, GrantMoney) for every grant the user may see (or those `stmt` selects from
    them), with funder and centre loaded: one statement whatever the number of grants."""
    stmt = stmt if stmt is not None else visible(Grant, user)
    stmt = with_money(stmt.options(joinedload(Grant.funder), joinedload(Grant.centre)))
    return [(row.Grant, money_of(row)) for row in session.execute(stmt)]


def grant_money(session: Session, grant: Grant, period: Period | None = None) -> GrantMoney:
    """Received, co-funding, spent and the budget against spending of one grant (income
    booked and spending dated within `period`, when it covers a period only).

    Three statements: the income sums, the budget lines, the spending per category.
    """
    income = session.execute(select(income_by_grant([grant.id], period))).first()
    budget_lines = session.scalars(
        select(GrantBudgetLine).where(GrantBudgetLine.grant_id == grant.id)
    ).all()
    spent_by_category = dict(
        session.execute(
            select(CostLine.category, func.sum(CostLine.amount))
            .where(
                CostLine.grant_id == grant.id,
                CostLine.kind == CostKind.ACTUAL,
                period.costs() if period else true(),
            )
            .group_by(CostLine.category)
        ).all()
    )
    spent = {CostCategory(c).value: money(v) for c, v in spent_by_category.items()}
    budget = [
        BudgetRow(
            line.category.value, line.description, line.amount, spent.get(line.category, ZERO)
        )
        for line in sorted(budget_lines, key=lambda b: list(CostCategory).index(b.category))
    ]
    # Spending in a category the budget left out still shows, against a budget of 0.
    budgeted = {row.category for row in budget}
    budget += [BudgetRow(c, "", ZERO, v) for c, v in spent.items() if c not in budgeted]
    return GrantMoney(
        grant_id=grant.id,
        received=money(income.received if income else 0),
        co_funding=money(income.co_funding if income else 0),
        spent=sum(spent.values(), ZERO),
        awarded=grant.amount_awarded,
        budget=budget,
    )


def ledger_lines(session: Session, grant: Grant) -> tuple[list[IncomeLine], list[CostLine]]:
    """The income and cost lines booked against the grant (two statements), newest first."""
    income = session.scalars(
        select(IncomeLine)
        .where(IncomeLine.grant_id == grant.id)
        .options(joinedload(IncomeLine.funder), joinedload(IncomeLine.donor))
        .order_by(IncomeLine.booking_date.desc(), IncomeLine.id)
    ).all()
    costs = session.scalars(
        select(CostLine)
        .where(CostLine.grant_id == grant.id)
        .order_by(CostLine.year.desc(), CostLine.category, CostLine.id)
    ).all()
    return list(income), list(costs)


def money_for(session: Session, grants: list[Grant]) -> dict[int, GrantMoney]:
    """GrantMoney (without budget rows) of each grant, in one statement for the lot."""
    if not grants:
        return {}
    stmt = with_money(select(Grant).where(Grant.id.in_([g.id for g in grants])))
    return {row.Grant.id: money_of(row) for row in session.execute(stmt)}


@dataclass(frozen=True)
class AllocationMoney:
    """One office's part of a shared award: what was allocated to it, the funder's tranches
    booked at that office, and the actual costs it booked on the grant."""

    centre_code: str
    centre_name: str
    allocated: Decimal
    received: Decimal
    spent: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.received - self.spent


def _allocations(session: Session, *where, period: Period | None = None) -> list[tuple]:
    """(grant, code, name, allocated, received, spent) per allocation matching `where`: the
    grant's funder's tranches booked at the office and its actual costs on the grant, summed
    per grant and office in one statement."""
    received = (
        select(IncomeLine.grant_id, IncomeLine.centre_id, func.sum(IncomeLine.amount).label("got"))
        .join(Grant, Grant.id == IncomeLine.grant_id)
        .where(IncomeLine.funder_id == Grant.funder_id, period.income() if period else true())
        .group_by(IncomeLine.grant_id, IncomeLine.centre_id)
        .subquery("office_received")
    )
    spent = (
        select(CostLine.grant_id, CostLine.centre_id, func.sum(CostLine.amount).label("used"))
        .where(
            CostLine.grant_id.is_not(None),
            CostLine.kind == CostKind.ACTUAL,
            period.costs() if period else true(),
        )
        .group_by(CostLine.grant_id, CostLine.centre_id)
        .subquery("office_spent")
    )
    same = GrantAllocation.grant_id, GrantAllocation.centre_id
    return session.execute(
        select(
            Grant, Centre.code, Centre.name, GrantAllocation.amount, received.c.got, spent.c.used
        )
        .select_from(GrantAllocation)
        .join(Grant, Grant.id == GrantAllocation.grant_id)
        .join(Centre, Centre.id == GrantAllocation.centre_id)
        .outerjoin(received, (received.c.grant_id == same[0]) & (received.c.centre_id == same[1]))
        .outerjoin(spent, (spent.c.grant_id == same[0]) & (spent.c.centre_id == same[1]))
        .where(*where)
        .order_by(Grant.start_date, Grant.id, Centre.code)
    ).all()


def allocation_money(
    session: Session, grant: Grant, period: Period | None = None
) -> list[AllocationMoney]:
    """Each allocation of the grant with its office's received and spent (within `period`
    when it covers a period only), in office code order: one statement whatever the number
    of offices."""
    return [
        AllocationMoney(code, name, money(amount), money(got), money(used))
        for _grant, code, name, amount, got, used in _allocations(
            session, GrantAllocation.grant_id == grant.id, period=period
        )
    ]


def office_allocations(session: Session, centre_id: int, states) -> list[tuple]:
    """(grant, AllocationMoney) for each grant in `states` that allocates part of its award to
    the centre: what the office's own report shows. One statement."""
    return [
        (grant, AllocationMoney(code, name, money(amount), money(got), money(used)))
        for grant, code, name, amount, got, used in _allocations(
            session, GrantAllocation.centre_id == centre_id, Grant.state.in_(states)
        )
    ]
