"""Closed fiscal years: every income and cost line in them is frozen.

The guard runs before each flush, so the admin screens, the API, imports and the CLI
all meet the same refusal without each remembering to ask.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session

from fundtrack.centres.models import Centre, FiscalYearLock, Network
from fundtrack.errors import ValidationError, YearLocked  # noqa: F401


def locked_years(session: Session) -> set[int]:
    return set(session.scalars(select(FiscalYearLock.year)))


def closed_years_with_income(session: Session, *where) -> list[int]:
    """Closed fiscal years holding income lines that match `where` (SQL conditions)."""
    from fundtrack.income.models import IncomeLine

    stmt = (
        select(IncomeLine.fiscal_year)
        .join(FiscalYearLock, FiscalYearLock.year == IncomeLine.fiscal_year)
        .where(*where)
        .distinct()
        .order_by(IncomeLine.fiscal_year)
    )
    return list(session.scalars(stmt))


def reclassification_refused(session: Session, agreement_id: int):
    """Why an agreement may no longer change what makes it structural, or None if it may.

    A closed year's figures are final, so an agreement with income there keeps its class.
    """
    from fundtrack.income.models import IncomeLine

    years = closed_years_with_income(session, IncomeLine.agreement_id == agreement_id)
    if not years:
        return None
    listed = ", ".join(str(year) for year in years)
    return _l(
        "agreement %(id)s has income in closed fiscal year(s) %(years)s; what makes it"
        " structural or not can no longer change",
        id=agreement_id, years=listed,
    )  # fmt: skip


def current_network(session: Session) -> Network:
    return Network.current(session)


def _years_touched(obj, network: Network) -> set[int]:
    """Fiscal years an income or cost line sits in now and sat in before the change."""
    from fundtrack.costs.models import CostLine
    from fundtrack.income.models import IncomeLine

    # History leaves out an attribute expired by a commit: load it first, or a line
    # deleted straight after a commit would slip past the lock unseen.
    getattr(obj, "booking_date" if isinstance(obj, IncomeLine) else "year")
    state = inspect(obj)
    years = set()
    if isinstance(obj, IncomeLine):
        history = state.attrs.booking_date.history
        for day in (*history.deleted, *history.unchanged, *history.added):
            if day is not None:
                years.add(network.fiscal_year_of(day))
    elif isinstance(obj, CostLine):
        history = state.attrs.year.history
        years.update(y for y in (*history.deleted, *history.unchanged, *history.added) if y)
    return years


def _before_flush(session: Session, _context, _instances) -> None:
    from fundtrack.costs.models import CostLine
    from fundtrack.income.models import IncomeLine, IncomeLineFund

    touched = (*session.new, *session.dirty, *session.deleted)
    changed = [obj for obj in touched if isinstance(obj, IncomeLine | CostLine)]
    # A split's part changes its line's money per fund: the line's years count.
    for part in touched:
        line = part.owning_line() if isinstance(part, IncomeLineFund) else None
        if line is not None and line not in changed and line.booking_date is not None:
            changed.append(line)
    if not changed:
        return
    with session.no_autoflush:
        network = current_network(session)
        closed = locked_years(session) | {
            lock.year for lock in session.new if isinstance(lock, FiscalYearLock)
        }
        for obj in changed:
            if obj not in session.deleted:
                _check_centre_currency(session, obj)
            if isinstance(obj, IncomeLine) and obj.booking_date is not None:
                obj.fiscal_year = network.fiscal_year_of(obj.booking_date)
            for year in _years_touched(obj, network):
                if year in closed:
                    raise YearLocked(year)


def _check_centre_currency(session: Session, line) -> None:
    # Sums per centre only mean something in one currency.
    centre = line.centre
    if centre is None and line.centre_id is not None:
        centre = session.get(Centre, line.centre_id)
    if centre is not None and line.currency != centre.currency:
        raise ValidationError(
            "currency",
            _l("centre %(code)s keeps its books in %(kept)s, not %(given)s",
               code=centre.code, kept=centre.currency, given=line.currency),
            code="other_currency",
        )  # fmt: skip


def install() -> None:
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
