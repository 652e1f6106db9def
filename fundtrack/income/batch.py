"""Batch entry: many income lines typed as rows, booked all together or not at all.

Each row goes through `book_income`, the operation the API and the single-line form use, in a
savepoint of its own; every refusal is kept under the row's number and field, so the screen
shows them all at once. The typed count and total are checked against the rows. When
anything is refused, the whole batch's savepoint is rolled back: nothing is booked.
"""

import re
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from babel.numbers import format_decimal
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundtrack.auth.access import require_manage
from fundtrack.auth.models import User
from fundtrack.centres.models import Centre
from fundtrack.errors import DomainError, ValidationError
from fundtrack.income.donors import create_donor
from fundtrack.income.models import Donor, Funder, FundingAgreement, IncomeLine, IncomeSource
from fundtrack.income.operations import BATCH_MAX, book_income
from fundtrack.money import parse_amount

ROW_FIELDS = ("date", "counterparty", "category", "amount", "description")
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
}


@dataclass
class Row:
    """One row as typed: text, not yet values."""

    number: int
    date: str = ""
    counterparty: str = ""
    category: str = ""
    amount: str = ""
    description: str = ""
    new_donor: bool = False
    confirm_duplicate: bool = False

    @property
    def blank(self) -> bool:
        # A date alone (carried down into a row never used) is not a line.
        return not any(
            getattr(self, name).strip() for name in ("counterparty", "amount", "description")
        )


@dataclass
class BatchResult:
    """What booking a batch came to: the lines, or the refusals per row and for the batch."""

    lines: list[IncomeLine] = field(default_factory=list)
    # row number -> field -> English messages (screens translate them)
    errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    batch_errors: list[tuple[str, dict]] = field(default_factory=list)
    count: int = 0
    total: Decimal = Decimal("0.00")

    @property
    def booked(self) -> bool:
        return not self.errors and not self.batch_errors

    def refuse(self, number: int, row_field: str, message: str) -> None:
        self.errors.setdefault(number, {}).setdefault(row_field, []).append(message)


def rows_from_form(form) -> list[Row]:
    """The rows of a posted form (`rows-3-amount` and so on), in order, blank ones left out."""
    numbers = sorted(
        {int(m.group(1)) for key in form if (m := re.fullmatch(r"rows-(\d+)-\w+", key))}
    )
    rows = []
    for index in numbers[:BATCH_MAX]:
        values = {name: (form.get(f"rows-{index}-{name}") or "") for name in ROW_FIELDS}
        row = Row(
            number=len(rows) + 1,
            new_donor=bool(form.get(f"rows-{index}-new_donor")),
            confirm_duplicate=bool(form.get(f"rows-{index}-confirm_duplicate")),
            **values,
        )
        if not row.blank:
            rows.append(row)
    return rows


_DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})(?:[-/.](\d{2}|\d{4}))?")


def parse_day(text: str, today: date) -> date:
    """A date as people type it: 2025-06-12, 12-6-2025, 12.6.2025, 12/6 (this year)."""
    typed = text.strip()
    if not typed:
        raise ValidationError("date", "is required")
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", typed):
            return date(*(int(part) for part in typed.split("-")))
        match = _DAY_FIRST.fullmatch(typed)
        if match:
            day, month, year = match.groups()
            year = int(year) if year else today.year
            return date(year + 2000 if year < 100 else year, int(month), int(day))
    except ValueError:
        pass
    raise ValidationError("date", "is not a date")


def counterparties(session: Session, centre: Centre) -> dict[str, dict]:
    """What a row's "from" may name, by the words typed: funders, agreements, donors.

    Agreements read "Funder: title"; a donor's name that a funder also has means the funder.
    """
    found: dict[str, dict] = {}
    for donor in session.scalars(
        select(Donor).where(Donor.centre_id == centre.id).order_by(Donor.name)
    ):
        found[donor.name] = {"donor": donor.id}
    # Shared funders, and the private persons of this centre only.
    funders = select(Funder).where(Funder.centre_id.is_(None) | (Funder.centre_id == centre.id))
    for funder in session.scalars(funders.order_by(Funder.name)):
        found[funder.name] = {"funder": funder.id}
    agreements = session.scalars(
        select(FundingAgreement)
        .where(FundingAgreement.centre_id == centre.id)
        .order_by(FundingAgreement.start_date)
    )
    for agreement in agreements:
        found[agreement_label(agreement)] = {"agreement": agreement.id}
    return found


def agreement_label(agreement: FundingAgreement) -> str:
    return f"{agreement.funder.name}: {agreement.title or agreement.start_date.isoformat()}"


def _lookup(known: dict[str, dict], typed: str) -> dict | None:
    if typed in known:
        return known[typed]
    folded = {name.casefold(): ids for name, ids in known.items()}
    return folded.get(typed.casefold())


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
    batch = session.begin_nested()
    for row in rows:
        amount = _typed_amount(row, locale, result)
        if amount is not None:
            result.total += amount
        result.count += 1
        values = _values(session, user, centre, row, known, amount, today, result)
        if values is None:
            continue
        try:
            with session.begin_nested():
                result.lines.append(
                    book_income(
                        session,
                        user,
                        values,
                        IncomeSource.MANUAL,
                        confirm_duplicate=row.confirm_duplicate,
                    )
                )
        except DomainError as error:
            result.refuse(row.number, _ON_ROW.get(error.field, "row"), error.message)
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


def _typed_amount(row: Row, locale: str, result: BatchResult) -> Decimal | None:
    try:
        return parse_amount(row.amount, locale, "amount")
    except ValidationError as error:
        result.refuse(row.number, "amount", error.message)
        return None


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
        ids = _lookup(known, name)
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
            result.refuse(
                row.number, "counterparty", f"no donor, funder or agreement called {name!r}"
            )
        values |= ids or {}
    if amount is None or row.number in result.errors:
        return None
    return values


def copy_rows(
    session: Session,
    user: User,
    centre: Centre,
    counterparty: str,
    source: tuple[int, int],
    target: tuple[int, int],
    locale: str,
) -> list[Row]:
    """A funder's or agreement's lines of the month `source`, as rows dated in `target`.

    Each keeps its day of the month (the 31st becomes the target month's last day), amount,
    category and description: what recurs, ready to confirm or change.
    """
    require_manage(user, centre.id)
    ids = _lookup(counterparties(session, centre), counterparty.strip())
    if ids is None:
        raise ValidationError(
            "counterparty", f"no donor, funder or agreement called {counterparty!r}"
        )
    (year, month), (to_year, to_month) = source, target
    first, last = date(year, month, 1), date(year, month, monthrange(year, month)[1])
    column = {
        "funder": IncomeLine.funder_id,
        "donor": IncomeLine.donor_id,
        "agreement": IncomeLine.agreement_id,
    }
    ((kind, row_id),) = ids.items()
    lines = session.scalars(
        select(IncomeLine)
        .where(
            IncomeLine.centre_id == centre.id,
            column[kind] == row_id,
            IncomeLine.booking_date.between(first, last),
        )
        .order_by(IncomeLine.booking_date, IncomeLine.id)
    )
    rows = []
    for line in lines:
        day = min(line.booking_date.day, monthrange(to_year, to_month)[1])
        name = counterparty.strip()
        if line.agreement is not None and kind != "agreement":
            name = agreement_label(line.agreement)
        rows.append(
            Row(
                number=len(rows) + 1,
                date=date(to_year, to_month, day).isoformat(),
                counterparty=name,
                category=line.category.value,
                amount=format_decimal(line.amount, format="#,##0.00", locale=locale),
                description=line.description,
            )
        )
    return rows
