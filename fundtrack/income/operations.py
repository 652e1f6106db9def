"""Booking, changing and deleting income lines: the rules every screen, import and API call meets.

Each function checks that the user may manage the centre, validates the values together
(currency, funder or donor, agreement and fund of the same centre), changes the rows and
flushes; the caller commits. Values use the names the API shows: `centre` is a centre code,
`funder`, `donor`, `agreement` and `fund` are ids, `date` is the booking date.
"""

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundtrack.auth.access import require_manage
from fundtrack.auth.models import User
from fundtrack.centres.locks import YearLocked
from fundtrack.centres.models import Centre
from fundtrack.errors import Conflict, Day, DomainError, Label, ValidationError
from fundtrack.formatting import network_format
from fundtrack.giving.operations import match_line, rematch_line
from fundtrack.giving.statements import refuse_stated
from fundtrack.grants.ledger import grant_for_line
from fundtrack.income.agreements import agreement_for_funder
from fundtrack.income.models import (
    Donor,
    DonorKind,
    EarmarkedFund,
    Funder,
    FunderType,
    FundingAgreement,
    IncomeCategory,
    IncomeLine,
    IncomeSource,
)
from fundtrack.income.splits import check_parts, referenced_fund, write_parts
from fundtrack.money import check_cents, is_currency
from fundtrack.operations import (
    centre_by_code,
    check_year,
    referenced,
    refuse_unknown,
    require,
)

INCOME_FIELDS = (
    "centre", "date", "amount", "currency", "category", "funder", "donor",
    "agreement", "fund", "funds", "grant", "reference", "description", "external_id",
)  # fmt: skip
BATCH_MAX = 1000

# The RJ 650 category a funder type's income is reported under (DOMAIN.md). A funder of type
# "other" may give under any category; every other type only under its own.
CATEGORY_OF_FUNDER_TYPE = {
    FunderType.MUNICIPALITY: IncomeCategory.GOVERNMENT,
    FunderType.PROVINCE: IncomeCategory.GOVERNMENT,
    FunderType.NATIONAL_GOVERNMENT: IncomeCategory.GOVERNMENT,
    FunderType.HEALTH_INSURER: IncomeCategory.INSURERS_AND_CARE,
    FunderType.CARE_PARTNER: IncomeCategory.INSURERS_AND_CARE,
    FunderType.AFFILIATED_NONPROFIT: IncomeCategory.AFFILIATED_NONPROFITS,
    FunderType.FOUNDATION: IncomeCategory.OTHER_NONPROFITS,
    FunderType.LOTTERY: IncomeCategory.LOTTERY,
    FunderType.COMPANY: IncomeCategory.COMPANIES,
    FunderType.INDIVIDUAL: IncomeCategory.INDIVIDUALS,
    FunderType.OTHER: IncomeCategory.OTHER,
}
# A donor gives as a person or a company; "other" covers tickets, sales and the like.
CATEGORY_OF_DONOR_KIND = {
    DonorKind.PERSON: IncomeCategory.INDIVIDUALS,
    DonorKind.ORGANISATION: IncomeCategory.COMPANIES,
}
DONOR_CATEGORIES = {IncomeCategory.INDIVIDUALS, IncomeCategory.COMPANIES, IncomeCategory.OTHER}


class PossibleDuplicate(Conflict):
    """A line with the same centre, date, amount and counterparty is booked already.

    Not a refusal of the line itself: the caller may book it anyway with `confirm_duplicate`
    (a second identical instalment happens; a second entry of the same one is the mistake).
    """


@contextmanager
def refusing_closed_years(field: str) -> Iterator[None]:
    """Turn the lock hook's refusal into a Conflict on `field` (the date or the year)."""
    try:
        yield
    except YearLocked as error:
        raise YearLocked(error.year, field) from None


def check_money(
    amount, currency, centre: Centre, *, allow_zero: bool = False, field: str = "amount"
) -> str:
    """Refuse amounts that are not positive and currencies other than the centre's."""
    if amount is None or amount < 0 or (amount == 0 and not allow_zero):
        if allow_zero:
            raise ValidationError(field, _l("must be 0 or more"), code="negative_amount")
        raise ValidationError(field, _l("must be more than 0"), code="amount_not_positive")
    check_cents(amount, field)
    currency = currency or centre.currency
    if not isinstance(currency, str) or not is_currency(currency):
        raise ValidationError(
            "currency", _l("%(code)s is not an ISO 4217 currency code", code=repr(currency)),
            code="unknown_currency",
        )  # fmt: skip
    if currency != centre.currency:
        raise ValidationError(
            "currency",
            _l("centre %(code)s keeps its books in %(kept)s, not %(given)s",
               code=centre.code, kept=centre.currency, given=currency),
            code="other_currency",
        )  # fmt: skip
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
        raise ValidationError(
            "category", _l("%(typed)s is not an income category", typed=repr(value)),
            code="unknown_category",
        ) from None  # fmt: skip


def implied_category(funder: Funder | None, donor: Donor | None) -> IncomeCategory | None:
    """The category a line from this funder (or its agreement) or donor is booked under."""
    if funder is not None:
        return CATEGORY_OF_FUNDER_TYPE[funder.type]
    if donor is not None:
        return CATEGORY_OF_DONOR_KIND[donor.kind]
    return None


def check_category(value, funder: Funder | None, donor: Donor | None) -> IncomeCategory:
    """The line's category: the one given if it agrees with the counterparty, else refused.

    None (or blank) takes the category the funder's type or the donor implies; a line with
    neither must name one. The refusal names both categories, so the user sees which to pick.
    """
    implied = implied_category(funder, donor)
    if value is None or value == "":
        if implied is None:
            raise ValidationError("category", _l("is required"), code="required")
        return implied
    category = _category(value)
    if funder is not None and funder.type != FunderType.OTHER and category != implied:
        raise ValidationError(
            "category",
            _l(
                "%(funder)s is a funder of type %(type)s: its income is booked as “%(implied)s”,"
                " not “%(given)s”",
                funder=funder.name, type=Label("FUNDER_TYPE_LABELS", funder.type),
                implied=Label("CATEGORY_LABELS", implied), given=Label("CATEGORY_LABELS", category),
            ),
            code="category_of_funder",
        )  # fmt: skip
    if donor is not None and category not in DONOR_CATEGORIES:
        raise ValidationError(
            "category",
            _l(
                "a gift from donor %(donor)s is booked as “%(implied)s”, not “%(given)s”",
                donor=donor.name, implied=Label("CATEGORY_LABELS", implied),
                given=Label("CATEGORY_LABELS", category),
            ),
            code="category_of_donor",
        )  # fmt: skip
    return category


def possible_duplicate(
    session: Session, centre: Centre, values: dict, exclude: int | None = None
) -> IncomeLine | None:
    """A stored line with the same centre, date, amount and counterparty, if there is one."""
    query = select(IncomeLine).where(
        IncomeLine.centre_id == centre.id,
        IncomeLine.booking_date == values["booking_date"],
        IncomeLine.amount == values["amount"],
        IncomeLine.funder_id == values["funder"].id
        if values["funder"] is not None
        else IncomeLine.funder_id.is_(None),
        IncomeLine.donor_id == values["donor"].id
        if values["donor"] is not None
        else IncomeLine.donor_id.is_(None),
    )
    if exclude is not None:
        query = query.where(IncomeLine.id != exclude)
    return session.scalars(query.order_by(IncomeLine.id).limit(1)).first()


def counterparty_name(line: IncomeLine) -> str:
    """Who the money came from, as a treasurer would name it."""
    if line.funder is not None:
        return line.funder.name
    if line.donor is not None:
        return line.donor.name
    return line.description or line.reference or "-"


def _resolve(session: Session, user: User, values: dict, line: IncomeLine | None) -> dict:
    """Check the merged values of a new or changed line; return the model's attributes."""
    refuse_unknown(values, INCOME_FIELDS, "income line")
    merged = (_current(line) if line else {}) | values
    require(merged, "centre", "date", "amount")
    if line is not None and merged["centre"] != line.centre.code:
        raise ValidationError(
            "centre", _l("a line cannot move to another centre; book it anew"), code="centre_fixed"
        )
    centre = line.centre if line else centre_by_code(session, user, merged["centre"])
    require_manage(user, centre.id)
    currency = check_money(merged["amount"], merged.get("currency"), centre)
    if not isinstance(merged["date"], date):
        raise ValidationError("date", _l("is not a date"), code="not_a_date")
    check_year(merged["date"].year, "date")

    funder = donor = agreement = fund = None
    if merged.get("funder") is not None and merged.get("donor") is not None:
        raise ValidationError(
            "donor", _l("give a funder or a donor, not both"), code="funder_and_donor"
        )
    if merged.get("agreement") is not None:
        agreement = referenced(session, user, FundingAgreement, merged["agreement"], "agreement",
                               "funding agreement")  # fmt: skip
        if agreement.centre_id != centre.id:
            raise ValidationError(
                "agreement", _l("agreement %(id)s is another centre's", id=agreement.id),
                code="other_centre",
            )  # fmt: skip
        if merged.get("donor") is not None:
            raise ValidationError(
                "donor", _l("income under a funding agreement comes from its funder"),
                code="donor_with_agreement",
            )  # fmt: skip
        if merged.get("funder") not in (None, agreement.funder_id):
            raise ValidationError(
                "funder", _l("agreement %(id)s is with another funder", id=agreement.id),
                code="agreement_of_other_funder",
            )  # fmt: skip
        funder = agreement.funder
    elif merged.get("funder") is not None:
        funder = referenced(session, user, Funder, merged["funder"], "funder", "funder")
        # The national office sees every centre's private persons; a centre books its own.
        if funder.centre_id not in (None, centre.id):
            raise ValidationError(
                "funder", _l("funder %(id)s is a private person of another centre", id=funder.id),
                code="other_centre",
            )  # fmt: skip
    if merged.get("donor") is not None:
        donor = referenced(session, user, Donor, merged["donor"], "donor", "donor")
        if donor.centre_id != centre.id:
            raise ValidationError(
                "donor", _l("donor %(id)s is another centre's", id=donor.id), code="other_centre"
            )
    if merged.get("fund") is not None:
        fund = referenced(session, user, EarmarkedFund, merged["fund"], "fund", "earmarked fund")
        if fund.centre_id != centre.id:
            raise ValidationError(
                "fund", _l("earmarked fund %(id)s is another centre's", id=fund.id),
                code="other_centre",
            )  # fmt: skip

    parts = _parts(session, user, merged, line, centre, fund, given_fund=values.get("fund"))
    grant = None
    if merged.get("grant") is not None:
        grant = grant_for_line(session, user, merged["grant"], centre)
    external_id = merged.get("external_id") or None
    if external_id is not None and not str(external_id).strip():
        raise ValidationError(
            "external_id", _l("is blank; leave it out or send your payment's id"),
            code="blank_external_id",
        )  # fmt: skip
    if external_id is not None:
        query = select(IncomeLine.id).where(
            IncomeLine.centre_id == centre.id, IncomeLine.external_id == external_id
        )
        if line is not None:
            query = query.where(IncomeLine.id != line.id)
        existing = session.scalar(query)
        if existing is not None:
            raise already_booked(existing)
    return {
        "centre": centre,
        "booking_date": merged["date"],
        "amount": merged["amount"],
        "currency": currency,
        "category": check_category(merged.get("category"), funder, donor),
        "funder": funder,
        "donor": donor,
        "agreement": agreement,
        "earmarked_fund": fund,
        "fund_parts": parts,
        "grant": grant,
        "reference": merged.get("reference") or "",
        "description": merged.get("description") or "",
        "external_id": external_id,
    }


def _parts(session, user, merged: dict, line, centre: Centre, fund, *, given_fund=None):
    """The line's parts over funds to write (income.splits), or None to leave them as they are.

    `funds` given decides (a list of none or one part is no split); `fund` given with it
    must be that one part (a changed line's own fund gives way to the parts). Without
    `funds`, a split line keeps its parts, unless it is given one fund; its amount may not
    change then, or the parts would no longer add up.
    """
    if merged.get("funds") is not None:
        parts = check_parts(
            merged["funds"], merged["amount"], centre.id, referenced_fund(session, user)
        )
        if given_fund is not None and parts and [f.id for f, _share in parts] != [fund.id]:
            raise ValidationError(
                "funds", _l("give one earmarked fund or the parts over funds, not both"),
                code="fund_and_parts",
            )  # fmt: skip
        return parts or ([(fund, merged["amount"])] if fund is not None else [])
    if line is None or not line.fund_parts:
        return None
    if fund is not None:
        return [(fund, merged["amount"])]
    if merged["amount"] != line.amount:
        raise ValidationError(
            "funds",
            _l("line %(id)s is split over funds: give its parts again for the new amount",
               id=line.id),
            code="split_amount_changed",
        )  # fmt: skip
    return None


def book_income(
    session: Session,
    user: User,
    values: dict,
    source: IncomeSource = IncomeSource.MANUAL,
    *,
    confirm_duplicate: bool = False,
    confirm_incidental: bool = False,
) -> IncomeLine:
    """Book one income line after checking every rule; flushed, not committed.

    A line like one already booked (same centre, date, amount and counterparty, no
    external_id of its own) raises PossibleDuplicate unless `confirm_duplicate` is given.
    A gift from a donor pays their next open instalment of a recurring gift
    (fundtrack.giving.operations.match_line).
    A line to a funder that names no agreement gets the funder's only agreement running on
    its date; with several of which one is structural it raises IncidentalUnconfirmed
    (field `agreement`) unless `confirm_incidental` is given (income.agreements).
    """
    resolved = _resolve(session, user, values, None)
    if resolved["funder"] is not None and resolved["agreement"] is None:
        running = agreement_for_funder(
            session, resolved["centre"].id, resolved["funder"], resolved["booking_date"],
            confirm_incidental=confirm_incidental,
        )  # fmt: skip
        if running is not None:
            resolved["agreement"] = session.get(FundingAgreement, running.id)
    if not confirm_duplicate and resolved["external_id"] is None:
        twin = possible_duplicate(session, resolved["centre"], resolved)
        if twin is not None:
            raise PossibleDuplicate(
                "confirm_duplicate",
                _l(
                    "possible duplicate: line %(id)s of %(date)s has the same amount (%(amount)s)"
                    " and counterparty (%(who)s); confirm to book this one as well",
                    id=twin.id, date=Day(twin.booking_date),
                    amount=network_format().money(twin.amount, twin.currency),
                    who=counterparty_name(twin),
                ),
                twin.id,
                code="possible_duplicate",
            )  # fmt: skip
    parts = resolved.pop("fund_parts")
    line = IncomeLine(source=source, **resolved)
    if parts is not None:
        write_parts(session, line, parts)
    session.add(line)
    with refusing_closed_years("date"):
        session.flush()
    # A gift from a donor with a recurring gift pays its next open instalment (giving).
    match_line(session, line)
    return line


def check_batch_size(items: list) -> None:
    """Refuse an empty batch and one longer than BATCH_MAX (before each line is read)."""
    if not items:
        raise ValidationError("items", _l("send at least one income line"), code="empty_batch")
    if len(items) > BATCH_MAX:
        raise ValidationError(
            "items", _l("at most %(max)s lines per batch", max=BATCH_MAX), code="batch_too_long"
        )


def book_income_batch(
    session: Session,
    user: User,
    items: Iterable[dict],
    source: IncomeSource = IncomeSource.API,
    *,
    confirm_duplicate: bool = False,
) -> list[IncomeLine]:
    """Book every line or none: the first refused item raises, naming its index.

    The caller runs this inside a transaction (or savepoint) it rolls back on error.
    The same external_id twice within the batch is refused like a duplicate of a stored line.
    Each item may carry its own `confirm_incidental` (see book_income): a question per line.
    """
    items = list(items)
    check_batch_size(items)
    seen: dict[tuple, int] = {}
    lines = []
    for index, values in enumerate(items):
        try:
            key = (values.get("centre"), values.get("external_id"))
            if key[1] is not None and key in seen:
                raise ValidationError(
                    "external_id", _l("repeats item %(index)s of this batch", index=seen[key]),
                    code="repeated_in_batch",
                )  # fmt: skip
            seen[key] = index
            values = dict(values)
            confirm_incidental = bool(values.pop("confirm_incidental", False))
            line = book_income(
                session, user, values, source, confirm_duplicate=confirm_duplicate,
                confirm_incidental=confirm_incidental,
            )  # fmt: skip
            lines.append(line)
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
            conflict = already_booked(existing)
            return conflict.at_index(index) if len(items) > 1 else conflict
    return None


def already_booked(existing: int) -> Conflict:
    """The refusal of a line whose external id is booked already (as line `existing`)."""
    return Conflict(
        "external_id", _l("already booked as income line %(id)s", id=existing), existing,
        code="already_booked",
    )  # fmt: skip


def update_income(session: Session, user: User, line: IncomeLine, values: dict) -> IncomeLine:
    """Change some fields of a line; the whole line is checked again."""
    require_manage(user, line.centre_id)
    resolved = _resolve(session, user, values, line)
    parts = resolved.pop("fund_parts")
    for attribute, value in resolved.items():
        setattr(line, attribute, value)
    if parts is not None:
        write_parts(session, line, parts)
    with refusing_closed_years("date"):
        session.flush()
    rematch_line(session, line)
    return line


def delete_income(session: Session, user: User, line: IncomeLine) -> None:
    """Delete a line (and its parts over funds, each audited), unless its year is closed or a
    giving statement names it."""
    require_manage(user, line.centre_id)
    refuse_stated(session, IncomeLine.id == line.id)
    line.fund_parts  # noqa: B018 -- loaded, so the parts are deleted (and logged) one by one
    session.delete(line)
    with refusing_closed_years("date"):
        session.flush()
