"""The network onboarding workbook: regions, centres, funders, agreements, costs and income
of new centres, previewed and then created in one transaction by the national office.

The preview and the commit run the same code: each row that is not in the app yet goes
through its domain operation (create_region, create_centre, create_funder, create_agreement,
record_cost, book_income) in a savepoint of its own, so a refused row is named and the others
still checked. The preview rolls everything back; the commit refuses the whole workbook if
any row is in error. Rows already present are shown and skipped, so importing the same
workbook again creates nothing. The session hooks audit every row created; one audit event
of its own records the workbook (file name, SHA-256, counts, user), and an `Onboarding` row
keeps the ids of what it created, so that `undo` can take it back as a whole.
"""

from collections.abc import Callable

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundtrack.audit.actor import current_actor
from fundtrack.audit.models import AuditEvent
from fundtrack.auth.access import require_network_manager
from fundtrack.auth.models import User
from fundtrack.centres.models import Centre, Region
from fundtrack.centres.operations import create_centre, create_region
from fundtrack.costs.basis import declare_ended_years
from fundtrack.costs.models import CostCategory, CostKind, CostLine
from fundtrack.costs.operations import record_cost
from fundtrack.errors import DomainError, ValidationError
from fundtrack.imports.onboarding.models import Onboarding, OnboardingState
from fundtrack.imports.onboarding.read import Row, Workbook, income_id, read_workbook
from fundtrack.imports.onboarding.sheets import SHEET_BY_CODE, SHEETS
from fundtrack.income.funders import create_agreement, create_funder
from fundtrack.income.models import Funder, FundingAgreement, IncomeLine, IncomeSource
from fundtrack.income.operations import book_income

AUDIT_ENTITY = "onboarding"


def not_a_workbook() -> ValidationError:
    """The refusal of an upload that is not an Excel workbook."""
    return ValidationError(
        "file", _l("the onboarding workbook is an Excel workbook (.xlsx)"), code="not_xlsx"
    )


CREATE, PRESENT, ERROR, EXAMPLE = "create", "present", "error", "example"
PROGRESS_EVERY = 100  # rows between two progress reports
Progress = Callable[[int, int], None]


def _present(session: Session, sheet: str, values: dict):
    """The stored row this one stands for, if the app has it already."""
    if sheet == "regions":
        return session.scalar(select(Region.id).where(Region.code == values["code"]))
    if sheet == "centres":
        return session.scalar(select(Centre.id).where(Centre.code == values["code"]))
    if sheet == "funders":
        return session.scalar(select(Funder.id).where(Funder.name == values["name"]))
    if sheet == "agreements":
        return session.scalar(
            select(FundingAgreement.id)
            .join(Centre, Centre.id == FundingAgreement.centre_id)
            .join(Funder, Funder.id == FundingAgreement.funder_id)
            .where(
                Centre.code == values["centre"],
                Funder.name == values["funder"],
                FundingAgreement.title == (values.get("title") or ""),
                FundingAgreement.start_date == values["start"],
            )
        )
    if sheet == "costs":
        try:
            kind, category = CostKind(values["kind"]), CostCategory(values["category"])
        except ValueError:
            return None  # record_cost names the column
        return session.scalar(
            select(CostLine.id)
            .join(Centre, Centre.id == CostLine.centre_id)
            .where(
                Centre.code == values["centre"],
                CostLine.year == values["year"],
                CostLine.kind == kind,
                CostLine.category == category,
            )
            .limit(1)
        )
    return session.scalar(
        select(IncomeLine.id)
        .join(Centre, Centre.id == IncomeLine.centre_id)
        .where(Centre.code == values["centre"], IncomeLine.external_id == values["external_id"])
    )


def _key(sheet: str, values: dict) -> tuple:
    if sheet in ("regions", "centres"):
        return (values["code"],)
    if sheet == "funders":
        return (values["name"].casefold(),)
    if sheet == "agreements":
        return (values["centre"], values["funder"], values.get("title") or "", values["start"])
    if sheet == "costs":
        return (values["centre"], values["year"], values["kind"], values["category"])
    return (values["centre"], values["external_id"])


def _label(sheet: str, values: dict) -> str:
    shown = {
        "regions": ("code", "name"), "centres": ("code", "name", "region"),
        "funders": ("name", "type"), "agreements": ("centre", "funder", "title", "start"),
        "costs": ("centre", "year", "kind", "category", "amount"),
        "income": ("centre", "date", "amount", "funder", "description"),
    }[sheet]  # fmt: skip
    return " · ".join(str(values[key]) for key in shown if values.get(key) not in (None, ""))


def _funder_id(session: Session, name: str | None, field: str = "funder") -> int | None:
    if not name:
        return None
    found = session.scalar(select(Funder.id).where(Funder.name == name))
    if found is None:
        raise ValidationError(
            field,
            _l('no funder named "%(name)s" (in this workbook or the app)', name=name),
            code="unknown_funder",
        )
    return found


def _agreement_id(session: Session, values: dict) -> int | None:
    title = values.get("agreement")
    if not title:
        return None
    if not values.get("funder"):
        raise ValidationError(
            "funder", _l("name the funder of the agreement"), code="agreement_without_funder"
        )
    candidates = session.scalars(
        select(FundingAgreement)
        .join(Centre, Centre.id == FundingAgreement.centre_id)
        .join(Funder, Funder.id == FundingAgreement.funder_id)
        .where(
            Centre.code == values["centre"],
            Funder.name == values["funder"],
            FundingAgreement.title == title,
        )
        .order_by(FundingAgreement.start_date)
    ).all()
    day = values["date"]
    running = [
        a for a in candidates if a.start_date <= day and (a.end_date is None or day <= a.end_date)
    ]
    chosen = running or candidates
    if not chosen:
        raise ValidationError(
            "agreement",
            _l('%(centre)s has no agreement "%(title)s" with %(funder)s',
               centre=values["centre"], title=title, funder=values["funder"]),
            code="unknown_agreement",
        )  # fmt: skip
    if len(chosen) > 1:
        raise ValidationError(
            "agreement",
            _l('%(count)s agreements "%(title)s" fit this date', count=len(chosen), title=title),
            code="ambiguous_agreement",
        )
    return chosen[0].id


def _create(session: Session, user: User, sheet: str, values: dict):
    """The row through its domain operation (checks, flush, audit by the session hooks);
    returns what it created."""
    if sheet == "regions":
        return create_region(session, user, {"code": values["code"], "name": values["name"]})
    elif sheet == "centres":
        given = {k: values[k] for k in ("code", "name", "region", "municipality")}
        return create_centre(session, user, given | ({"currency": values["currency"]}
                                            if values.get("currency") else {}))  # fmt: skip
    elif sheet == "funders":
        given = {"name": values["name"], "type": values["type"]}
        return create_funder(session, user, given | ({"centre": values["centre"]}
                                              if values.get("centre") else {}))  # fmt: skip
    elif sheet == "agreements":
        return create_agreement(session, user, {
            "centre": values["centre"], "funder": _funder_id(session, values["funder"]),
            "title": values.get("title") or "", "start": values["start"],
            "end": values.get("end"), "recurring": bool(values.get("recurring")),
            "annual_amount": values["annual_amount"],
        })  # fmt: skip
    elif sheet == "costs":
        return record_cost(session, user, {
            "centre": values["centre"], "year": values["year"], "kind": values["kind"],
            "category": values["category"], "amount": values["amount"],
            "description": values.get("description") or "",
        })  # fmt: skip
    else:
        agreement = _agreement_id(session, values)
        return book_income(session, user, {
            "centre": values["centre"], "date": values["date"], "amount": values["amount"],
            "funder": None if agreement else _funder_id(session, values.get("funder")),
            "agreement": agreement, "category": values.get("category") or None,
            "reference": values.get("reference") or "",
            "description": values.get("description") or "",
            "external_id": values["external_id"],
        }, IncomeSource.IMPORT, confirm_duplicate=True)  # fmt: skip


def _run(
    session: Session,
    user: User,
    book: Workbook,
    created: dict[str, list[int]] | None = None,
    progress: Progress | None = None,
) -> dict:
    """Every row checked (and created, in its own savepoint) in the sheets' order; the ids
    of the rows created are added to `created` per sheet, and `progress(done, total)` is
    told how far it has come every PROGRESS_EVERY rows."""
    total = sum(len(rows) for rows in book.rows.values())
    done = 0
    for sheet in SHEETS:
        seen: dict[tuple, int] = {}
        occurrences: dict[tuple, int] = {}
        for row in book.rows.get(sheet.code, []):
            done += 1
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(done, total)
            if row.status != CREATE:
                continue
            values = row.values
            if sheet.code == "income" and not values.get("external_id"):
                plain = tuple(str(values.get(k)) for k in sorted(values))
                occurrences[plain] = occurrences.get(plain, 0) + 1
                values["external_id"] = income_id(row, occurrences[plain])
            row.label = _label(sheet.code, values)
            key = _key(sheet.code, values)
            if key in seen:
                row.refuse(book.heading(sheet.code, sheet.columns[0].code),
                           _l("repeats row %(row)s of this sheet", row=seen[key]))  # fmt: skip
                continue
            seen[key] = row.row
            if _present(session, sheet.code, values) is not None:
                row.status, row.reason = PRESENT, str(_l("already in the app: skipped"))
                continue
            try:
                with session.begin_nested():
                    made = _create(session, user, sheet.code, values)
                if created is not None:
                    created.setdefault(sheet.code, []).append(made.id)
            except DomainError as error:
                column = error.field if sheet.column(error.field) else None
                where = book.heading(sheet.code, column) if column else error.field
                row.refuse(where, str(error.message))
            except PermissionError as error:
                row.refuse(book.heading(sheet.code, sheet.columns[0].code), str(error))
    if progress is not None:
        progress(total, total)
    return summary(book)


def summary(book: Workbook) -> dict:
    """Plain data for the screen, the preview file and the command line."""
    sheets, totals = [], {CREATE: 0, PRESENT: 0, ERROR: 0, EXAMPLE: 0}
    for sheet in SHEETS:
        rows = book.rows.get(sheet.code)
        if rows is None:
            continue
        counts = {status: sum(1 for r in rows if r.status == status) for status in totals}
        for status, count in counts.items():
            totals[status] += count
        sheets.append({
            "sheet": sheet.code, "counts": counts,
            "rows": [{"row": r.row, "status": r.status, "label": r.label, "reason": r.reason,
                      "errors": r.errors} for r in rows],
        })  # fmt: skip
    return {"sheets": sheets, "counts": totals}


def errors_of(data: dict) -> list[tuple[str, int, str, str]]:
    """(sheet, row, column, message) of every refusal, in the workbook's order."""
    return [
        (sheet["sheet"], row["row"], column, message)
        for sheet in data["sheets"]
        for row in sheet["rows"]
        for column, message in row["errors"]
    ]


def preview(
    session: Session, user: User, path, locale: str, progress: Progress | None = None
) -> dict:
    """What the workbook would create, what is there already, and what is refused and why.

    Nothing is kept: the rows are created in a savepoint that is rolled back.
    """
    require_network_manager(user)
    book = read_workbook(path, locale)
    savepoint = session.begin_nested()
    try:
        return _run(session, user, book, progress=progress)
    finally:
        savepoint.rollback()


def commit(
    session: Session,
    user: User,
    path,
    locale: str,
    *,
    filename: str,
    sha256: str,
    progress: Progress | None = None,
) -> dict:
    """Create every new row of the workbook, or refuse it whole (ValidationError naming the
    first refused row); flushed, the caller commits. One audit event records the workbook,
    an `Onboarding` row what it created (its id in the answer's `onboarding_id`)."""
    require_network_manager(user)
    book = read_workbook(path, locale)
    created: dict[str, list[int]] = {}
    data = _run(session, user, book, created, progress)
    errors = errors_of(data)
    if errors:
        sheet, row, column, message = errors[0]
        raise ValidationError(
            "workbook",
            _l("%(count)s errors; the first: sheet %(sheet)s, row %(row)s, %(column)s: %(why)s",
               count=len(errors), sheet=SHEET_BY_CODE[sheet].label, row=row, column=column,
               why=message),
            code="rows_refused",
        )  # fmt: skip
    # The ended years of a centre's history stand on their actual costs, as existing books did
    # when the cost basis arrived; undoing the workbook takes these declarations back too.
    declared = declare_ended_years(session, created.get("costs", []))
    if declared:
        created["declarations"] = declared
    actor = current_actor()
    session.add(AuditEvent(
        user_id=actor[0] if actor[0] is not None else user.id, actor=actor[1][:254],
        action="import", entity=AUDIT_ENTITY, entity_id=sha256[:64], centre_id=None,
        before=None, after={
            "file": filename, "sha256": sha256,
            "created": {s["sheet"]: s["counts"][CREATE] for s in data["sheets"]},
            "present": {s["sheet"]: s["counts"][PRESENT] for s in data["sheets"]},
        },
    ))  # fmt: skip
    record = Onboarding(
        filename=filename[:200], sha256=sha256, user_id=user.id,
        state=OnboardingState.BOOKED, created=created,
        counts={s["sheet"]: {"create": s["counts"][CREATE], "present": s["counts"][PRESENT]}
                for s in data["sheets"]},
    )  # fmt: skip
    session.add(record)
    session.flush()
    return data | {"onboarding_id": record.id}


def imported_before(session: Session, sha256: str) -> Onboarding | None:
    """The latest commit of the same workbook that is still booked, if there is one."""
    return session.scalars(
        select(Onboarding)
        .where(Onboarding.sha256 == sha256, Onboarding.state == OnboardingState.BOOKED)
        .order_by(Onboarding.id.desc())
        .limit(1)
    ).first()


__all__ = ["Row", "commit", "errors_of", "imported_before", "preview", "summary"]
