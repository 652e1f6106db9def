"""The plan of an import: each entry as it would be booked, skipped, or refused, and why.

The same plan serves the preview (shown, nothing written) and the commit (booked as
planned), so what the user saw is what gets booked. The checks are the ones `book_income`
makes (income.operations: amount and currency, year, category against the counterparty,
external id once per centre), plus a closed fiscal year, run over loaded rows and a few
statements per thousand entries instead of several per entry.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import String, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from fundtrack.centres.locks import current_network, locked_years
from fundtrack.errors import DomainError
from fundtrack.imports.entries import Entry, row_fingerprint
from fundtrack.imports.matching import Counterparties, Match, counterparty_key
from fundtrack.income.models import IncomeLine
from fundtrack.income.operations import check_category, check_money
from fundtrack.operations import check_year

CHUNK = 1000

BOOK = "book"
DUPLICATE = "duplicate"
SKIPPED = "skipped"
REVERSE = "reverse"  # a reversal of a line booked before: booking removes that line
ERROR = "error"


@dataclass(slots=True)
class PlanRow:
    row: int
    status: str
    booking_date: date | None
    amount: Decimal | None
    name: str
    iban: str | None
    text: str
    reference: str
    external_id: str | None
    key: str
    match: Match | None = None
    category: str | None = None
    reason: str = ""
    errors: list = field(default_factory=list)
    target_line: int | None = None  # for REVERSE: the stored line it removes

    def as_dict(self) -> dict:
        """Plain data for the screen, the API and the preview file."""
        match = self.match
        return {
            "row": self.row,
            "status": self.status,
            "date": self.booking_date.isoformat() if self.booking_date else None,
            "amount": str(self.amount) if self.amount is not None else None,
            "name": self.name,
            "iban": self.iban,
            "text": self.text,
            "reference": self.reference,
            "external_id": self.external_id,
            "key": self.key,
            "match": None if match is None else {
                "kind": match.kind, "id": match.id, "label": match.label, "by": match.by,
            },
            "category": self.category,
            "structural": bool(match and match.structural),
            "reason": self.reason,
            "errors": [list(error) for error in self.errors],
            "target_line": self.target_line,
        }  # fmt: skip


@dataclass
class Plan:
    rows: list[PlanRow] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def bookable(self) -> list[PlanRow]:
        return [row for row in self.rows if row.status == BOOK]

    @property
    def total(self) -> Decimal:
        return sum((row.amount for row in self.bookable), Decimal("0.00"))


def make_plan(
    session: Session,
    known: Counterparties,
    entries: Iterable[Entry],
    choices: dict,
    progress=None,
) -> Plan:
    """Read every entry into a plan row; `progress(done)` is called every thousand entries."""
    centre = known.centre
    network = current_network(session)
    closed = locked_years(session)
    plan = Plan()
    seen_ids: set[str] = set()
    fingerprints: dict[tuple, int] = {}
    credits_by_ref: dict[tuple, PlanRow] = {}
    reversals: list[tuple[Entry, PlanRow]] = []
    pending: list[PlanRow] = []
    for entry in entries:
        row = _row(entry)
        plan.rows.append(row)
        if entry.errors:
            row.status, row.errors = ERROR, list(entry.errors)
        elif not entry.credit and entry.reversal:
            row.status = REVERSE
            reversals.append((entry, row))
        elif not entry.income:
            row.status = SKIPPED
            row.reason = _why_not_income(entry)
        else:
            _check(row, entry, centre, network, closed, known, choices)
        if row.status in (BOOK, ERROR) and row.external_id is None and row.amount is not None:
            fingerprint = (row.booking_date, row.amount, row.key, row.text, row.reference)
            fingerprints[fingerprint] = fingerprints.get(fingerprint, 0) + 1
            row.external_id = row_fingerprint(entry, fingerprints[fingerprint])
        if row.status == BOOK:
            if row.external_id in seen_ids:
                row.status, row.reason = DUPLICATE, "the same entry appears earlier in this file"
            else:
                seen_ids.add(row.external_id)
                pending.append(row)
                if entry.end_to_end:
                    credits_by_ref.setdefault((entry.end_to_end, row.amount), row)
        if len(pending) >= CHUNK:
            _mark_booked(session, centre.id, pending)
            pending = []
        if progress is not None and len(plan.rows) % CHUNK == 0:
            progress(len(plan.rows))
    _mark_booked(session, centre.id, pending)
    _mark_by_reference(session, centre.id, plan.rows)
    _reversals(session, centre.id, reversals, credits_by_ref, plan, closed, network)
    return plan


def _row(entry: Entry) -> PlanRow:
    return PlanRow(
        row=entry.row,
        status=BOOK,
        booking_date=entry.booking_date,
        amount=entry.amount,
        name=entry.name,
        iban=entry.iban,
        text=entry.text,
        reference=entry.reference,
        external_id=entry.external_id,
        key=counterparty_key(entry.iban, entry.name),
    )


def _why_not_income(entry: Entry) -> str:
    if not entry.credit:
        return "money going out is not income"
    if not entry.booked:
        return "pending or informational: not booked by the bank yet"
    return "a reversal of a payment is not income"


def _check(row, entry, centre, network, closed, known, choices) -> None:
    """book_income's checks on a row, each refusal kept under its column."""
    match = known.match(entry.iban, entry.name, entry.booking_date, choices)
    row.match = match
    if match.kind == "skip":
        row.status, row.reason = SKIPPED, "left out in the preview"
        return
    errors = row.errors
    try:
        check_money(entry.amount, entry.currency or None, centre)
    except DomainError as error:
        errors.append(("amount" if error.field == "amount" else "currency", error.message))
    try:
        check_year(entry.booking_date.year, "date")
        year = network.fiscal_year_of(entry.booking_date)
        if year in closed:
            errors.append(("date", f"fiscal year {year} is closed; its lines can no longer change"))
    except DomainError as error:
        errors.append(("date", error.message))
    if match.kind is None:
        errors.append(("name", "no name and no known IBAN: who paid this?"))
    else:
        funder = known.funders.get(match.funder_id) if match.funder_id else None
        donor = known.donors.get(match.id) if match.kind == "donor" else None
        try:
            wanted = entry.category or (match.category if match.kind == "new_donor" else None)
            row.category = check_category(wanted or None, funder, donor).value
        except DomainError as error:
            errors.append(("category", error.message))
    if errors:
        row.status = ERROR


def _mark_booked(session: Session, centre_id: int, rows: list[PlanRow]) -> None:
    """Rows whose external id (or bank reference as an external id) a stored line has."""
    if not rows:
        return
    ids = {row.external_id for row in rows}
    refs = {row.reference for row in rows if row.reference}
    stored_ids = dict(
        session.execute(
            select(IncomeLine.external_id, IncomeLine.id).where(
                IncomeLine.centre_id == centre_id,
                _among(session, IncomeLine.external_id, ids | refs),
            )
        ).all()
    )
    for row in rows:
        line = stored_ids.get(row.external_id) or stored_ids.get(row.reference or None)
        if line is not None:
            row.status, row.reason, row.target_line = DUPLICATE, "already booked", line


def _mark_by_reference(session: Session, centre_id: int, rows: list[PlanRow]) -> None:
    """Rows whose bank reference and amount a stored line of the centre has.

    Once for the whole file on PostgreSQL: `reference` has only a trigram index (for the
    lists' search), and an equality lookup through it costs seconds per thousand references
    on a big table; one hashed semi-join over the centre's lines costs one scan.
    """
    rows = [row for row in rows if row.status == BOOK and row.reference]
    postgresql = session.get_bind().dialect.name == "postgresql"
    step = len(rows) or 1 if postgresql else CHUNK
    for start in range(0, len(rows), step):
        part = rows[start : start + step]
        refs = sorted({row.reference for row in part})
        if postgresql:
            wanted = select(func.unnest(bindparam(None, refs, type_=ARRAY(String))))
            among = IncomeLine.reference.concat("").in_(wanted)
        else:
            among = IncomeLine.reference.in_(refs)
        stored = {
            (reference, amount): line_id
            for reference, amount, line_id in session.execute(
                select(IncomeLine.reference, IncomeLine.amount, IncomeLine.id).where(
                    IncomeLine.centre_id == centre_id, among
                )
            )
        }
        for row in part:
            line = stored.get((row.reference, row.amount))
            if line is not None:
                row.status, row.reason, row.target_line = DUPLICATE, "already booked", line


def _among(session: Session, column, values: set):
    """`column IN values`; on PostgreSQL one array parameter rather than a thousand."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, sorted(values), type_=ARRAY(String)))
    return column.in_(values)


def _reversals(session, centre_id, reversals, credits_by_ref, plan, closed, network) -> None:
    """A reversal cancels the credit it names in this file, or removes a line booked before."""
    for entry, row in reversals:
        key = (entry.end_to_end, entry.amount)
        credit = credits_by_ref.pop(key, None) if entry.end_to_end else None
        if credit is None:
            credit = next(
                (
                    other
                    for other in plan.rows
                    if other.status == BOOK
                    and other.row < row.row
                    and other.amount == entry.amount
                    and other.key == row.key
                    and other.key != "name:"
                ),
                None,
            )
        if credit is not None and credit.status == BOOK:
            credit.status, credit.reason = SKIPPED, f"reversed by row {row.row}"
            row.status, row.reason = SKIPPED, f"reverses row {credit.row}"
            continue
        line = None
        if entry.end_to_end:
            line = session.execute(
                select(IncomeLine.id, IncomeLine.fiscal_year).where(
                    IncomeLine.centre_id == centre_id,
                    IncomeLine.amount == entry.amount,
                    (IncomeLine.reference == entry.end_to_end)
                    | (IncomeLine.external_id == entry.end_to_end),
                )
            ).first()
        if line is None:
            row.status, row.reason = SKIPPED, "reverses a payment that is not in the books"
        elif line.fiscal_year in closed:
            row.status = ERROR
            row.errors = [("date", f"reverses income line {line.id} of closed year "
                                   f"{line.fiscal_year}")]  # fmt: skip
        else:
            row.target_line, row.reason = line.id, f"removes income line {line.id}"
