"""The plan of an import: each entry as it would be booked, skipped, or refused, and why.

The same plan serves the preview (shown, nothing written) and the commit (booked as
planned), so what the user saw is what gets booked. The checks are the ones `book_income`
makes (income.operations: amount and currency, year, category against the counterparty,
external id once per centre), plus a closed fiscal year, run over loaded rows and a few
statements per window of entries instead of several per entry.

The plan streams: a window of WINDOW rows is held at once, checked against the books and
passed on (the preview writes it to the plan file, `kept`), so a file of any length costs
the same memory, apart from the ids seen so far that stop a row being booked twice. A
reversal may cancel a credit of a window already passed on; what it changes comes back at
the end as `Planner.overrides`, applied wherever the rows are read again.
"""

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import String, any_, bindparam, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, aliased

from fundtrack.centres.locks import current_network, locked_years
from fundtrack.errors import DomainError, YearLocked, stored
from fundtrack.giving import returns
from fundtrack.imports.entries import Entry, row_fingerprint
from fundtrack.imports.fund_parts import FundColumn
from fundtrack.imports.matching import Counterparties, Match, counterparty_key
from fundtrack.income.models import IncomeLine
from fundtrack.income.operations import check_category, check_money
from fundtrack.operations import check_year

CHUNK = 1000
WINDOW = 5000

BOOK = "book"
DUPLICATE = "duplicate"
SKIPPED = "skipped"
REVERSE = "reverse"  # a reversal of a line booked before: booking removes that line
ERROR = "error"
# The centre's own direct debits coming back (fundtrack.giving.returns): a credit that pays
# collected instalments, and a return that marks one failed.
COLLECTED, RETURNED = returns.COLLECTED, returns.RETURNED
STATUSES = (BOOK, DUPLICATE, SKIPPED, REVERSE, ERROR, COLLECTED, RETURNED)
ALREADY_BOOKED = stored(_l("already booked"))

_MATCH_FIELDS = ("kind", "id", "label", "by", "category", "structural", "funder_id", "donor_kind",
                 "question")  # fmt: skip


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
    end_to_end: str = ""
    match: Match | None = None
    category: str | None = None
    # Why a row is not booked as it came, and its refusals as [column, message]: messages in
    # their stored form (errors.stored: msgid and parameters), put into words when shown.
    reason: dict | str = ""
    errors: list = field(default_factory=list)
    target_line: int | None = None  # for REVERSE: the stored line it removes
    account: str = ""  # the other party's account as written, when it is no IBAN
    # COLLECTED: the collection items it pays; RETURNED: the item and the reason code.
    direct_debit: list = field(default_factory=list)
    # The funds column read (imports.fund_parts): [[fund id, "amount"], ...]
    funds: list = field(default_factory=list)

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
            "account": self.account,
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
            "funds": self.funds,
        }  # fmt: skip

    def as_list(self) -> list:
        """The row as one line of the plan file (`from_list` reads it back)."""
        match = self.match
        return [
            self.row, self.status,
            self.booking_date.isoformat() if self.booking_date else None,
            str(self.amount) if self.amount is not None else None,
            self.name, self.iban, self.text, self.reference, self.external_id, self.key,
            self.end_to_end,
            None if match is None else [getattr(match, name) for name in _MATCH_FIELDS],
            self.category, self.reason, [list(error) for error in self.errors], self.target_line,
            self.account, self.direct_debit, self.funds,
        ]  # fmt: skip

    @classmethod
    def from_list(cls, values: list) -> "PlanRow":
        (row, status, day, amount, name, iban, text, reference, external_id, key, end_to_end,
         match, category, reason, errors, target_line, *rest) = values  # fmt: skip
        return cls(
            row, status, date.fromisoformat(day) if day else None,
            Decimal(amount) if amount is not None else None, name, iban, text, reference,
            external_id, key, end_to_end,
            Match(*match) if match is not None else None, category, reason,
            [tuple(error) for error in errors], target_line, rest[0] if rest else "",
            rest[1] if len(rest) > 1 else [], rest[2] if len(rest) > 2 else [],
        )  # fmt: skip

    def change(self, override: dict) -> None:
        self.status = override["status"]
        self.reason = override["reason"]
        self.errors = [tuple(error) for error in override["errors"]]
        self.target_line = override["target_line"]


class Planner:
    """Plans a file's entries for one centre, a window at a time."""

    def __init__(self, session: Session, known: Counterparties, choices: dict):
        self.session = session
        self.known = known
        self.choices = choices
        self.network = current_network(session)
        self.closed = locked_years(session)
        self.seen_ids: set[str] = set()
        self.fingerprints: dict[bytes, int] = {}
        self.reversals: list[PlanRow] = []
        self.overrides: dict[int, dict] = {}
        self.direct_debits = returns.DirectDebits(session, known.centre.id, self.closed)
        self.fund_column: FundColumn | None = None

    def plan(self, entries: Iterable[Entry], progress=None) -> Iterator[PlanRow]:
        """Every entry as a plan row, in file order; `progress(done)` every thousand."""
        window: list[PlanRow] = []
        for done, entry in enumerate(entries, start=1):
            window.append(self._row(entry))
            if len(window) >= WINDOW:
                mark_stored(self.session, self.known.centre.id, window)
                yield from window
                window = []
            if progress is not None and done % CHUNK == 0:
                progress(done)
        mark_stored(self.session, self.known.centre.id, window)
        yield from window

    def _row(self, entry: Entry) -> PlanRow:
        row = PlanRow(
            row=entry.row, status=BOOK, booking_date=entry.booking_date, amount=entry.amount,
            name=entry.name, iban=entry.iban, text=entry.text, reference=entry.reference,
            external_id=entry.external_id, key=counterparty_key(entry.iban, entry.name),
            end_to_end=entry.end_to_end, account=entry.account,
        )  # fmt: skip
        undoes_income = not entry.credit and entry.reversal
        decision = self.direct_debits.decide(entry)
        if decision is not None:
            _decided(row, decision)
        elif undoes_income and not entry.errors:
            row.status = REVERSE
            self.reversals.append(row)
        elif (not entry.income or entry.amount == 0) and not undoes_income:
            # A line that is never booked cannot block the file, whatever is odd about it.
            row.status = SKIPPED
            row.reason = _why_not_income(entry)
        elif entry.errors:
            row.status = ERROR
            row.errors = [(column, stored(message)) for column, message in entry.errors]
        else:
            self._check(row, entry)
        if row.status in (BOOK, ERROR) and row.external_id is None and row.amount is not None:
            # A digest, not the row's values: one is kept for every row of the file.
            fingerprint = hashlib.blake2b(
                repr((row.booking_date, row.amount, row.key, row.text, row.reference)).encode(),
                digest_size=16,
            ).digest()
            self.fingerprints[fingerprint] = self.fingerprints.get(fingerprint, 0) + 1
            row.external_id = row_fingerprint(entry, self.fingerprints[fingerprint])
        if row.status == BOOK:
            if row.external_id in self.seen_ids:
                row.status = DUPLICATE
                row.reason = stored(_l("the same entry appears earlier in this file"))
            else:
                self.seen_ids.add(row.external_id)
        return row

    def _check(self, row: PlanRow, entry: Entry) -> None:
        """book_income's checks on a row, each refusal kept under its column."""
        known = self.known
        match = known.match(entry.iban, entry.name, entry.booking_date, self.choices)
        row.match = match
        if match.kind == "skip":
            row.status, row.reason = SKIPPED, stored(_l("left out in the preview"))
            return
        errors = row.errors
        try:
            check_money(entry.amount, entry.currency or None, known.centre)
        except DomainError as error:
            column = "amount" if error.field == "amount" else "currency"
            errors.append((column, stored(error.message)))
        try:
            check_year(entry.booking_date.year, "date")
            year = self.network.fiscal_year_of(entry.booking_date)
            if year in self.closed:
                errors.append(("date", stored(YearLocked(year).message)))
        except DomainError as error:
            errors.append(("date", stored(error.message)))
        if match.kind is None and match.by == "choice":
            errors.append(
                ("name", stored(_l("the donor, funder or agreement chosen is not this centre's")))
            )
        elif match.kind is None:
            errors.append(("name", stored(_l("no name and no known IBAN: who paid this?"))))
        else:
            funder = known.funders.get(match.funder_id) if match.funder_id else None
            donor = known.donors.get(match.id) if match.kind == "donor" else None
            try:
                wanted = entry.category or (match.category if match.kind == "new_donor" else None)
                row.category = check_category(wanted or None, funder, donor).value
            except DomainError as error:
                errors.append(("category", stored(error.message)))
            if match.question:
                errors.append(("name", match.question))
        if entry.funds:
            self._funds(row, entry)
        if errors:
            row.status = ERROR

    def _funds(self, row: PlanRow, entry: Entry) -> None:
        """The row's funds column, checked as book_income checks a split."""
        if self.fund_column is None:
            self.fund_column = FundColumn(self.session, self.known.centre.id)
        try:
            row.funds = self.fund_column.parts(entry)
        except DomainError as error:
            row.errors.append(("funds", stored(error.message)))

    def settle_reversals(self, read_back: Callable[[], Iterable[PlanRow]]) -> dict[int, dict]:
        """What the file's reversals change: the credit each cancels in this file (read
        again through `read_back`), else the stored line it removes; rows by number."""
        if not self.reversals:
            return self.overrides
        wanted_refs = {(r.end_to_end, r.amount) for r in self.reversals if r.end_to_end}
        wanted_keys = {(r.key, r.amount) for r in self.reversals if r.key != "name:"}
        by_ref: dict[tuple, list[PlanRow]] = {}
        by_key: dict[tuple, list[PlanRow]] = {}
        for row in read_back():
            if row.status != BOOK:
                continue
            if row.end_to_end and (row.end_to_end, row.amount) in wanted_refs:
                by_ref.setdefault((row.end_to_end, row.amount), []).append(row)
            if (row.key, row.amount) in wanted_keys:
                by_key.setdefault((row.key, row.amount), []).append(row)
        cancelled: set[int] = set()
        for reversal in self.reversals:
            credit = None
            if reversal.end_to_end:
                # The first credit with its reference, wherever it stands in the file.
                credit = next(
                    (c for c in by_ref.get((reversal.end_to_end, reversal.amount), [])
                     if c.row not in cancelled), None,
                )  # fmt: skip
            if credit is None and reversal.key != "name:":
                credit = next(
                    (c for c in by_key.get((reversal.key, reversal.amount), [])
                     if c.row not in cancelled and c.row < reversal.row), None,
                )  # fmt: skip
            if credit is not None:
                cancelled.add(credit.row)
                self._override(credit, SKIPPED, _l("reversed by row %(row)s", row=reversal.row))
                self._override(reversal, SKIPPED, _l("reverses row %(row)s", row=credit.row))
                continue
            self._stored_reversal(reversal)
        return self.overrides

    def _stored_reversal(self, reversal: PlanRow) -> None:
        line = None
        if reversal.end_to_end:
            line = self.session.execute(
                select(IncomeLine.id, IncomeLine.fiscal_year).where(
                    IncomeLine.centre_id == self.known.centre.id,
                    IncomeLine.amount == reversal.amount,
                    (IncomeLine.reference == reversal.end_to_end)
                    | (IncomeLine.external_id == reversal.end_to_end),
                )
            ).first()
        if line is None:
            self._override(reversal, SKIPPED, _l("reverses a payment that is not in the books"))
        elif line.fiscal_year in self.closed:
            why = _l(
                "reverses income line %(id)s of closed year %(year)s",
                id=line.id, year=line.fiscal_year,
            )  # fmt: skip
            self._override(reversal, ERROR, None, errors=[("date", why)])
        else:
            removes = _l("removes income line %(id)s", id=line.id)
            self._override(reversal, REVERSE, removes, target=line.id)

    def _override(self, row: PlanRow, status: str, reason, *, errors=(), target=None):
        """`reason` and the errors' messages are lazy; the override keeps their stored form."""
        self.overrides[row.row] = {
            "status": status, "reason": stored(reason) if reason is not None else "",
            "errors": [[column, stored(message)] for column, message in errors],
            "target_line": target, "was": [row.status, str(row.amount), row.key],
            "shown": row.as_dict() if status == ERROR else None,
        }  # fmt: skip


def _decided(row: PlanRow, decision: returns.Decision) -> None:
    """A direct debit of the centre's own, as `returns.DirectDebits` decided it."""
    row.status = decision.status
    if decision.status == ERROR:
        row.errors = [("Amt", stored(decision.reason))]
    else:
        row.reason = stored(decision.reason)
    row.direct_debit = [list(decision.items), decision.code]


def windows(rows: Iterable[PlanRow]) -> Iterator[list[PlanRow]]:
    """The rows a window at a time."""
    window: list[PlanRow] = []
    for row in rows:
        window.append(row)
        if len(window) >= WINDOW:
            yield window
            window = []
    if window:
        yield window


def _why_not_income(entry: Entry) -> dict:
    if entry.amount == 0:
        why = _l("an amount of 0.00 moves no money")
    elif not entry.credit:
        why = _l("money going out is not income")
    elif not entry.booked:
        why = _l("pending or informational: not booked by the bank yet")
    else:
        why = _l("a reversal of a payment is not income")
    return stored(why)


def mark_stored(session: Session, centre_id: int, rows: list[PlanRow]) -> int:
    """Mark the rows to book that the centre's books hold already as duplicates: by external
    id (or the bank reference used as one), then by bank reference and amount. The number
    marked."""
    rows = [row for row in rows if row.status == BOOK]
    # PostgreSQL takes a window's values as one array; SQLite caps a statement's parameters.
    step = WINDOW if session.get_bind().dialect.name == "postgresql" else CHUNK
    marked = 0
    for start in range(0, len(rows), step):
        part = rows[start : start + step]
        marked += _by_external_id(session, centre_id, part)
        marked += _by_reference(session, centre_id, part)
    return marked


def stored_twice(session: Session, import_id: int) -> tuple[str, int] | None:
    """After booking: a bank reference of the import's lines that another line of the
    centre has too, by the rules of `mark_stored` (a line booked since the preview), with
    that line's id; None when there is none. The same external id twice the database's
    unique constraint refuses already."""
    mine, other = IncomeLine, aliased(IncomeLine)
    elsewhere = (other.centre_id == mine.centre_id) & (other.id != mine.id)
    elsewhere &= other.import_id.is_(None) | (other.import_id != import_id)
    same_reference = (other.reference == mine.reference) & (other.amount == mine.amount)
    for same in (same_reference, other.external_id == mine.reference):
        found = session.execute(
            select(mine.reference, other.id)
            .join(other, elsewhere & same)
            .where(mine.import_id == import_id, mine.reference != "")
            .limit(1)
        ).first()
        if found is not None:
            return found.reference, found.id
    return None


def _by_external_id(session, centre_id: int, rows: list[PlanRow]) -> int:
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
    marked = 0
    for row in rows:
        line = stored_ids.get(row.external_id) or stored_ids.get(row.reference or None)
        if line is not None and row.status == BOOK:
            row.status, row.reason, row.target_line = DUPLICATE, ALREADY_BOOKED, line
            marked += 1
    return marked


def _by_reference(session, centre_id: int, rows: list[PlanRow]) -> int:
    """Rows whose bank reference and amount a stored line of the centre has (by the
    (centre, reference) index of 0008_reference)."""
    rows = [row for row in rows if row.status == BOOK and row.reference]
    if not rows:
        return 0
    refs = {row.reference for row in rows}
    stored = {
        (reference, amount): line_id
        for reference, amount, line_id in session.execute(
            select(IncomeLine.reference, IncomeLine.amount, IncomeLine.id).where(
                IncomeLine.centre_id == centre_id,
                _among(session, IncomeLine.reference, refs),
            )
        )
    }
    marked = 0
    for row in rows:
        line = stored.get((row.reference, row.amount))
        if line is not None:
            row.status, row.reason, row.target_line = DUPLICATE, ALREADY_BOOKED, line
            marked += 1
    return marked


def _among(session: Session, column, values: set):
    """`column IN values`; on PostgreSQL one array parameter rather than a thousand."""
    if session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, sorted(values), type_=ARRAY(String)))
    return column.in_(values)
