"""Signed gift agreements with their years expected and received, in SQL."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from fundtrack.auth.access import scoped
from fundtrack.auth.models import User
from fundtrack.centres.models import Centre
from fundtrack.giving.models import GiftAgreement, Instalment, RecurringGift
from fundtrack.giving.queries import GRACE_DAYS
from fundtrack.income.models import Donor, IncomeLine


@dataclass(frozen=True)
class AgreementRow:
    id: int
    gift: int
    centre_code: str
    kind: str
    transaction_number: str
    donor: int
    donor_name: str
    amount: Decimal
    currency: str
    start_date: date
    end_date: date
    years: int
    donor_signed_on: date
    centre_signed_on: date | None
    years_due: int
    years_received: int
    received: Decimal


@dataclass(frozen=True)
class AgreementYear:
    number: int
    due_date: date
    expected: Decimal
    paid_on: date | None
    received: Decimal | None
    state: str  # received, missed, expected


def _statement(user: User, today: date):
    counts = (
        select(
            Instalment.recurring_gift_id.label("gift_id"),
            func.count(case((Instalment.due_date <= today, Instalment.id))).label("due"),
            func.count(Instalment.income_line_id).label("paid"),
            func.coalesce(func.sum(IncomeLine.amount), 0).label("received"),
        )
        .outerjoin(IncomeLine, IncomeLine.id == Instalment.income_line_id)
        .group_by(Instalment.recurring_gift_id)
        .subquery("years")
    )
    stmt = (
        select(
            GiftAgreement.id.label("id"),
            RecurringGift.id.label("gift"),
            Centre.code.label("centre_code"),
            GiftAgreement.kind.label("kind"),
            GiftAgreement.transaction_number.label("transaction_number"),
            Donor.id.label("donor"),
            Donor.name.label("donor_name"),
            RecurringGift.amount.label("amount"),
            RecurringGift.currency.label("currency"),
            RecurringGift.start_date.label("start_date"),
            RecurringGift.end_date.label("end_date"),
            GiftAgreement.years.label("years"),
            GiftAgreement.donor_signed_on.label("donor_signed_on"),
            GiftAgreement.centre_signed_on.label("centre_signed_on"),
            func.coalesce(counts.c.due, 0).label("years_due"),
            func.coalesce(counts.c.paid, 0).label("years_received"),
            func.coalesce(counts.c.received, 0).label("received"),
        )  # fmt: skip
        .join(RecurringGift, RecurringGift.id == GiftAgreement.recurring_gift_id)
        .join(Centre, Centre.id == GiftAgreement.centre_id)
        .join(Donor, Donor.id == RecurringGift.donor_id)
        .outerjoin(counts, counts.c.gift_id == RecurringGift.id)
    )
    return scoped(stmt, GiftAgreement, user)


def _row(row) -> AgreementRow:
    values = dict(row._mapping)
    values["kind"] = getattr(values["kind"], "value", values["kind"])
    for name in ("years_due", "years_received"):
        values[name] = int(values[name])
    values["received"] = Decimal(values["received"])
    return AgreementRow(**values)


def gift_agreements(
    session: Session,
    user: User,
    *,
    today: date | None = None,
    centre_code: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[AgreementRow]:
    """The agreements the user may see, newest start first."""
    stmt = _statement(user, today or date.today())
    if centre_code:
        stmt = stmt.where(Centre.code == centre_code)
    stmt = stmt.order_by(RecurringGift.start_date.desc(), GiftAgreement.id).limit(limit)
    return [_row(row) for row in session.execute(stmt.offset(offset))]


def count_agreements(session: Session, user: User, centre_code: str | None = None) -> int:
    stmt = _statement(user, date.today())
    if centre_code:
        stmt = stmt.where(Centre.code == centre_code)
    return session.scalar(select(func.count()).select_from(stmt.subquery()))


def gift_agreement(
    session: Session, user: User, agreement_id: int, today: date | None = None
) -> AgreementRow | None:
    """One agreement the user may see, or None."""
    stmt = _statement(user, today or date.today()).where(GiftAgreement.id == agreement_id)
    row = session.execute(stmt).first()
    return None if row is None else _row(row)


def agreement_years(
    session: Session, gift_id: int, today: date | None = None
) -> list[AgreementYear]:
    """Each year of an agreement (its gift's instalments): expected, and what came in."""
    cutoff = (today or date.today()) - timedelta(days=GRACE_DAYS)
    state = case(
        (Instalment.income_line_id.is_not(None), "received"),
        (Instalment.due_date < cutoff, "missed"),
        else_="expected",
    )
    rows = session.execute(
        select(
            Instalment.due_date,
            Instalment.amount,
            IncomeLine.booking_date,
            IncomeLine.amount,
            state,
        )
        .outerjoin(IncomeLine, IncomeLine.id == Instalment.income_line_id)
        .where(Instalment.recurring_gift_id == gift_id)
        .order_by(Instalment.due_date)
    )
    return [AgreementYear(number, *row) for number, row in enumerate(rows, start=1)]
