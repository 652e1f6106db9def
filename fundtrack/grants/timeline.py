"""A grant's figures over time, for the report a funder reads: spending per month or quarter,
volunteer hours given in kind, and counted goals as dated measurements per place.

Part of the one query layer with `fundtrack.grants.figures` (whose `Period` says what a report
covers): SQL aggregates, a fixed number of statements, sums brought back to cents.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import (
    Integer,
    Numeric,
    and_,
    cast,
    extract,
    false,
    func,
    literal,
    or_,
    select,
    true,
)
from sqlalchemy.orm import Session

from fundtrack.centres.models import Centre, VolunteerHourRate
from fundtrack.costs.models import CostKind, CostLine
from fundtrack.grants.figures import Period, money
from fundtrack.grants.models import GoalMeasurement, Grant, GrantGoal, InKindContribution

# Spending by month or quarter ------------------------------------------------------------

# A report period longer than this many months is shown by quarter, else by month.
MONTHS_SHOWN_BY_MONTH = 12


@dataclass(frozen=True)
class SpendingStep:
    """The actual spending on the grant in one month or quarter (year, number), or of the
    lines without a date (year and number None). `counted` is false for undated spending a
    period report does not count (its fiscal year ends after the period): shown, not summed."""

    year: int | None
    number: int | None
    amount: Decimal
    counted: bool = True


def by_quarter(period: Period) -> bool:
    """Whether a period's spending is shown by quarter (longer than a year) or by month."""
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month
    return months + 1 > MONTHS_SHOWN_BY_MONTH


def spending_by_step(session: Session, grant: Grant, period: Period) -> list[SpendingStep]:
    """The grant's actual spending per month (per quarter for a period over a year), in date
    order, the undated lines last: one statement. The counted steps add up to `grant_money`'s
    spent of the same period to the cent. A period of its own counts the undated lines of the
    fiscal years ending within it (`Period.costs`); those of the year still running at its end
    come last, not counted (a later report counts them), so that it still shows their amount."""
    year = cast(extract("year", CostLine.spent_on), Integer)
    month = cast(extract("month", CostLine.spent_on), Integer)
    step = (month + 2) // 3 if by_quarter(period) else month
    counted = period.costs()
    later = CostLine.year == period.undated_later if period.undated_later else false()
    rows = session.execute(
        select(year.label("y"), step.label("n"), counted.label("c"), func.sum(CostLine.amount))
        .where(
            CostLine.grant_id == grant.id,
            CostLine.kind == CostKind.ACTUAL,
            or_(counted, and_(CostLine.spent_on.is_(None), later)),
        )
        .group_by("y", "n", "c")
    ).all()
    steps = [SpendingStep(y, n, money(total), bool(c)) for y, n, c, total in rows]
    return sorted(steps, key=lambda s: (s.year is None, s.year or 0, s.number or 0, not s.counted))


# In-kind co-funding -----------------------------------------------------------------------


@dataclass(frozen=True)
class InKindRow:
    """Volunteer hours given to the project at one place (an office, or the project as a
    whole when code is None), what they are worth at the rate in force on the days they were
    given (None while the network has no rate), and the lowest and highest rate applied."""

    centre_code: str | None
    centre_name: str | None
    hours: Decimal
    value: Decimal | None
    rates: tuple[Decimal, Decimal] | None = None


def hour_rate_on(day, current):
    """The value of a volunteer hour on `day` (a date or a column) as an SQL expression: the
    rate in force then (`VolunteerHourRate`), the earliest known for a day before it, the
    network's `current` setting when no history is kept."""
    rates = VolunteerHourRate
    return func.coalesce(
        select(rates.rate).where(rates.valid_from <= day)
        .order_by(rates.valid_from.desc()).limit(1).scalar_subquery(),
        select(rates.rate).order_by(rates.valid_from).limit(1).scalar_subquery(),
        literal(current, Numeric(14, 2)),
    )  # fmt: skip


def in_kind_hours(session: Session, grant: Grant, period: Period, current) -> list[InKindRow]:
    """The volunteer hours given to the grant per place (within the period when it covers a
    period only), each hour valued at the rate in force on the day it was given
    (`hour_rate_on`; nothing while `current`, the network's rate, is unset): one statement.
    Never money in the books."""
    given = InKindContribution
    within = given.given_on.between(period.start, period.end) if period.only else true()
    valued = (
        select(given.centre_id, given.hours, hour_rate_on(given.given_on, current).label("rate"))
        .where(given.grant_id == grant.id, within)
        .subquery("valued")
    )
    rows = session.execute(
        select(
            Centre.code, Centre.name, func.sum(valued.c.hours),
            func.sum(valued.c.hours * valued.c.rate), func.min(valued.c.rate),
            func.max(valued.c.rate),
        )
        .select_from(valued)
        .outerjoin(Centre, Centre.id == valued.c.centre_id)
        .group_by(Centre.code, Centre.name)
        .order_by(Centre.code)
    ).all()  # fmt: skip
    return [
        InKindRow(code, name, money(hours), None, None)
        if current is None
        else InKindRow(code, name, money(hours), money(value), (money(low), money(high)))
        for code, name, hours, value, low, high in rows
    ]


def hour_rates(session: Session) -> list[tuple[date, Decimal]]:
    """The volunteer-hour rate's history: (from, rate), oldest first."""
    rates = VolunteerHourRate
    return [tuple(row) for row in session.execute(select(rates.valid_from, rates.rate)
                                                  .order_by(rates.valid_from))]  # fmt: skip


# Goals measured over time -----------------------------------------------------------------


@dataclass(frozen=True)
class GoalPlace:
    """One place's latest measurement of a goal: where (None: the whole project) and when."""

    centre_code: str | None
    centre_name: str | None
    measured_on: date
    value: Decimal


@dataclass
class GoalSeries:
    """A counted goal's measurements: the total on each day something was measured (each
    place's latest measurement up to that day, summed) and each place's latest."""

    points: list[tuple[date, Decimal]] = field(default_factory=list)
    places: list[GoalPlace] = field(default_factory=list)

    @property
    def latest(self) -> tuple[date, Decimal] | None:
        return self.points[-1] if self.points else None


def goal_series(session: Session, grant: Grant, period: Period) -> dict[int, GoalSeries]:
    """Per goal id of the grant: its totals on each measuring day within the period (counting
    each place's latest measurement up to that day, earlier ones included), and each place's
    latest up to the period's end. Two statements whatever the number of goals or offices."""
    place = func.coalesce(GoalMeasurement.centre_id, 0)
    later = GoalMeasurement.__table__.alias("earlier")
    goals = select(GrantGoal.id).where(GrantGoal.grant_id == grant.id)
    measured = GoalMeasurement.__table__.alias("measured")
    days = (
        select(measured.c.goal_id, measured.c.measured_on)
        .distinct()
        .where(
            measured.c.goal_id.in_(goals),
            measured.c.measured_on.between(period.start, period.end) if period.only else true(),
        )
        .subquery("days")
    )

    def latest_up_to(day):
        """The day of this measurement's place's latest measurement up to `day`."""
        return (
            select(func.max(later.c.measured_on))
            .where(
                later.c.goal_id == GoalMeasurement.goal_id,
                func.coalesce(later.c.centre_id, 0) == place,
                later.c.measured_on <= day if day is not None else true(),
            )
            .scalar_subquery()
        )

    totals = session.execute(
        select(days.c.goal_id, days.c.measured_on, func.sum(GoalMeasurement.value))
        .join(GoalMeasurement, GoalMeasurement.goal_id == days.c.goal_id)
        .where(GoalMeasurement.measured_on == latest_up_to(days.c.measured_on))
        .group_by(days.c.goal_id, days.c.measured_on)
        .order_by(days.c.goal_id, days.c.measured_on)
    ).all()
    series: dict[int, GoalSeries] = {}
    for goal_id, on, total in totals:
        series.setdefault(goal_id, GoalSeries()).points.append((on, money(total)))
    last = latest_up_to(period.end if period.only else None)
    for goal_id, code, name, on, value in session.execute(
        select(
            GoalMeasurement.goal_id, Centre.code, Centre.name, GoalMeasurement.measured_on,
            GoalMeasurement.value,
        )
        .outerjoin(Centre, Centre.id == GoalMeasurement.centre_id)
        .where(GoalMeasurement.goal_id.in_(goals), GoalMeasurement.measured_on == last)
        .order_by(GoalMeasurement.goal_id, Centre.code)
    ):  # fmt: skip
        series.setdefault(goal_id, GoalSeries()).places.append(
            GoalPlace(code, name, on, money(value))
        )
    return series
