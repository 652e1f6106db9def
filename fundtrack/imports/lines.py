"""Income lines of an import inserted a thousand at a time, audited as every insert is.

The ORM's unit of work costs more per line than the database does; so the import's lines
skip it and go in as one multi-row INSERT per chunk (insertmanyvalues, RETURNING their ids).
What the session hooks would have done for each line is done here for the chunk: the lock
hook's fiscal year and closed-year refusal (centres.locks), and the audit hook's `create`
event with every column (audit.listeners), written as one bulk insert of the same rows. A
test holds these audit rows to the ones the hook writes for a line booked by hand.
"""

import json
from enum import Enum

from sqlalchemy import insert, inspect
from sqlalchemy.orm import Session

from fundtrack.audit.actor import current_actor
from fundtrack.audit.listeners import _shown
from fundtrack.audit.models import AuditEvent
from fundtrack.centres.locks import YearLocked, current_network, locked_years
from fundtrack.errors import Conflict
from fundtrack.imports.matching import Counterparties
from fundtrack.imports.models import Import
from fundtrack.imports.plan import BOOK, CHUNK, Plan
from fundtrack.income.models import IncomeCategory, IncomeLine, IncomeSource

_TABLE = IncomeLine.__table__
_RETURNED = ("id", "created_at")


def _columns() -> list[str]:
    return [attr.key for attr in inspect(IncomeLine).column_attrs]


def insert_lines(
    session: Session, record: Import, known: Counterparties, plan: Plan, new_donors: dict,
    progress=None,
) -> int:  # fmt: skip
    """Insert the plan's bookable rows as `record`'s lines, with their audit; the count.

    Raises Conflict on `date` when a row falls in a closed fiscal year.
    """
    centre = known.centre
    network = current_network(session)
    closed = locked_years(session)
    columns = _columns()
    statement = insert(_TABLE).returning(
        *(_TABLE.c[name] for name in _RETURNED), sort_by_parameter_order=True
    )
    actor = current_actor()
    chunk: list[dict] = []
    booked = 0
    for row in plan.rows:
        if row.status != BOOK:
            continue
        year = network.fiscal_year_of(row.booking_date)
        if year in closed:
            raise Conflict("date", str(YearLocked(year)))
        match = row.match
        chunk.append({
            "centre_id": centre.id,
            "booking_date": row.booking_date,
            "fiscal_year": year,
            "amount": row.amount,
            "currency": centre.currency,
            "category": IncomeCategory(row.category),
            "funder_id": match.funder_id if match.kind in ("funder", "agreement") else None,
            "donor_id": match.id if match.kind == "donor" else new_donors.get(row.key),
            "agreement_id": match.id if match.kind == "agreement" else None,
            "earmarked_fund_id": None,
            "grant_id": None,
            "reference": row.reference[:200],
            "description": row.text,
            "source": IncomeSource.IMPORT,
            "external_id": row.external_id,
            "import_id": record.id,
        })  # fmt: skip
        if len(chunk) >= CHUNK:
            booked += _insert(session, statement, chunk, columns, actor)
            chunk = []
            if progress is not None:
                progress(booked)
    if chunk:
        booked += _insert(session, statement, chunk, columns, actor)
    return booked


def _insert(session: Session, statement, chunk: list[dict], columns, actor) -> int:
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return _copy(connection, chunk, columns, actor)
    returned = connection.execute(statement, chunk).all()
    events = []
    for values, (line_id, created_at) in zip(chunk, returned, strict=True):
        values = values | {"id": line_id, "created_at": created_at}
        events.append({
            "user_id": actor[0], "actor": actor[1], "action": "create",
            "entity": _TABLE.name, "entity_id": str(line_id), "centre_id": values["centre_id"],
            "before": None, "after": {name: _shown(name, values.get(name)) for name in columns},
        })  # fmt: skip
    connection.execute(insert(AuditEvent), events)
    return len(chunk)


def _copy(connection, chunk: list[dict], columns, actor) -> int:
    """PostgreSQL: the same rows through COPY, in the session's transaction.

    The ids are taken from the table's sequence first (as the INSERT would), and the
    creation time is the transaction's `now()`, which the column's default would give too;
    `before` is JSON null, as the hook writes it.
    """
    raw = connection.connection.driver_connection
    names = [name for name in columns if name not in _RETURNED]
    with raw.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('income_lines', 'id'))"
            " FROM generate_series(1, %s)",
            (len(chunk),),
        )
        ids = [line_id for (line_id,) in cursor.fetchall()]
        cursor.execute("SELECT CAST(now() AS timestamp)")
        (created_at,) = cursor.fetchone()
        with cursor.copy(
            f"COPY income_lines (id, created_at, {', '.join(names)}) FROM STDIN"
        ) as copy:
            for line_id, values in zip(ids, chunk, strict=True):
                copy.write_row((line_id, created_at, *(_raw(values[name]) for name in names)))
        event_columns = "user_id, actor, action, entity, entity_id, centre_id, before, after"
        with cursor.copy(f"COPY audit_events ({event_columns}) FROM STDIN") as copy:
            for line_id, values in zip(ids, chunk, strict=True):
                values = values | {"id": line_id, "created_at": created_at}
                after = {name: _shown(name, values.get(name)) for name in columns}
                copy.write_row((actor[0], actor[1], "create", _TABLE.name, str(line_id),
                                values["centre_id"], "null", json.dumps(after)))  # fmt: skip
    return len(chunk)


def _raw(value):
    return value.value if isinstance(value, Enum) else value
