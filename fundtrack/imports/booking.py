"""Booking a plan in one transaction, and undoing a whole import while its year is open.

New donors go through `create_donor` (its checks, its audit); income lines are inserted in
chunks of a thousand (`lines.insert_lines`), each chunk with the audit rows the session hook
would have written for it and the closed-year refusal the lock hook makes. The caller
commits once at the end: a failure or a killed process anywhere leaves the books as they were.
"""

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundtrack.auth.access import require_manage
from fundtrack.auth.models import User
from fundtrack.errors import Conflict, DomainError, ValidationError
from fundtrack.imports.lines import insert_lines
from fundtrack.imports.matching import MATCH_PREFIX, Counterparties
from fundtrack.imports.models import Import, ImportProfile, ImportState
from fundtrack.imports.plan import BOOK, CHUNK, DUPLICATE, ERROR, REVERSE, SKIPPED, Plan
from fundtrack.income.donors import create_donor
from fundtrack.income.models import Donor, IncomeLine, IncomeSource
from fundtrack.income.operations import book_income, delete_income, refusing_closed_years

_REBOOK_FIELDS = ("date", "amount", "currency", "category", "funder", "donor", "agreement",
                  "fund", "reference", "description", "external_id")  # fmt: skip


def book_plan(
    session: Session,
    user: User,
    record: Import,
    known: Counterparties,
    plan: Plan,
    progress=None,
) -> Import:
    """Book every planned row of `record`'s file, or refuse the whole file; flushed.

    Rows in error refuse the import as a whole (nothing is booked until each is corrected
    or left out); duplicates and skipped rows are counted, not booked.
    """
    centre = known.centre
    require_manage(user, centre.id)
    if record.state not in (ImportState.UPLOADED, ImportState.PREVIEWED, ImportState.BOOKING):
        raise Conflict("state", f"import {record.id} is {record.state.value}, not waiting")
    errors = [row for row in plan.rows if row.status == ERROR]
    if errors:
        first = errors[0]
        column, message = first.errors[0] if first.errors else ("row", "refused")
        raise ValidationError(
            "rows",
            f"{len(errors)} rows cannot be booked; the first is row {first.row},"
            f" {column}: {message}",
        )
    outcome: dict = {"donors": [], "reversed": []}
    new_donors: dict[str, int] = {}
    for row in plan.rows:
        if row.status == REVERSE:
            outcome["reversed"].append(_remove_reversed(session, user, row.target_line))
    # Donors first: each is a flush of its own, which should not drag pending lines along.
    for row in plan.rows:
        if row.status == BOOK and row.match.kind == "new_donor" and row.key not in new_donors:
            donor = _new_donor(session, user, centre, row, row.match)
            known.add_donor(donor)
            new_donors[row.key] = donor.id
            outcome["donors"].append(donor.id)
    booked = insert_lines(session, record, known, plan, new_donors, progress)
    _count(record, plan)
    record.rows_booked = booked
    record.new_donors = len(outcome["donors"])
    record.outcome = outcome
    record.state = ImportState.BOOKED
    record.booked_at = datetime.now(UTC)
    record.token = None
    session.flush()
    return record


def _count(record: Import, plan: Plan) -> None:
    record.rows_total = len(plan.rows)
    record.rows_duplicate = plan.count(DUPLICATE)
    record.rows_skipped = plan.count(SKIPPED) + plan.count(REVERSE)
    record.rows_error = plan.count(ERROR)


def _new_donor(session, user, centre, row, match) -> Donor:
    values = {"centre": centre.code, "kind": match.donor_kind, "name": row.name or match.label}
    try:
        return create_donor(session, user, values | ({"iban": row.iban} if row.iban else {}))
    except DomainError as error:
        raise ValidationError(
            "rows", f"row {row.row}, name: the new donor cannot be made ({error.message})"
        ) from None


def _remove_reversed(session: Session, user: User, line_id: int) -> dict:
    line = session.get(IncomeLine, line_id)
    if line is None:
        raise Conflict("rows", f"income line {line_id} to reverse is gone")
    kept = {
        "date": line.booking_date.isoformat(),
        "amount": str(line.amount),
        "currency": line.currency,
        "category": line.category.value,
        "funder": line.funder_id,
        "donor": line.donor_id,
        "agreement": line.agreement_id,
        "fund": line.earmarked_fund_id,
        "reference": line.reference,
        "description": line.description,
        "external_id": line.external_id,
        "source": line.source.value,
        "import_id": line.import_id,
    }
    delete_income(session, user, line)
    return kept


def undo_import(session: Session, user: User, record: Import) -> Import:
    """Remove every line the import booked, the donors it made that nothing else uses, and
    put back the lines its reversals removed; refused when a year it touched is closed."""
    require_manage(user, record.centre_id)
    if record.state != ImportState.BOOKED:
        raise Conflict("state", f"import {record.id} is {record.state.value}, not booked")
    lines = session.scalars(
        select(IncomeLine).where(IncomeLine.import_id == record.id).order_by(IncomeLine.id)
    )
    for count, line in enumerate(lines, start=1):
        session.delete(line)
        if count % CHUNK == 0:
            with refusing_closed_years("date"):
                session.flush()
    with refusing_closed_years("date"):
        session.flush()
    outcome = record.outcome or {}
    made = outcome.get("donors", [])
    for start in range(0, len(made), CHUNK):
        # The donors it made that no line names any more: one statement per thousand.
        unused = session.scalars(
            select(Donor).where(
                Donor.id.in_(made[start : start + CHUNK]),
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
        line = book_income(
            session, user, values, IncomeSource(kept["source"]), confirm_duplicate=True
        )
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
