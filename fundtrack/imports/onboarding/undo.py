"""Undoing a committed onboarding workbook: everything it created goes, or nothing does.

Refused, naming the row, while a fiscal year one of its lines sits in is closed, or while
something it created is used by a row it did not create (a centre with a line booked by hand
since, a funder another centre's agreement names, a region that got another centre). The
rows go through their domain delete operations, in reverse dependency order, so the session
hooks audit and guard each one as they do for a delete by hand.
"""

from datetime import UTC, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session, selectinload

from fundtrack.auth.access import require_manage, require_network_manager
from fundtrack.auth.models import User
from fundtrack.centres.locks import locked_years
from fundtrack.centres.models import Centre, Region
from fundtrack.centres.operations import delete_centre, delete_region
from fundtrack.costs.basis import delete_declaration
from fundtrack.costs.models import ActualsDeclaration, CostLine
from fundtrack.costs.operations import delete_cost
from fundtrack.errors import Conflict, DomainError
from fundtrack.extensions import db
from fundtrack.imports.onboarding.models import Onboarding, OnboardingState
from fundtrack.income.funders import delete_agreement, delete_funder
from fundtrack.income.models import Funder, FundingAgreement, IncomeLine
from fundtrack.income.operations import delete_income, refusing_closed_years

CHUNK = 500  # ids per IN (...) list: well under every database's parameter limit

# Sheet → (model, delete operation, what a message calls one), in the order of undoing.
UNDO_ORDER = (
    ("income", IncomeLine, delete_income, _l("income line")),
    ("costs", CostLine, delete_cost, _l("cost line")),
    ("declarations", ActualsDeclaration, delete_declaration, _l("declaration of actual costs")),
    ("agreements", FundingAgreement, delete_agreement, _l("agreement")),
    ("funders", Funder, delete_funder, _l("funder")),
    ("centres", Centre, delete_centre, _l("centre")),
    ("regions", Region, delete_region, _l("region")),
)
_WORDS = {model.__tablename__: word for _sheet, model, _delete, word in UNDO_ORDER}
# The field a refusal names, per sheet: one of its rows.
_FIELDS = {
    "income": "income_line", "costs": "cost_line", "declarations": "declaration",
    "agreements": "agreement", "funders": "funder", "centres": "centre", "regions": "region",
}  # fmt: skip


def _chunks(ids: list[int]):
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def _name(obj) -> str:
    if isinstance(obj, Region | Centre):
        return f"{obj.code}"
    if isinstance(obj, Funder):
        return obj.name
    if isinstance(obj, FundingAgreement):
        return f"{obj.title or obj.start_date} ({obj.centre.code}, {obj.funder.name})"
    return f"{obj.id} ({obj.centre.code})"


def _created(record: Onboarding) -> dict[str, list[int]]:
    return {sheet: [int(i) for i in (record.created or {}).get(sheet, [])]
            for sheet, *_rest in UNDO_ORDER}  # fmt: skip


def what_undo_removes(session: Session, record: Onboarding) -> list[tuple[str, int, dict]]:
    """The income and cost lines the workbook created, as (sheet, count, {currency: total}),
    counted and summed in SQL, for the question before undoing it."""
    created = _created(record)
    found = []
    for sheet, model in (("income", IncomeLine), ("costs", CostLine)):
        count, totals = 0, {}
        for ids in _chunks(created[sheet]):
            rows = session.execute(
                select(model.currency, func.count(model.id), func.sum(model.amount))
                .where(model.id.in_(ids))
                .group_by(model.currency)
            )
            for currency, lines, total in rows:
                count += lines
                totals[currency] = totals.get(currency, Decimal(0)) + Decimal(total)
        found.append((sheet, count, totals))
    return found


def _refuse_closed_years(session: Session, created: dict[str, list[int]]) -> None:
    closed = locked_years(session)
    if not closed:
        return
    for sheet, column, year_column in (
        ("income", IncomeLine.id, IncomeLine.fiscal_year),
        ("costs", CostLine.id, CostLine.year),
    ):
        for chunk in _chunks(created[sheet]):
            found = session.execute(
                select(column, year_column)
                .where(column.in_(chunk), year_column.in_(sorted(closed)))
                .order_by(year_column, column)
                .limit(1)
            ).first()
            if found is not None:
                word = _WORDS[IncomeLine.__tablename__ if sheet == "income" else "cost_lines"]
                raise Conflict(
                    "year",
                    _l(
                        "%(line)s %(id)s is in fiscal year %(year)s, which is closed; the"
                        " workbook can no longer be undone",
                        line=word, id=found[0], year=found[1],
                    ),
                    found[0],
                    code="year_closed",
                )  # fmt: skip


def _refuse_foreign_uses(session: Session, created: dict[str, list[int]]) -> None:
    """Refuse when a row this workbook did not create refers to one it did."""
    own = {model.__tablename__: set(created[sheet]) for sheet, model, *_rest in UNDO_ORDER}
    for sheet, model, _delete, _word in UNDO_ORDER:
        if not created[sheet]:
            continue
        target = model.__table__
        for table in db.metadata.sorted_tables:
            for key in table.foreign_keys:
                if key.column.table is not target or (key.ondelete or "").upper() == "CASCADE":
                    continue
                _refuse_use(session, table, key.parent, created[sheet], own, model, sheet)


def _refuse_use(session, table: Table, column, ids, own, model, sheet: str) -> None:
    mine = own.get(table.name, set())
    key = next(iter(table.primary_key.columns))
    for chunk in _chunks(ids):
        for row_id, used_id in session.execute(
            select(key, column).where(column.in_(chunk)).order_by(key)
        ):
            if row_id in mine:
                continue
            used = session.get(model, used_id)
            raise Conflict(
                _FIELDS[sheet],
                _l(
                    "%(what)s %(name)s is used by %(user)s %(id)s, which the workbook did not"
                    " create; remove that first",
                    what=_WORDS[model.__tablename__], name=_name(used),
                    user=_WORDS.get(table.name, _l("another record")), id=row_id,
                ),
                used_id,
                code="in_use",
            )  # fmt: skip


# Ledger lines go as delete_income and delete_cost delete them (the user manages the centre,
# the lock hook refuses a closed year), but a flush per chunk rather than per line: a
# centre's history can be tens of thousands of lines.
_LEDGER = {"income": "date", "costs": "year"}


def _delete_lines(session: Session, user: User, rows, field: str) -> None:
    for row in rows:
        require_manage(user, row.centre_id)
        session.delete(row)
    with refusing_closed_years(field):
        session.flush()


def undo_onboarding(session: Session, user: User, record: Onboarding) -> Onboarding:
    """Remove every row the workbook created, in reverse dependency order, all or nothing;
    flushed, the caller commits. Network office and admins only (NotAllowed otherwise);
    a Conflict naming the row when a year is closed, a created row is used by another, or
    the workbook is undone already."""
    require_network_manager(user)
    if record.state != OnboardingState.BOOKED:
        raise Conflict(
            "state",
            _l("workbook %(id)s (%(file)s) is undone already", id=record.id, file=record.filename),
            code="undone_already",
        )
    created = _created(record)
    _refuse_closed_years(session, created)
    _refuse_foreign_uses(session, created)
    with session.begin_nested():
        for sheet, model, delete, word in UNDO_ORDER:
            for chunk in _chunks(created[sheet]):
                rows = session.scalars(select(model).where(model.id.in_(chunk))).all()
                if sheet in _LEDGER:
                    _delete_lines(session, user, rows, _LEDGER[sheet])
                    continue
                for row in rows:  # one deleted by hand since is simply gone
                    label = _name(row)
                    try:
                        delete(session, user, row)
                    except DomainError as error:
                        raise Conflict(
                            error.field,
                            _l("%(what)s %(name)s: %(why)s", what=word, name=label,
                               why=error.message),
                            code=error.code,
                        ) from None  # fmt: skip
    record.state = OnboardingState.UNDONE
    record.undone_at = datetime.now(UTC)
    session.flush()
    return record


def booked_workbooks(session: Session, limit: int = 100) -> list[Onboarding]:
    """The latest committed workbooks, newest first, undone ones included."""
    # Who imported each is shown: loaded with the list, not one statement per row.
    return list(
        session.scalars(
            select(Onboarding)
            .options(selectinload(Onboarding.user))
            .order_by(Onboarding.id.desc())
            .limit(limit)
        )
    )
