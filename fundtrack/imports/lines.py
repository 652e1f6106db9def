"""Income lines of an import inserted in bulk, audited as every insert is.

The ORM's unit of work costs more per line than the database does; so the import's lines
skip it: on PostgreSQL they go in by COPY, a window of rows at a time, on SQLite as one
multi-row INSERT per thousand (insertmanyvalues, RETURNING their ids).
What the session hooks would have done for each line is done here for the chunk: the lock
hook's fiscal year and closed-year refusal (centres.locks), and the audit hook's `create`
event with every column (audit.listeners), written as one bulk insert of the same rows. A
test holds these audit rows to the ones the hook writes for a line booked by hand.
"""

import json
from contextlib import contextmanager

import psycopg
from flask_babel import lazy_gettext as _l
from sqlalchemy import insert, inspect
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fundtrack.audit.actor import current_actor
from fundtrack.audit.listeners import _shown
from fundtrack.audit.models import AuditEvent
from fundtrack.centres.locks import YearLocked, current_network, locked_years
from fundtrack.errors import Conflict, ValidationError
from fundtrack.imports.fund_parts import insert_parts, own_fund
from fundtrack.imports.models import Import
from fundtrack.imports.plan import CHUNK, PlanRow
from fundtrack.income.models import IncomeCategory, IncomeLine, IncomeSource

_TABLE = IncomeLine.__table__
_RETURNED = ("id", "created_at")


# What changes from line to line; the other columns are the same for a whole import.
_VARYING = ("id", "created_at", "booking_date", "fiscal_year", "amount", "category",
            "funder_id", "donor_id", "agreement_id", "earmarked_fund_id", "reference",
            "description", "external_id")  # fmt: skip


def _columns() -> list[str]:
    return [attr.key for attr in inspect(IncomeLine).column_attrs]


class LineWriter:
    """Inserts an import's lines with their audit rows, a thousand at a time."""

    def __init__(self, session: Session, record: Import, centre):
        self.session = session
        self.record = record
        self.centre = centre
        self.network = current_network(session)
        self.closed = locked_years(session)
        self.columns = _columns()
        self.statement = insert(_TABLE).returning(
            *(_TABLE.c[name] for name in _RETURNED), sort_by_parameter_order=True
        )
        self.actor = current_actor()

    def insert(self, rows: list[PlanRow], new_donors: dict) -> int:
        """Insert `rows` (planned to book) as the import's lines; how many.

        Raises Conflict on `date` when a row falls in a closed fiscal year.
        """
        centre, network, closed = self.centre, self.network, self.closed
        values = []
        for row in rows:
            year = network.fiscal_year_of(row.booking_date)
            if year in closed:
                raise YearLocked(year)
            match = row.match
            values.append({
                "centre_id": centre.id,
                "booking_date": row.booking_date,
                "fiscal_year": year,
                "amount": row.amount,
                "currency": centre.currency,
                "category": _category(row.category),
                "funder_id": match.funder_id if match.kind in ("funder", "agreement") else None,
                "donor_id": match.id if match.kind == "donor" else new_donors.get(row.key),
                "agreement_id": match.id if match.kind == "agreement" else None,
                "earmarked_fund_id": own_fund(row.funds),
                "grant_id": None,
                "reference": row.reference[:200],
                "description": row.text,
                "source": IncomeSource.IMPORT.value,
                "external_id": row.external_id,
                "import_id": self.record.id,
            })  # fmt: skip
        connection = self.session.connection()
        if not values:
            return 0
        if connection.dialect.name == "postgresql":
            ids = self._copy(connection, values)
        else:
            ids = []
            for start in range(0, len(values), CHUNK):
                ids += self._insert(connection, values[start : start + CHUNK])
        split = [(line_id, row.funds, centre.id) for line_id, row in zip(ids, rows, strict=True)]
        insert_parts(connection, split, self.actor)
        return len(ids)

    def _insert(self, connection, chunk: list[dict]) -> list[int]:
        """SQLite: one multi-row INSERT returning the ids, then the audit rows."""
        with _refusing_a_second_external_id():
            returned = connection.execute(self.statement, chunk).all()
        same = _same_for_all(chunk[0], self.columns)
        events = [
            {"user_id": self.actor[0], "actor": self.actor[1], "action": "create",
             "entity": _TABLE.name, "entity_id": str(line_id), "centre_id": values["centre_id"],
             "before": None, "after": _after(same, values, line_id, created_at)}
            for values, (line_id, created_at) in zip(chunk, returned, strict=True)
        ]  # fmt: skip
        connection.execute(insert(AuditEvent), events)
        return [line_id for line_id, _created_at in returned]

    def _copy(self, connection, chunk: list[dict]) -> list[int]:
        """PostgreSQL: the same rows through COPY, in the session's transaction.

        The ids are taken from the table's sequence first (as the INSERT would), and the
        creation time is the transaction's `now()`, which the column's default would give
        too; `before` is JSON null, as the hook writes it.
        """
        raw = connection.connection.driver_connection
        names = [name for name in self.columns if name not in _RETURNED]
        actor = self.actor
        with raw.cursor() as cursor:
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence('income_lines', 'id'))"
                " FROM generate_series(1, %s)",
                (len(chunk),),
            )
            ids = [line_id for (line_id,) in cursor.fetchall()]
            cursor.execute("SELECT CAST(now() AS timestamp)")
            (created_at,) = cursor.fetchone()
            same = _same_for_all(chunk[0], self.columns)
            events = []
            with (
                _refusing_a_second_external_id(),
                cursor.copy(
                    f"COPY income_lines (id, created_at, {', '.join(names)}) FROM STDIN"
                ) as copy,
            ):
                # The audit rows are made while the server takes in the lines sent before.
                for line_id, values in zip(ids, chunk, strict=True):
                    copy.write_row((line_id, created_at, *[values[name] for name in names]))
                    after = json.dumps(_after(same, values, line_id, created_at))
                    events.append((actor[0], actor[1], "create", _TABLE.name, str(line_id),
                                   values["centre_id"], "null", after))  # fmt: skip
            event_columns = "user_id, actor, action, entity, entity_id, centre_id, before, after"
            with cursor.copy(f"COPY audit_events ({event_columns}) FROM STDIN") as copy:
                for event in events:
                    copy.write_row(event)
        return ids


@contextmanager
def _refusing_a_second_external_id():
    """The unique (centre, external id) refusal as the Conflict it means here: a line of
    the file was booked since the preview."""
    try:
        yield
    except (IntegrityError, psycopg.errors.UniqueViolation) as error:
        text = str(error).replace("income_lines.", "")
        if not any(name in text for name in _UNIQUE_EXTERNAL_ID):
            raise
        raise Conflict(
            "rows",
            _l(
                "an entry of this file was booked since the preview (the same external id);"
                " preview the file again"
            ),
            code="booked_since_preview",
        ) from None


def _same_for_all(values: dict, columns: list[str]) -> dict:
    """The audit's `after` for the columns every line of the import shares, as the hook
    shows them."""
    return {name: _shown(name, values.get(name)) for name in columns if name not in _VARYING}


def _after(same: dict, values: dict, line_id: int, created_at) -> dict:
    """The audit's `after` for one line: what `audit.listeners._shown` gives each column."""
    after = dict(same)
    after["id"] = line_id
    after["created_at"] = created_at.isoformat() if created_at is not None else None
    after["booking_date"] = values["booking_date"].isoformat()
    after["fiscal_year"] = values["fiscal_year"]
    after["amount"] = str(values["amount"])
    after["category"] = values["category"]
    for name in ("funder_id", "donor_id", "agreement_id", "earmarked_fund_id", "reference",
                 "description", "external_id"):  # fmt: skip
        after[name] = values[name]
    return after


# How PostgreSQL (the constraint's name) and SQLite (its columns) name the refusal.
_UNIQUE_EXTERNAL_ID = ("uq_income_lines_centre_id_external_id", "centre_id, external_id")
_CATEGORIES = {category.value for category in IncomeCategory}


def _category(value: str) -> str:
    if value not in _CATEGORIES:
        raise ValidationError(
            "category", _l("%(typed)s is not an income category", typed=repr(value)),
            code="unknown_category",
        )  # fmt: skip
    return value
