"""Batch entry: many income lines typed as rows, booked all together or not at all.

Each row goes through `book_income`, the operation the API and the single-line form use, in a
savepoint of its own; every refusal is kept under the row's number and field, so the screen
shows them all at once. The typed count and total are checked against the rows. When
anything is refused, the whole batch's savepoint is rolled back: nothing is booked.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from fundtrack.auth.access import require_manage
from fundtrack.auth.models import User
from fundtrack.centres.models import Centre
from fundtrack.errors import DomainError, ValidationError
from fundtrack.income.agreements import IncidentalUnconfirmed, structural_agreements
from fundtrack.income.batch_rows import Row, counterparties, fund_names, lookup, parse_day
from fundtrack.income.donors import create_donor
from fundtrack.income.models import IncomeLine, IncomeSource
from fundtrack.income.operations import book_income, counterparty_name
from fundtrack.income.splits import parse_parts
from fundtrack.money import parse_amount

# Where an operation's field shows on a row.
_ON_ROW = {
    "date": "date",
    "amount": "amount",
    "currency": "amount",
    "category": "category",
    "funder": "counterparty",
    "donor": "counterparty",
    "agreement": "counterparty",
    "name": "counterparty",
    "kind": "counterparty",
    "description": "description",
    "reference": "description",
    "confirm_duplicate": "confirm_duplicate",
    "fund": "funds",
    "funds": "funds",
}


@dataclass(frozen=True)
class Outcome:
    """What a row came to, as plain values (kept past the commit or the rollback): who paid,
    the agreement it is booked under (if any), structural or not."""

    day: date
    amount: Decimal
    currency: str
    who: str
    agreement: str | None
    structural: bool


@dataclass
class BatchResult:
    """What booking a batch came to: the lines, or the refusals per row and for the batch."""

    lines: list[IncomeLine] = field(default_factory=list)
    # row number -> field -> messages (lazy: in the words of whoever reads them)
    errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    batch_errors: list[tuple[str, dict]] = field(default_factory=list)
    count: int = 0
    total: Decimal = Decimal("0.00")
    # row number -> what the row came to, also for the rows of a refused batch
    outcomes: dict[int, Outcome] = field(default_factory=dict)

    @property
    def booked(self) -> bool:
        return not self.errors and not self.batch_errors

    def refuse(self, number: int, row_field: str, message) -> None:
        self.errors.setdefault(number, {}).setdefault(row_field, []).append(message)


def book_batch(
    session: Session,
    user: User,
    centre: Centre,
    rows: list[Row],
    *,
    expected_count: int | None,
    expected_total: Decimal | None,
    locale: str,
    today: date | None = None,
) -> BatchResult:
    """Book every row or none; the result names each refused row and field.

    `expected_count` and `expected_total` are what the treasurer counted on the bank
    statement; a batch that does not add up to them is refused as a whole.
    """
    today = today or date.today()
    result = BatchResult()
    if not rows:
        result.batch_errors.append(("no_rows", {}))
        return result
    require_manage(user, centre.id)
    known = counterparties(session, centre)
    funds = fund_names(session, centre)
    batch = session.begin_nested()
    booked: list[tuple[Row, IncomeLine]] = []
    for row in rows:
        amount = _typed_amount(row, locale, result)
        if amount is not None:
            result.total += amount
        result.count += 1
        values = _values(session, user, centre, row, known, amount, today, result)
        if values is not None:
            values = _with_funds(values, row, funds, amount, locale, result)
        if values is None:
            continue
        try:
            with session.begin_nested():
                line = book_income(
                    session, user, values, IncomeSource.MANUAL,
                    confirm_duplicate=row.confirm_duplicate,
                    confirm_incidental=row.confirm_incidental,
                )  # fmt: skip
        except IncidentalUnconfirmed as error:
            # Asked beside the row's own checkbox, not as a fault of its name.
            result.refuse(row.number, "confirm_incidental", error.message)
        except DomainError as error:
            result.refuse(row.number, _ON_ROW.get(error.field, "row"), error.message)
        else:
            result.lines.append(line)
            booked.append((row, line))
    _note_outcomes(session, booked, result)
    if expected_count is not None and expected_count != result.count:
        result.batch_errors.append(("count", {"expected": expected_count, "counted": result.count}))
    if expected_total is not None and expected_total != result.total:
        result.batch_errors.append(("total", {"expected": expected_total, "counted": result.total}))
    if result.booked:
        batch.commit()
    else:
        batch.rollback()
        result.lines = []
    return result


def _note_outcomes(session, booked: list[tuple[Row, IncomeLine]], result: BatchResult) -> None:
    """Each booked row's agreement and classification, read before a refused batch is rolled
    back (one query); a funder's agreement filled in shows in the row's "from" as well."""
    structural = structural_agreements(session, (line.agreement_id for _row, line in booked))
    for row, line in booked:
        label = str(line.agreement) if line.agreement else None
        result.outcomes[row.number] = Outcome(
            line.booking_date, line.amount, line.currency, counterparty_name(line), label,
            line.agreement_id in structural,
        )  # fmt: skip
        if label is not None:
            row.counterparty = label


def _typed_amount(row: Row, locale: str, result: BatchResult) -> Decimal | None:
    try:
        return parse_amount(row.amount, locale, "amount")
    except ValidationError as error:
        result.refuse(row.number, "amount", error.message)
        return None


def _with_funds(values: dict, row: Row, funds: dict, amount, locale: str, result) -> dict | None:
    """The row's typed funds (one fund's name, or parts) as the operation's `funds`."""
    try:
        parts = parse_parts(
            row.funds, funds, amount, lambda typed: parse_amount(typed, locale, "funds")
        )
    except ValidationError as error:
        result.refuse(row.number, "funds", error.message)
        return None
    return values if parts is None else values | {"funds": parts}


def _unknown_name(name: str):
    return _l(
        "no donor, funder or agreement is called %(name)s; tick “new donor” to add one",
        name=repr(name),
    )


def _values(session, user, centre, row, known, amount, today, result) -> dict | None:
    """The row as the operation's values, or None when it cannot even be read."""
    values: dict = {"centre": centre.code, "amount": amount, "description": row.description}
    try:
        values["date"] = parse_day(row.date, today)
    except ValidationError as error:
        result.refuse(row.number, "date", error.message)
    if row.category:
        values["category"] = row.category
    name = row.counterparty.strip()
    if name:
        ids = lookup(known, name)
        if ids is None and row.new_donor:
            try:
                donor = create_donor(
                    session, user, {"centre": centre.code, "kind": "person", "name": name}
                )
            except DomainError as error:
                result.refuse(row.number, "counterparty", error.message)
            else:
                ids = known[donor.name] = {"donor": donor.id}
        elif ids is None:
            result.refuse(row.number, "counterparty", _unknown_name(name))
        values |= ids or {}
    if amount is None or row.number in result.errors:
        return None
    return values
