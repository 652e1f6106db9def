"""The recurring gifts of the centres a user may see, with what came in and what is missing.

One statement per list, aggregates in SQL over the instalments. An instalment is missed
when it is unpaid GRACE_DAYS after its due date; a gift is late with one missed instalment
since the last paid one, lapsed with two or more, ended after its end date with none missed,
and otherwise running.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import Select, and_, case, func, literal, or_, select
from sqlalchemy.orm import Session

from fundtrack.auth.access import scoped
from fundtrack.auth.models import User
from fundtrack.centres.models import Centre
from fundtrack.giving.models import Instalment, RecurringGift
from fundtrack.income.models import Donor, EarmarkedFund, IncomeLine

GRACE_DAYS = 7
STATES = ("running", "late", "lapsed", "ended")
PAGE = 200


@dataclass(frozen=True)
class GiftRow:
    id: int
    centre_code: str
    donor: int
    donor_name: str
    email: str | None
    phone: str | None
    amount: Decimal
    currency: str
    frequency: str
    payment_method: str
    start_date: date
    end_date: date | None
    fund: int | None
    fund_name: str | None
    paid: int
    received: Decimal
    last_paid_on: date | None
    missed: int
    next_due: date | None
    state: str


def _state_of(today: date):
    """The state of each gift as a SQL expression, with the subqueries it needs."""
    cutoff = today - timedelta(days=GRACE_DAYS)
    paid = (
        select(
            Instalment.recurring_gift_id.label("gift_id"),
            func.max(Instalment.due_date).label("last_due"),
            func.count(Instalment.id).label("paid"),
            func.sum(IncomeLine.amount).label("received"),
            func.max(IncomeLine.booking_date).label("last_paid_on"),
        )
        .join(IncomeLine, IncomeLine.id == Instalment.income_line_id)
        .group_by(Instalment.recurring_gift_id)
        .subquery("paid")
    )
    unpaid = Instalment.income_line_id.is_(None)
    open_ = (
        select(
            Instalment.recurring_gift_id.label("gift_id"),
            func.count(
                case(
                    (
                        and_(
                            unpaid,
                            Instalment.due_date < cutoff,
                            or_(paid.c.last_due.is_(None), Instalment.due_date > paid.c.last_due),
                        ),
                        Instalment.id,
                    )
                )
            ).label("missed"),
            func.min(
                case((and_(unpaid, Instalment.due_date >= cutoff), Instalment.due_date))
            ).label("next_due"),
        )
        .outerjoin(paid, paid.c.gift_id == Instalment.recurring_gift_id)
        .group_by(Instalment.recurring_gift_id)
        .subquery("open")
    )
    missed = func.coalesce(open_.c.missed, 0)
    state = case(
        (missed >= 2, literal("lapsed")),
        (missed == 1, literal("late")),
        (
            and_(RecurringGift.end_date.is_not(None), RecurringGift.end_date < today),
            literal("ended"),
        ),
        else_=literal("running"),
    )
    return paid, open_, missed, state


def _listed(user: User, today: date, centre_code: str | None) -> tuple[Select, object]:
    paid, open_, missed, state = _state_of(today)
    stmt = (
        select(
            RecurringGift.id.label("id"),
            Centre.code.label("centre_code"),
            Donor.id.label("donor"),
            Donor.name.label("donor_name"),
            Donor.email.label("email"),
            Donor.phone.label("phone"),
            RecurringGift.amount.label("amount"),
            RecurringGift.currency.label("currency"),
            RecurringGift.frequency.label("frequency"),
            RecurringGift.payment_method.label("payment_method"),
            RecurringGift.start_date.label("start_date"),
            RecurringGift.end_date.label("end_date"),
            RecurringGift.earmarked_fund_id.label("fund"),
            EarmarkedFund.name.label("fund_name"),
            func.coalesce(paid.c.paid, 0).label("paid"),
            func.coalesce(paid.c.received, 0).label("received"),
            paid.c.last_paid_on.label("last_paid_on"),
            missed.label("missed"),
            open_.c.next_due.label("next_due"),
            state.label("state"),
        )  # fmt: skip
        .join(Centre, Centre.id == RecurringGift.centre_id)
        .join(Donor, Donor.id == RecurringGift.donor_id)
        .outerjoin(EarmarkedFund, EarmarkedFund.id == RecurringGift.earmarked_fund_id)
        .outerjoin(paid, paid.c.gift_id == RecurringGift.id)
        .outerjoin(open_, open_.c.gift_id == RecurringGift.id)
    )
    stmt = scoped(stmt, RecurringGift, user)
    if centre_code:
        stmt = stmt.where(Centre.code == centre_code)
    return stmt, state


def recurring_gifts(
    session: Session,
    user: User,
    *,
    today: date | None = None,
    centre_code: str | None = None,
    state: str | None = None,
    limit: int = PAGE,
    offset: int = 0,
) -> list[GiftRow]:
    """The gifts the user may see, lapsed and late first, then by donor."""
    stmt, state_column = _listed(user, today or date.today(), centre_code)
    if state:
        stmt = stmt.where(state_column == state)
    order = case((state_column == "lapsed", 0), (state_column == "late", 1), else_=2)
    stmt = stmt.order_by(order, Donor.name, RecurringGift.id).limit(limit).offset(offset)
    rows = session.execute(stmt)
    return [_row(row) for row in rows]


def state_counts(
    session: Session, user: User, *, today: date | None = None, centre_code: str | None = None
) -> dict[str, int]:
    """How many of the user's gifts are in each state."""
    stmt, state_column = _listed(user, today or date.today(), centre_code)
    inner = stmt.subquery()
    counted = session.execute(select(inner.c.state, func.count()).group_by(inner.c.state)).all()
    return {name: 0 for name in STATES} | {name: count for name, count in counted}


def gift_state(
    session: Session, user: User, gift_id: int, today: date | None = None
) -> GiftRow | None:
    """One gift's row, if the user may see it."""
    stmt, _state = _listed(user, today or date.today(), None)
    rows = session.execute(stmt.where(RecurringGift.id == gift_id)).all()
    if not rows:
        return None
    return _row(rows[0])


def _row(row) -> GiftRow:
    values = dict(row._mapping)
    for name in ("frequency", "payment_method"):
        values[name] = getattr(values[name], "value", values[name])
    values |= {"paid": int(values["paid"]), "received": Decimal(values["received"]),
               "missed": int(values["missed"])}  # fmt: skip
    return GiftRow(**values)
