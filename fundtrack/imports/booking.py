"""Booking a plan in one transaction, and undoing a whole import while its year is open.

The plan the preview kept is read a window at a time: new donors go through
`create_donors` (create_donor's checks, one flush per window), and income lines go in by
`lines.LineWriter`, with the audit rows the session hook would have written for them and
the closed-year refusal the lock hook makes. The caller commits once at the end: a failure
or a killed process anywhere leaves the books as they were.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from fundtrack.auth.access import require_manage
from fundtrack.auth.models import User
from fundtrack.errors import Conflict, DomainError, Field, Label, ValidationError, from_stored
from fundtrack.giving.returns import record_return, undo_returns
from fundtrack.giving.sepa import book_item
from fundtrack.giving.sepa_models import CollectionItem
from fundtrack.giving.statements import refuse_stated
from fundtrack.imports.lines import LineWriter
from fundtrack.imports.matching import MATCH_PREFIX, Counterparties
from fundtrack.imports.models import Import, ImportProfile, ImportState
from fundtrack.imports.plan import (
    BOOK,
    CHUNK,
    COLLECTED,
    ERROR,
    RETURNED,
    REVERSE,
    PlanRow,
    stored_twice,
    windows,
)
from fundtrack.imports.summary import count_into
from fundtrack.income.donors import create_donors
from fundtrack.income.models import Donor, IncomeLine, IncomeSource
from fundtrack.income.operations import book_income, delete_income, refusing_closed_years

_REBOOK_FIELDS = ("date", "amount", "currency", "category", "funder", "donor", "agreement",
                  "fund", "reference", "description", "external_id")  # fmt: skip


def book_plan(
    session: Session,
    user: User,
    record: Import,
    known: Counterparties,
    meta: dict,
    rows: Iterable[PlanRow],
    progress=None,
) -> Import:
    """Book the planned rows of `record`'s file (`meta` and `rows` from `kept`), or refuse the
    whole file; flushed.

    Rows in error refuse the import as a whole (nothing is booked until each is corrected
    or left out); duplicates and skipped rows are counted, not booked. The books may have
    changed since the preview: a counterparty removed since, or a line booked since with a
    reference or external id of the file, refuses the import (preview it again).
    """
    centre = known.centre
    require_manage(user, centre.id)
    if record.state not in (ImportState.UPLOADED, ImportState.PREVIEWED, ImportState.BOOKING):
        raise Conflict(
            "state",
            _l("import %(id)s is %(state)s, not waiting", id=record.id,
               state=Label("IMPORT_STATE_LABELS", record.state)),
            code="wrong_state",
        )  # fmt: skip
    counts = dict(meta["counts"])
    if counts[ERROR]:
        number, column, message = meta["first_error"]
        raise ValidationError(
            "rows",
            _l(
                "%(count)s rows cannot be booked; the first is row %(row)s, %(column)s:"
                " %(message)s",
                count=counts[ERROR], row=number, column=Field(column),
                message=from_stored(message),
            ),
            code="rows_in_error",
        )  # fmt: skip
    outcome: dict = {"donors": [], "reversed": []}
    new_donors: dict[str, int] = {}
    lines = LineWriter(session, record, centre)
    booked = 0
    direct_debits: list[PlanRow] = []
    for window in windows(rows):
        for row in window:
            if row.status == REVERSE:
                outcome["reversed"].append(_remove_reversed(session, user, row.target_line))
            elif row.status in (COLLECTED, RETURNED):
                direct_debits.append(row)
        _check_counterparties(window, known)
        _new_donors(session, user, centre, window, new_donors, outcome)
        booked += lines.insert([row for row in window if row.status == BOOK], new_donors)
        if progress is not None:
            progress(booked)
    booked += _direct_debits(session, user, record, direct_debits, outcome)
    # Once for the whole file, by index, rather than a lookup per window before inserting.
    twice = stored_twice(session, record.id)
    if twice is not None:
        reference, line_id = twice
        raise Conflict(
            "rows",
            _l(
                "income line %(id)s with the bank reference %(reference)s was booked since"
                " the preview; preview the file again",
                id=line_id, reference=repr(reference),
            ),
            code="booked_since_preview",
        )  # fmt: skip
    count_into(record, counts, meta["rows_total"])
    record.rows_booked = booked
    record.new_donors = len(outcome["donors"])
    record.outcome = outcome
    record.state = ImportState.BOOKED
    record.booked_at = datetime.now(UTC)
    record.token = None
    session.flush()
    return record


def _direct_debits(session, user, record: Import, rows: list[PlanRow], outcome: dict) -> int:
    """The centre's direct debits the file reports (fundtrack.giving.returns): credits first,
    each instalment paid by a line of its own, then returns, each removing the line that paid
    its instalment (put back by an undo) and marking it failed. How many lines were booked."""
    booked = 0
    for row in sorted(rows, key=lambda row: row.status != COLLECTED):
        item_ids, code = row.direct_debit
        for item_id in item_ids:
            item = session.get(CollectionItem, item_id)
            if row.status == COLLECTED:
                line = book_item(session, user, item, row.booking_date, IncomeSource.IMPORT)
                if line is not None:
                    line.import_id = record.id
                    booked += 1
            elif item.returned_on is None:
                paid = item.instalment.income_line_id
                if paid is not None:
                    item.instalment.income_line_id = None
                    outcome["reversed"].append(_remove_reversed(session, user, paid))
                record_return(session, user, item, row.booking_date, code, record.id)
    session.flush()
    return booked


def _check_counterparties(window, known: Counterparties) -> None:
    """Every donor, funder and agreement the preview matched is still there."""
    stored = {"donor": known.donors, "funder": known.funders, "agreement": known.agreements}
    for row in window:
        match = row.match
        if row.status == BOOK and match.kind in stored and match.id not in stored[match.kind]:
            raise Conflict(
                "rows",
                _l(
                    "row %(row)s: %(kind)s %(id)s (%(name)s) is gone since the preview;"
                    " preview the file again",
                    row=row.row, kind=Label("MATCH_KIND_LABELS", match.kind), id=match.id,
                    name=match.label,
                ),
                code="gone_since_preview",
            )  # fmt: skip


def _new_donors(session, user, centre, window, new_donors: dict, outcome: dict) -> None:
    """The window's new payers as donors, all in one flush; `new_donors` maps their keys."""
    wanted: dict[str, tuple[str, dict]] = {}
    for row in window:
        if row.status != BOOK or row.match.kind != "new_donor" or row.key in new_donors:
            continue
        if row.key not in wanted:
            values = {"centre": centre.code, "kind": row.match.donor_kind,
                      "name": row.name or row.match.label}  # fmt: skip
            label = _l("row %(row)s", row=row.row)
            wanted[row.key] = (label, values | ({"iban": row.iban} if row.iban else {}))
    if not wanted:
        return
    try:
        made = create_donors(session, user, list(wanted.values()))
    except DomainError as error:
        raise ValidationError(
            "rows", _l("the new donor cannot be made (%(why)s)", why=error.message),
            code=error.code,
        ) from None  # fmt: skip
    for key, donor in zip(wanted, made, strict=True):
        new_donors[key] = donor.id
        outcome["donors"].append(donor.id)


def _remove_reversed(session: Session, user: User, line_id: int) -> dict:
    line = session.get(IncomeLine, line_id)
    if line is None:
        raise Conflict(
            "rows",
            _l("income line %(id)s to reverse is gone", id=line_id),
            code="gone_since_preview",
        )
    kept = {
        "date": line.booking_date.isoformat(),
        "amount": str(line.amount),
        "currency": line.currency,
        "category": line.category.value,
        "funder": line.funder_id,
        "donor": line.donor_id,
        "agreement": line.agreement_id,
        "fund": line.earmarked_fund_id,
        # A split line is put back split (income.splits).
        "funds": [[p.earmarked_fund_id, str(p.amount)] for p in line.fund_parts],
        "reference": line.reference,
        "description": line.description,
        "external_id": line.external_id,
        "source": line.source.value,
        "import_id": line.import_id,
    }
    delete_income(session, user, line)
    return kept


@dataclass(frozen=True)
class ImportUndo:
    """What undoing an import takes out of the books (and puts back), for its question."""

    lines: int
    total: Decimal
    currency: str
    put_back: int


def what_undo_removes(session: Session, record: Import) -> ImportUndo:
    """The lines this import booked, counted and summed in SQL, and the reversed lines an
    undo books again."""
    lines, total = session.execute(
        select(func.count(IncomeLine.id), func.coalesce(func.sum(IncomeLine.amount), 0)).where(
            IncomeLine.import_id == record.id
        )
    ).one()
    put_back = len((record.outcome or {}).get("reversed", []))
    return ImportUndo(lines, Decimal(total), record.centre.currency, put_back)


def undo_import(session: Session, user: User, record: Import) -> Import:
    """Remove every line the import booked, the donors it made that nothing else uses, and
    put back the lines its reversals removed; refused when a year it touched is closed."""
    require_manage(user, record.centre_id)
    if record.state != ImportState.BOOKED:
        raise Conflict(
            "state",
            _l("import %(id)s is %(state)s, not booked", id=record.id,
               state=Label("IMPORT_STATE_LABELS", record.state)),
            code="wrong_state",
        )  # fmt: skip
    refuse_stated(session, IncomeLine.import_id == record.id)
    # The parts of split lines are loaded with them, so each is deleted (and logged) too.
    lines = session.scalars(
        select(IncomeLine)
        .where(IncomeLine.import_id == record.id)
        .options(selectinload(IncomeLine.fund_parts))
        .order_by(IncomeLine.id)
    )
    for count, line in enumerate(lines, start=1):
        session.delete(line)
        if count % CHUNK == 0:
            with refusing_closed_years("date"):
                session.flush()
    with refusing_closed_years("date"):
        session.flush()
    undo_returns(session, record.id)
    outcome = record.outcome or {}
    made = outcome.get("donors", [])
    for start in range(0, len(made), CHUNK):
        # The donors it made that no line names any more: one statement per thousand.
        unused = session.scalars(
            select(Donor).where(
                Donor.id.in_(made[start : start + CHUNK]),
                Donor.not_merged(),  # a merged donor stays: its merge can be undone
                ~select(IncomeLine.id).where(IncomeLine.donor_id == Donor.id).exists(),
            )
        ).all()
        for donor in unused:
            session.delete(donor)
    for kept in outcome.get("reversed", []):
        values = {field: kept[field] for field in _REBOOK_FIELDS}
        values["date"] = datetime.fromisoformat(kept["date"]).date()
        values["amount"] = Decimal(kept["amount"])
        values["centre"] = record.centre.code
        if kept.get("funds"):
            values["funds"] = [{"fund_id": f, "amount": Decimal(a)} for f, a in kept["funds"]]
        # Put back as it was: a line kept without an agreement stays without one.
        line = book_income(
            session, user, values, IncomeSource(kept["source"]), confirm_duplicate=True,
            confirm_incidental=True,
        )  # fmt: skip
        line.import_id = kept.get("import_id")
    record.state = ImportState.UNDONE
    record.undone_at = datetime.now(UTC)
    session.flush()
    return record


def remember_choices(session: Session, centre_id: int, choices: dict) -> None:
    """Keep the counterparties the user chose, to offer them for the centre's next file."""
    for key, choice in choices.items():
        if choice.get("kind") not in ("donor", "funder", "agreement"):
            continue
        remember(session, centre_id, MATCH_PREFIX + key, choice)


def remember(session: Session, centre_id: int, key: str, value: dict) -> None:
    key = key[:600]
    profile = session.scalar(
        select(ImportProfile).where(ImportProfile.centre_id == centre_id, ImportProfile.key == key)
    )
    if profile is None:
        session.add(ImportProfile(centre_id=centre_id, key=key, value=value))
    elif profile.value != value:
        profile.value = value
    session.flush()
