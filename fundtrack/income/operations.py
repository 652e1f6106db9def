"""Booking, changing and deleting income lines: the rules every screen, import and API call meets.

Each function checks that the user may manage the centre, validates the values together
(currency, funder or donor, agreement and fund of the same centre), changes the rows and
flushes; the caller commits. Values use the names the API shows: `centre` is a centre code,
`funder`, `donor`, `agreement` and `fund` are ids, `date` is the booking date.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundtrack.auth.access import require_manage
from fundtrack.auth.models import User
from fundtrack.centres.locks import YearLocked
from fundtrack.centres.models import Centre
from fundtrack.errors import Conflict, DomainError, ValidationError
from fundtrack.grants.ledger import grant_for_line
from fundtrack.income.models import (
    Donor,
    EarmarkedFund,
    Funder,
    FundingAgreement,
    IncomeCategory,
    IncomeLine,
    IncomeSource,
)
from fundtrack.money import check_cents, is_currency
from fundtrack.operations import centre_by_code, check_year, referenced, refuse_unknown, require

INCOME_FIELDS = (
    "centre", "date", "amount", "currency", "category", "funder", "donor",
    "agreement", "fund", "grant", "reference", "description", "external_id",
)  # fmt: skip
BATCH_MAX = 1000


@contextmanager
def refusing_closed_years(field: str) -> Iterator[None]:
    """Turn the lock hook's refusal into a Conflict on `field` (the date or the year)."""
    try:
        yield
    except YearLocked as error:
        raise Conflict(field, str(error)) from None


def check_money(
    amount, currency, centre: Centre, *, allow_zero: bool = False, field: str = "amount"
) -> str:
    """Refuse amounts that are not positive and currencies other than the centre's."""
    if amount is None or amount < 0 or (amount == 0 and not allow_zero):
        raise ValidationError(field, "must be 0 or more" if allow_zero else "must be more than 0")
    check_cents(amount, field)
    currency = currency or centre.currency
    if not isinstance(currency, str) or not is_currency(currency):
        raise ValidationError("currency", f"{currency!r} is not an ISO 4217 currency code")
    if currency != centre.currency:
        raise ValidationError(
            "currency", f"centre {centre.code} keeps its books in {centre.currency}, not {currency}"
        )
    return currency


def _current(line: IncomeLine) -> dict:
    return {
        "centre": line.centre.code,
        "date": line.booking_date,
        "amount": line.amount,
        "currency": line.currency,
        "category": line.category,
        "funder": line.funder_id,
        "donor": line.donor_id,
        "agreement": line.agreement_id,
        "fund": line.earmarked_fund_id,
        "grant": line.grant_id,
        "reference": line.reference,
        "description": line.description,
        "external_id": line.external_id,
    }


def _category(value) -> IncomeCategory:
    try:
        return IncomeCategory(value)
    except ValueError:
        raise ValidationError("category", f"{value!r} is not an income category") from None


def _resolve(session: Session, user: User, values: dict, line: IncomeLine | None) -> dict:
    """Check the merged values of a new or changed line; return the model's attributes."""
    refuse_unknown(values, INCOME_FIELDS, "an income line")
    merged = (_current(line) if line else {}) | values
    require(merged, "centre", "date", "amount", "category")
    if line is not None and merged["centre"] != line.centre.code:
        raise ValidationError("centre", "a line cannot move to another centre; book it anew")
    centre = line.centre if line else centre_by_code(session, user, merged["centre"])
    require_manage(user, centre.id)
    currency = check_money(merged["amount"], merged.get("currency"), centre)
    if not isinstance(merged["date"], date):
        raise ValidationError("date", "is not a date")
    check_year(merged["date"].year, "date")

    funder = donor = agreement = fund = None
    if merged.get("funder") is not None and merged.get("donor") is not None:
        raise ValidationError("donor", "give a funder or a donor, not both")
    if merged.get("agreement") is not None:
        agreement = referenced(session, user, FundingAgreement, merged["agreement"], "agreement",
                               "funding agreement")  # fmt: skip
        if agreement.centre_id != centre.id:
            raise ValidationError("agreement", f"agreement {agreement.id} is not {centre.code}'s")
        if merged.get("donor") is not None:
            raise ValidationError("donor", "income under a funding agreement comes from its funder")
        if merged.get("funder") not in (None, agreement.funder_id):
            raise ValidationError("funder", f"agreement {agreement.id} is with another funder")
        funder = agreement.funder
    elif merged.get("funder") is not None:
        funder = referenced(session, user, Funder, merged["funder"], "funder", "funder")
    if merged.get("donor") is not None:
        donor = referenced(session, user, Donor, merged["donor"], "donor", "donor")
        if donor.centre_id != centre.id:
            raise ValidationError("donor", f"donor {donor.id} is not {centre.code}'s")
    if merged.get("fund") is not None:
        fund = referenced(session, user, EarmarkedFund, merged["fund"], "fund", "earmarked fund")
        if fund.centre_id != centre.id:
            raise ValidationError("fund", f"fund {fund.id} is not {centre.code}'s")

    grant = None
    if merged.get("grant") is not None:
        grant = grant_for_line(session, user, merged["grant"], centre)
    external_id = merged.get("external_id") or None
    if external_id is not None and not str(external_id).strip():
        raise ValidationError("external_id", "is blank; leave it out or send your payment's id")
    if external_id is not None:
        query = select(IncomeLine.id).where(
            IncomeLine.centre_id == centre.id, IncomeLine.external_id == external_id
        )
        if line is not None:
            query = query.where(IncomeLine.id != line.id)
        existing = session.scalar(query)
        if existing is not None:
            raise Conflict("external_id", f"already booked as income line {existing}", existing)
    return {
        "centre": centre,
        "booking_date": merged["date"],
        "amount": merged["amount"],
        "currency": currency,
        "category": _category(merged["category"]),
        "funder": funder,
        "donor": donor,
        "agreement": agreement,
        "earmarked_fund": fund,
        "grant": grant,
        "reference": merged.get("reference") or "",
        "description": merged.get("description") or "",
        "external_id": external_id,
    }


def book_income(
    session: Session, user: User, values: dict, source: IncomeSource = IncomeSource.MANUAL
) -> IncomeLine:
    """Book one income line after checking every rule; flushed, not committed."""
    line = IncomeLine(source=source, **_resolve(session, user, values, None))
    session.add(line)
    with refusing_closed_years("date"):
        session.flush()
    return line


def book_income_batch(
    session: Session, user: User, items: Iterable[dict], source: IncomeSource = IncomeSource.API
) -> list[IncomeLine]:
    """Book every line or none: the first refused item raises, naming its index.

    The caller runs this inside a transaction (or savepoint) it rolls back on error.
    The same external_id twice within the batch is refused like a duplicate of a stored line.
    """
    items = list(items)
    if not items:
        raise ValidationError("items", "send at least one income line")
    if len(items) > BATCH_MAX:
        raise ValidationError("items", f"at most {BATCH_MAX} lines per batch")
    seen: dict[tuple, int] = {}
    lines = []
    for index, values in enumerate(items):
        try:
            key = (values.get("centre"), values.get("external_id"))
            if key[1] is not None and key in seen:
                raise ValidationError("external_id", f"repeats item {seen[key]} of this batch")
            seen[key] = index
            lines.append(book_income(session, user, values, source))
        except DomainError as error:
            raise error.at_index(index) from None
    return lines


def booked_twice(session: Session, items: list[dict]) -> Conflict | None:
    """After the database refused a duplicate, name the line already booked.

    Two simultaneous retries can both pass the check in `_resolve`; the unique constraint
    then stops the second, and this finds which stored line it repeats.
    """
    for index, values in enumerate(items):
        external_id = values.get("external_id")
        if not external_id:
            continue
        existing = session.scalar(
            select(IncomeLine.id)
            .join(Centre, Centre.id == IncomeLine.centre_id)
            .where(Centre.code == values.get("centre"), IncomeLine.external_id == external_id)
        )
        if existing is not None:
            conflict = Conflict(
                "external_id", f"already booked as income line {existing}", existing
            )
            return conflict.at_index(index) if len(items) > 1 else conflict
    return None


def update_income(session: Session, user: User, line: IncomeLine, values: dict) -> IncomeLine:
    """Change some fields of a line; the whole line is checked again."""
    require_manage(user, line.centre_id)
    for attribute, value in _resolve(session, user, values, line).items():
        setattr(line, attribute, value)
    with refusing_closed_years("date"):
        session.flush()
    return line


def delete_income(session: Session, user: User, line: IncomeLine) -> None:
    """Delete a line, unless its fiscal year is closed."""
    require_manage(user, line.centre_id)
    session.delete(line)
    with refusing_closed_years("date"):
        session.flush()
