"""Two donors who are one person: merge one into the other, and undo that while its year is open.

The merge is generic: every foreign key to `donors.id` that the SQLAlchemy metadata knows
(income lines, recurring gifts, mandates, and whatever table is added later) is repointed
from the merged donor to the survivor in SQL, and the merge record keeps exactly which rows
of which table moved (their primary keys), so that an undo moves those rows and no others
back. A table with a unique constraint on its donor column (one row per donor, or one per
donor and year) keeps the survivor's row where both have one: the merged donor's row stays
with the merged donor, parked, and comes back with it on undo.

The merged donor is marked merged, not deleted: its row (and so its id) stays taken, the
audit events about it keep naming it, rows that could not move stay parked with it, and an
undo has nothing to re-create. `Donor.not_merged` keeps it out of every list and picker.

The audit trail shows a merge as events with the action "merge": one on the survivor (the
fields taken from the merged donor, and which donor was merged into it), one on the merged
donor (merged into the survivor), and one on each row that moved (its donor column before
and after). An undo writes the same events with the action "unmerge". Audit events are never
rewritten: those about the merged donor keep its id.
"""

from datetime import UTC, date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Table, UniqueConstraint, and_, exists, insert, select, tuple_, update
from sqlalchemy.orm import Session

from fundtrack.audit.actor import current_actor
from fundtrack.audit.models import AuditAction, AuditEvent
from fundtrack.auth.access import require_manage
from fundtrack.auth.models import User
from fundtrack.centres.locks import current_network, locked_years
from fundtrack.errors import Conflict, Label, ValidationError
from fundtrack.extensions import db
from fundtrack.income.merge_models import DonorMerge
from fundtrack.income.models import Donor
from fundtrack.operations import refuse_unknown

CHUNK = 500  # keys per IN (...) list
# Columns of a donor that are not a person's details to choose between.
_NOT_CHOSEN = {"id", "centre_id", "created_at", "merged_into_id", "consent_recorded_at"}
_CONSENTS = {"consent_contact", "consent_newsletter"}


def merge_fields() -> list[str]:
    """The donor's fields a merge chooses between, every column a person's details live in
    (a column added to donors later is one of them without further ado)."""
    return [c.key for c in Donor.__mapper__.column_attrs if c.key not in _NOT_CHOSEN]


def donor_references() -> list[tuple[Table, object]]:
    """(table, column) of every foreign key to donors.id, but the merge's own bookkeeping."""
    donors = Donor.__table__
    found = []
    for table in db.metadata.sorted_tables:
        if table is DonorMerge.__table__:
            continue
        for key in table.foreign_keys:
            if key.column is donors.c.id and key.parent is not donors.c.merged_into_id:
                found.append((table, key.parent))
    return found


def _unique_groups(table: Table, column) -> list[list]:
    """The other columns of each unique constraint or unique index that holds `column`:
    [] for one row per donor, [year] for one per donor and year."""
    groups = []
    sets = [c.columns for c in table.constraints if isinstance(c, UniqueConstraint)]
    sets += [index.columns for index in table.indexes if index.unique]
    for columns in sets:
        if column.name in columns:
            groups.append([c for c in columns if c is not column])
    if column.unique and not any(group == [] for group in groups):
        groups.append([])
    return groups


def _clashing(table: Table, column, merged_id: int, survivor_id: int):
    """The condition for rows of the merged donor the survivor already has a twin of."""
    clauses = []
    twin = table.alias("twin")
    for others in _unique_groups(table, column):
        same = [twin.c[column.name] == survivor_id]
        same += [twin.c[other.name] == other for other in others]
        clauses.append(exists().where(*same))
    if not clauses:
        return None
    condition = clauses[0]
    for clause in clauses[1:]:
        condition = condition | clause
    return and_(column == merged_id, condition)


def _key_of(table: Table):
    columns = list(table.primary_key.columns)
    return columns[0] if len(columns) == 1 else tuple_(*columns)


def _keys(session: Session, table: Table, *where) -> list[list]:
    columns = list(table.primary_key.columns)
    rows = session.execute(select(*columns).where(*where).order_by(*columns))
    return [list(row) for row in rows]


def _chunks(keys: list[list]):
    for start in range(0, len(keys), CHUNK):
        yield keys[start : start + CHUNK]


def _in(table: Table, keys: list[list]):
    key = _key_of(table)
    if len(table.primary_key.columns) == 1:
        return key.in_([k[0] for k in keys])
    return key.in_([tuple(k) for k in keys])


def _move(session: Session, table: Table, column, keys, old: int, new: int) -> int:
    moved = 0
    for chunk in _chunks(keys):
        result = session.execute(
            update(table).where(_in(table, chunk), column == old).values({column.name: new})
        )
        moved += result.rowcount
    return moved


def _plain(value):
    from fundtrack.audit.listeners import _plain as plain

    return plain(value)


def _events(session: Session, action: str, centre_id: int, events: list[tuple]) -> None:
    """Audit events written by the merge itself (its changes are SQL the hook does not see):
    (table, id, before, after) each."""
    user_id, actor = current_actor()
    session.execute(
        insert(AuditEvent),
        [
            {"user_id": user_id, "actor": actor, "action": action, "entity": table,
             "entity_id": str(row_id), "centre_id": centre_id, "before": before, "after": after}
            for table, row_id, before, after in events
        ],
    )  # fmt: skip


def _check_pair(survivor: Donor, merged: Donor) -> None:
    if survivor.id == merged.id:
        raise ValidationError(
            "donor", _l("a donor cannot be merged into itself"), code="same_donor"
        )
    if merged.centre_id != survivor.centre_id:
        raise ValidationError(
            "donor",
            _l("donor %(id)s gives to another centre; only donors of one centre can be merged",
               id=merged.id),
            code="other_centre",
        )  # fmt: skip
    for donor in (survivor, merged):
        if donor.merged_into_id is not None:
            raise Conflict(
                "donor",
                _l("donor %(id)s is merged into another donor already", id=donor.id),
                donor.merged_into_id,
                code="merged_already",
            )


def _chosen(survivor: Donor, merged: Donor, from_merged) -> dict:
    """The survivor's fields that take the merged donor's value. By default the fields the
    survivor leaves empty and the merged donor has."""
    fields = merge_fields()
    if from_merged is None:
        from_merged = [
            f for f in fields
            if getattr(survivor, f) in (None, "") and getattr(merged, f) not in (None, "")
        ]  # fmt: skip
    if not isinstance(from_merged, list | tuple | set) or not all(
        isinstance(f, str) for f in from_merged
    ):
        raise ValidationError("fields", _l("is not a list of fields"), code="not_a_list")
    refuse_unknown(dict.fromkeys(from_merged), tuple(fields), "donor")
    values = {
        f: getattr(merged, f) for f in from_merged if getattr(merged, f) != getattr(survivor, f)
    }
    if _CONSENTS & set(values):
        # Consent taken from the merged donor was given when they gave it.
        values["consent_recorded_at"] = merged.consent_recorded_at
    return values


def merge_donors(
    session: Session, user: User, survivor: Donor, merged: Donor, from_merged=None
) -> DonorMerge:
    """Merge donor `merged` into `survivor` (both of one centre the user manages): every row
    referring to `merged` moves to `survivor`, but for the survivor's own one-per-donor rows;
    the survivor takes `merged`'s values of the fields listed in `from_merged`; `merged` is
    marked merged. Flushed and audited; the caller commits."""
    require_manage(user, survivor.centre_id)
    _check_pair(survivor, merged)
    session.flush()  # what the session holds is written before rows move in SQL
    values = _chosen(survivor, merged, from_merged)
    before = {f: _plain(getattr(survivor, f)) for f in values}
    moved, kept, events = [], [], []
    for table, column in donor_references():
        clash = _clashing(table, column, merged.id, survivor.id)
        stays = _keys(session, table, clash) if clash is not None else []
        if stays:
            kept.append({"table": table.name, "column": column.name, "keys": stays})
        where = [column == merged.id] + ([~clash] if clash is not None else [])
        keys = _keys(session, table, *where)
        if not keys:
            continue
        _move(session, table, column, keys, merged.id, survivor.id)
        moved.append({"table": table.name, "column": column.name, "keys": keys})
        events += [
            (table.name, "/".join(str(part) for part in key), {column.name: merged.id},
             {column.name: survivor.id})
            for key in keys
        ]  # fmt: skip
    if values:
        session.execute(update(Donor).where(Donor.id == survivor.id).values(values))
    session.execute(update(Donor).where(Donor.id == merged.id).values(merged_into_id=survivor.id))
    record = DonorMerge(
        centre_id=survivor.centre_id, survivor_id=survivor.id, merged_id=merged.id,
        fiscal_year=current_network(session).fiscal_year_of(date.today()),
        merged_by_id=user.id, moved=moved, kept=kept, survivor_before=before,
        survivor_after={f: _plain(v) for f, v in values.items()},
    )  # fmt: skip
    session.add(record)
    events += [
        ("donors", survivor.id, before, record.survivor_after | {"merged_donor": merged.id}),
        ("donors", merged.id, {"merged_into_id": None}, {"merged_into_id": survivor.id}),
    ]
    _events(session, AuditAction.MERGE, survivor.centre_id, events)
    session.flush()
    # The rows moved in SQL: what the session holds of them is out of date.
    session.expire_all()
    return record


def _refuse_undo(session: Session, record: DonorMerge) -> None:
    if record.undone_at is not None:
        raise Conflict(
            "merge", _l("merge %(id)s is undone already", id=record.id), code="undone_already"
        )
    if record.fiscal_year in locked_years(session):
        raise Conflict(
            "merge",
            _l("fiscal year %(year)s is closed; a merge made in it can no longer be undone",
               year=record.fiscal_year),
            code="year_closed",
        )  # fmt: skip
    survivor, merged = record.survivor, record.merged
    if survivor.merged_into_id is not None or merged.merged_into_id != survivor.id:
        raise Conflict(
            "merge",
            _l("donor %(id)s was merged again since; undo that merge first",
               id=survivor.id if survivor.merged_into_id is not None else merged.id),
            code="merged_since",
        )  # fmt: skip
    tables = db.metadata.tables
    for entry in record.moved:
        table = tables[entry["table"]]
        column = table.c[entry["column"]]
        for chunk in _chunks(entry["keys"]):
            elsewhere = session.execute(
                select(*table.primary_key.columns)
                .where(_in(table, chunk), column != survivor.id)
                .limit(1)
            ).first()
            if elsewhere is not None:
                raise Conflict(
                    "merge",
                    _l("%(what)s %(row)s went to another donor since the merge; the merge"
                       " can no longer be undone",
                       what=Label("AUDIT_ENTITY_LABELS", entry["table"]),
                       row="/".join(str(part) for part in elsewhere)),
                    code="changed_since",
                )  # fmt: skip


def _typed(field: str, value):
    """A stored (JSON) value of a donor's field as the column takes it."""
    python_type = Donor.__table__.c[field].type.python_type
    if isinstance(value, str) and python_type in (datetime, date):
        return python_type.fromisoformat(value)
    return value


def _restore_fields(session: Session, survivor: Donor, record: DonorMerge) -> tuple[dict, dict]:
    """Give the survivor back the values the merge replaced, but where changed by hand since
    (that change is kept); the values replaced now and the ones put back."""
    after = {f: v for f, v in record.survivor_after.items() if f != "consent_recorded_at"}
    now = {f: _plain(getattr(survivor, f)) for f in after}
    back = {f: record.survivor_before[f] for f in after if now[f] == after[f]}
    if _CONSENTS & set(back) and "consent_recorded_at" in record.survivor_before:
        back["consent_recorded_at"] = record.survivor_before["consent_recorded_at"]
        now["consent_recorded_at"] = _plain(survivor.consent_recorded_at)
    if back:
        session.execute(
            update(Donor)
            .where(Donor.id == survivor.id)
            .values({f: _typed(f, v) for f, v in back.items()})
        )
    return {f: now[f] for f in back}, back


def undo_merge(session: Session, user: User, record: DonorMerge) -> DonorMerge:
    """Undo a merge while the fiscal year it was made in is open: the rows it moved go back
    to the merged donor (those deleted since are simply gone; rows given to the survivor
    since stay with it), the merged donor is itself again, and the survivor's fields the
    merge changed get their old values back, but for a field changed by hand since, which
    keeps its new value. Refused (Conflict) when undone already, when the year is closed,
    when either donor was merged again since, or when a moved row now belongs to another
    donor. Flushed and audited; the caller commits."""
    require_manage(user, record.centre_id)
    session.flush()
    _refuse_undo(session, record)
    survivor, merged = record.survivor, record.merged
    events = []
    tables = db.metadata.tables
    for entry in record.moved:
        table = tables[entry["table"]]
        column = table.c[entry["column"]]
        back = []
        for chunk in _chunks(entry["keys"]):
            back += _keys(session, table, _in(table, chunk), column == survivor.id)
        _move(session, table, column, back, survivor.id, merged.id)
        events += [
            (table.name, "/".join(str(part) for part in key), {column.name: survivor.id},
             {column.name: merged.id})
            for key in back
        ]  # fmt: skip
    replaced, restored = _restore_fields(session, survivor, record)
    session.execute(update(Donor).where(Donor.id == merged.id).values(merged_into_id=None))
    record.undone_at = datetime.now(UTC)
    record.undone_by_id = user.id
    events += [
        ("donors", survivor.id, replaced | {"merged_donor": merged.id}, restored),
        ("donors", merged.id, {"merged_into_id": survivor.id}, {"merged_into_id": None}),
    ]
    _events(session, AuditAction.UNMERGE, record.centre_id, events)
    session.flush()
    session.expire_all()
    return record
