"""Recurring gifts: registered, changed, ended and deleted by a centre's managers, and the
income lines that pay their instalments.

Values use the names the API shows: `donor` and `fund` are ids, `start` and `end` dates,
`frequency` and `payment_method` the enums' values. Each function checks that the user may
manage the gift's centre, changes the rows and flushes; the caller commits.
"""

from datetime import date, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundtrack.auth.access import require_manage
from fundtrack.auth.models import User
from fundtrack.errors import Conflict, ValidationError
from fundtrack.giving.models import Frequency, Instalment, PaymentMethod, RecurringGift
from fundtrack.giving.schedule import due_dates, horizon
from fundtrack.income.models import Donor, EarmarkedFund, IncomeLine
from fundtrack.money import check_cents
from fundtrack.operations import check_year, referenced, refuse_unknown

GIFT_FIELDS = (
    "donor", "amount", "currency", "frequency", "start", "end", "fund", "payment_method",
    "reference",
)  # fmt: skip
# A payment may arrive this many days before its instalment falls due and still pay it.
EARLY_DAYS = 15


def required(merged: dict, *fields: str) -> None:
    for field in fields:
        if merged.get(field) is None:
            raise ValidationError(field, _l("is required"), code="required")


def valid_day(value, field: str) -> date | None:
    if value is None:
        return None
    if not isinstance(value, date):
        raise ValidationError(field, _l("is not a date"), code="not_a_date")
    check_year(value.year, field)
    return value


def valid_enum(enum_cls, value, field: str):
    try:
        return enum_cls(value)
    except ValueError:
        raise ValidationError(field, _l("is not one of the choices"), code="not_a_choice") from None


def _current(gift: RecurringGift) -> dict:
    return {
        "donor": gift.donor_id, "amount": gift.amount, "currency": gift.currency,
        "frequency": gift.frequency, "start": gift.start_date, "end": gift.end_date,
        "fund": gift.earmarked_fund_id, "payment_method": gift.payment_method,
        "reference": gift.reference,
    }  # fmt: skip


def _resolve(session: Session, user: User, values: dict, gift: RecurringGift | None) -> dict:
    refuse_unknown(values, GIFT_FIELDS, "a recurring gift")
    merged = (_current(gift) if gift else {}) | values
    required(merged, "donor", "amount", "frequency", "start", "payment_method")
    donor = referenced(session, user, Donor, merged["donor"], "donor", "donor")
    if gift is not None and donor.id != gift.donor_id:
        raise ValidationError(
            "donor", _l("a recurring gift cannot move to another donor"), code="donor_fixed"
        )
    require_manage(user, donor.centre_id)
    centre = donor.centre
    amount = merged["amount"]
    if not isinstance(amount, Decimal | int) or isinstance(amount, bool) or amount <= 0:
        raise ValidationError("amount", _l("must be more than 0"), code="not_positive")
    check_cents(Decimal(amount), "amount")
    currency = merged.get("currency") or centre.currency
    if currency != centre.currency:
        raise ValidationError(
            "currency",
            _l("this centre keeps its books in %(currency)s", currency=centre.currency),
            code="other_currency",
        )
    start = valid_day(merged["start"], "start")
    end = valid_day(merged.get("end"), "end")
    if end is not None and end < start:
        raise ValidationError("end", _l("ends before it starts"), code="end_before_start")
    fund = None
    if merged.get("fund") is not None:
        fund = referenced(session, user, EarmarkedFund, merged["fund"], "fund", "earmarked fund")
        if fund.centre_id != centre.id:
            raise ValidationError(
                "fund", _l("this fund belongs to another centre"), code="other_centre"
            )
    reference = (merged.get("reference") or "").strip()
    if len(reference) > 200:
        raise ValidationError("reference", _l("at most 200 characters"), code="too_long")
    return {
        "centre_id": centre.id, "donor": donor, "amount": Decimal(amount), "currency": currency,
        "frequency": valid_enum(Frequency, merged["frequency"], "frequency"),
        "start_date": start, "end_date": end, "earmarked_fund": fund,
        "payment_method": valid_enum(PaymentMethod, merged["payment_method"], "payment_method"),
        "reference": reference,
    }  # fmt: skip


def _plan(session: Session, gift: RecurringGift, today: date) -> None:
    """Make the gift's open instalments follow its schedule: unpaid ones off the schedule go,
    missing ones come, and the unpaid keep the gift's amount. Paid ones are never touched."""
    wanted = set(
        due_dates(
            gift.start_date, gift.frequency.months, horizon(gift.start_date, gift.end_date, today)
        )
    )
    existing = {i.due_date: i for i in gift.instalments}
    for due, instalment in existing.items():
        if instalment.income_line_id is not None:
            continue
        if due not in wanted:
            gift.instalments.remove(instalment)
        elif instalment.amount != gift.amount:
            instalment.amount = gift.amount
    for due in sorted(wanted - set(existing)):
        gift.instalments.append(
            Instalment(centre_id=gift.centre_id, due_date=due, amount=gift.amount)
        )


def create_recurring_gift(
    session: Session, user: User, values: dict, today: date | None = None
) -> RecurringGift:
    """Register a donor's recurring gift and the instalments expected from it."""
    gift = RecurringGift(**_resolve(session, user, values, None))
    session.add(gift)
    _plan(session, gift, today or date.today())
    session.flush()
    return gift


def update_recurring_gift(
    session: Session, user: User, gift: RecurringGift, values: dict, today: date | None = None
) -> RecurringGift:
    """Change a gift (its amount, end, fund...); its unpaid instalments follow."""
    require_manage(user, gift.centre_id)
    for attribute, value in _resolve(session, user, values, gift).items():
        setattr(gift, attribute, value)
    _plan(session, gift, today or date.today())
    session.flush()
    return gift


def delete_recurring_gift(session: Session, user: User, gift: RecurringGift) -> None:
    """Delete a gift none of whose instalments is paid; a paid one is ended instead."""
    require_manage(user, gift.centre_id)
    paid = session.scalar(
        select(Instalment.id)
        .where(Instalment.recurring_gift_id == gift.id, Instalment.income_line_id.is_not(None))
        .limit(1)
    )
    if paid is not None:
        raise Conflict(
            "id",
            _l("instalments of this gift are paid; give it an end date instead"),
            paid,
            code="in_use",
        )
    session.delete(gift)
    session.flush()


def extend_instalments(session: Session, today: date | None = None) -> int:
    """Generate the instalments of every running gift up to its horizon; how many were made.

    Run daily (`flask giving extend`): an open-ended gift otherwise runs out of instalments
    two years after it was last changed."""
    today = today or date.today()
    gifts = session.scalars(
        select(RecurringGift).where(
            RecurringGift.end_date.is_(None) | (RecurringGift.end_date >= today)
        )
    )
    made = 0
    for gift in gifts:
        before = len(gift.instalments)
        _plan(session, gift, today)
        made += len(gift.instalments) - before
    session.flush()
    return made


def match_line(session: Session, line: IncomeLine) -> Instalment | None:
    """Let an income line from a donor pay the earliest open instalment of theirs with the same
    amount and currency that falls due by the line's date (or up to EARLY_DAYS after it).

    Called by `book_income` for every line booked by hand, by an import or through the API;
    a line that pays none is an ordinary gift."""
    if line.donor_id is None:
        return None
    instalment = session.scalars(
        select(Instalment)
        .join(RecurringGift, RecurringGift.id == Instalment.recurring_gift_id)
        .where(
            RecurringGift.donor_id == line.donor_id,
            RecurringGift.currency == line.currency,
            Instalment.income_line_id.is_(None),
            Instalment.amount == line.amount,
            Instalment.due_date <= line.booking_date + timedelta(days=EARLY_DAYS),
        )
        .order_by(Instalment.due_date, Instalment.id)
        .limit(1)
    ).first()
    if instalment is not None:
        instalment.income_line_id = line.id
        session.flush()
    return instalment


def pay_instalment(
    session: Session, user: User, instalment: Instalment, line: IncomeLine | None
) -> Instalment:
    """Say by hand which line paid an instalment (another amount, a gift from a partner's
    account), or with None that none did."""
    require_manage(user, instalment.centre_id)
    if line is not None:
        if line.donor_id != instalment.gift.donor_id or line.currency != instalment.gift.currency:
            raise ValidationError(
                "income_line", _l("this line is not a gift from this donor"), code="other_donor"
            )
        taken = session.scalar(select(Instalment.id).where(Instalment.income_line_id == line.id))
        if taken not in (None, instalment.id):
            raise Conflict(
                "income_line", _l("this line already pays another instalment"), taken,
                code="already_paid",
            )  # fmt: skip
    instalment.income_line_id = line.id if line is not None else None
    session.flush()
    return instalment


def rematch_line(session: Session, line: IncomeLine) -> Instalment | None:
    """After a line changed: free the instalment it paid if the line is no longer the
    donor's, then let it pay one (the same, or another) as `match_line` would."""
    paid = session.scalar(select(Instalment).where(Instalment.income_line_id == line.id))
    if paid is not None:
        if line.donor_id == paid.gift.donor_id and line.currency == paid.gift.currency:
            return paid
        paid.income_line_id = None
        session.flush()
    return match_line(session, line)
