"""Reports owed to funders: those due soon and those overdue, on a given day."""

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from fundtrack.auth.access import visible
from fundtrack.auth.models import User
from fundtrack.centres.models import Centre, Region
from fundtrack.grants.models import Grant, ReportObligation

DUE_WITHIN_DAYS = 60


@dataclass(frozen=True)
class ReportsDue:
    on: date
    overdue: list[ReportObligation]  # unsent, due before `on`
    due: list[ReportObligation]  # unsent, due from `on` to `on` + 60 days


def reports_due(
    session: Session,
    user: User,
    on: date,
    centre_id: int | None = None,
    within_days: int = DUE_WITHIN_DAYS,
    region_code: str | None = None,
) -> ReportsDue:
    """Unsent reports overdue on `on` and due within `within_days` after it, of the grants the
    user may see (narrowed to one centre's when `centre_id` is given, to the centres of one
    region when `region_code` is: the national office's own applications belong to no
    region), each with its grant, funder and centre loaded: one statement for the whole list."""
    grants = visible(Grant, user).subquery()
    stmt = (
        select(ReportObligation)
        .join(ReportObligation.grant)
        .where(
            Grant.id.in_(select(grants.c.id)),
            ReportObligation.sent_on.is_(None),
            ReportObligation.due_date <= on + timedelta(days=within_days),
        )
        .options(
            contains_eager(ReportObligation.grant).joinedload(Grant.funder),
            contains_eager(ReportObligation.grant).joinedload(Grant.centre),
        )
        .order_by(ReportObligation.due_date, ReportObligation.id)
    )
    if centre_id is not None:
        stmt = stmt.where(Grant.centre_id == centre_id)
    if region_code is not None:
        in_region = select(Centre.id).join(Region, Region.id == Centre.region_id)
        stmt = stmt.where(Grant.centre_id.in_(in_region.where(Region.code == region_code)))
    rows = session.scalars(stmt).unique().all()
    return ReportsDue(
        on=on,
        overdue=[row for row in rows if row.due_date < on],
        due=[row for row in rows if row.due_date >= on],
    )
