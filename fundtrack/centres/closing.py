"""Closing a fiscal year and reopening it: the national office's operations.

Closing freezes every income and cost line of a year (`centres/locks.py` guards them) and
declares the actual costs of every centre with actual lines that year complete; it is
refused for a year that has not ended, because January's bookings of a year not yet begun
would then be refused too. Reopening is the admin's alone and needs a reason, which the audit
log keeps next to the removed lock.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from fundtrack.audit.actor import current_actor
from fundtrack.audit.models import AuditEvent
from fundtrack.auth.access import NotAllowed, require_network_manager
from fundtrack.auth.models import User
from fundtrack.centres.locks import current_network
from fundtrack.centres.models import FiscalYearLock
from fundtrack.errors import Conflict, ValidationError


@dataclass(frozen=True)
class YearSummary:
    """What closing a year freezes, per centre: its totals that year."""

    year: int
    currency: str
    centres: list  # CentreFigures of fundtrack.share.figures
    income: Decimal
    structural: Decimal
    costs: Decimal


def last_ended_year(session: Session, today: date | None = None) -> int:
    """The latest fiscal year that has ended by `today`."""
    return current_network(session).fiscal_year_of(today or date.today()) - 1


def check_closable(session: Session, user: User, year, today: date | None = None) -> int:
    """The year as an int when `user` may close it now; else the reason, naming the field."""
    require_network_manager(user)
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValidationError(
            "year", _l("%(typed)s is not a year", typed=repr(year)), code="not_a_year"
        ) from None
    if not 1900 <= year <= 2999:
        raise ValidationError(
            "year",
            _l("must be a year between %(first)s and %(last)s", first=1900, last=2999),
            code="year_out_of_range",
        )
    last = last_ended_year(session, today)
    if year > last:
        raise ValidationError(
            "year",
            _l("fiscal year %(year)s has not ended yet; the last year that has is %(last)s",
               year=year, last=last),
            code="year_not_ended",
        )  # fmt: skip
    if session.scalar(select(FiscalYearLock.id).where(FiscalYearLock.year == year)):
        raise Conflict("year", _l("%(year)s is already closed", year=year), code="already_closed")
    return year


def summary(session: Session, user: User, year: int) -> YearSummary:
    """Each centre's totals for `year` as closing will freeze them: what the confirmation page
    shows. Closing declares the actual costs complete, so the figures are worked out with
    those declarations made in a savepoint that is then rolled back."""
    from fundtrack.costs.basis import declare_year
    from fundtrack.share.service import funding_share

    preview = session.begin_nested()
    try:
        declare_year(session, year, user)
        figures = funding_share(session, user, year)
    finally:
        preview.rollback()
    network = figures.network
    return YearSummary(
        year=year,
        currency=figures.currency,
        centres=figures.centres,
        income=network.structural_income + network.incidental_income,
        structural=network.structural_income,
        costs=network.costs,
    )


def close_year(session: Session, user: User, year, today: date | None = None) -> FiscalYearLock:
    """Close a fiscal year that has ended (national office and admins)."""
    from fundtrack.costs.basis import declare_year

    year = check_closable(session, user, year, today)
    # A closed year stands on its actual costs wherever it has them, declared or not.
    declare_year(session, year, user)
    lock = FiscalYearLock(year=year, locked_by_id=user.id)
    session.add(lock)
    session.flush()
    return lock


def reopen_year(session: Session, user: User, year, reason: str) -> None:
    """Reopen a closed year (admins only), with the reason the audit log keeps."""
    if not user.is_admin:
        raise NotAllowed(_l("only an administrator may reopen a closed year"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("reason", _l("say why the year is reopened"), code="reason_required")
    if len(reason) > 500:
        raise ValidationError(
            "reason", _l("at most %(limit)s characters", limit=500), code="too_long"
        )
    lock = session.scalars(select(FiscalYearLock).where(FiscalYearLock.year == year)).first()
    if lock is None:
        raise ValidationError("year", _l("%(year)s is not closed", year=year), code="not_closed")
    actor = current_actor()
    # The lock's removal is audited by the session hook; this event carries the why.
    session.execute(
        insert(AuditEvent),
        [
            {
                "user_id": actor[0] if actor[0] is not None else user.id,
                "actor": actor[1],
                "action": "reopen",
                "entity": "fiscal_year_locks",
                "entity_id": str(lock.id),
                "centre_id": None,
                "before": {"year": lock.year, "locked_by_id": lock.locked_by_id},
                "after": {"year": lock.year, "reason": reason},
            }
        ],
    )
    session.delete(lock)
    session.flush()
