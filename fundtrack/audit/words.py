"""The audit log in words: who did what to which record, and each field's old and new value.

An audit event stores a table name, a row id and the columns as JSON; a treasurer and an
auditor need "Anna de Vries changed income line 1 Mar 2025 € 100,00 (HLM): Amount € 100,00 →
€ 120,00". `describe` turns a page of events into that, in the user's language, with a few
statements per page (the names of the users, centres and rows they refer to, looked up at
once), never one per event.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundtrack.audit.models import AuditAction
from fundtrack.labels import (
    AUDIT_ACTION_LABELS,
    AUDIT_ENTITY_LABELS,
    AUDIT_FIELD_LABELS,
    CODE_COLUMNS,
    COLUMN_LABELS,
    enum_label,
    label_of,
    language_name,
)

# Columns a person does not need to read in a change list.
_HIDDEN = {"id", "created_at", "fiscal_year", "consent_recorded_at"}
# Secrets (shown as *** at most) and bookkeeping of the sign-in and of stored files.
_HIDDEN |= {"password_hash", "mfa_secret", "mfa_last_step", "token_hash", "token", "pdf"}
_HIDDEN |= {"options", "mfa_secret_encrypted", "device_hash", "number_sealed", "file_sha256"}
# Foreign keys shown by the name of the row they point at: column -> (table, model path).
_REFERENCES = {
    "centre_id": "centres",
    "funder_id": "funders",
    "donor_id": "donors",
    "agreement_id": "funding_agreements",
    "earmarked_fund_id": "earmarked_funds",
    "grant_id": "grants",
    "region_id": "regions",
    "locked_by_id": "users",
    "user_id": "users",
    "declared_by_id": "users",
    "sent_by_id": "users",
    "national_office_funder_id": "funders",
    "recurring_gift_id": "recurring_gifts",
    "mandate_id": "mandates",
    "merged_into_id": "donors",
    "merged_donor": "donors",
}
# The day a row is about, first found first: what names a row that has no name of its own.
_DAYS = ("due_date", "start_date", "collection_date", "signed_on", "booking_date")
_MONEY = {"amount", "annual_amount", "amount_requested", "amount_awarded"}


def _enum_kind(table: str, column: str) -> str | None:
    """The kind of code a column holds (a key of fundtrack.labels.TABLES), or None."""
    from sqlalchemy import Enum

    from fundtrack.extensions import db

    if (table, column) in CODE_COLUMNS:
        return CODE_COLUMNS[table, column]
    found = db.metadata.tables[table].c.get(column) if table in db.metadata.tables else None
    if found is not None and isinstance(found.type, Enum):
        return found.type.name
    return None


@dataclass
class Change:
    field: str
    label: str
    old: str
    new: str


@dataclass
class InWords:
    event_id: int
    at: datetime
    who: str
    action: str
    kind: str
    record: str
    centre: str
    changes: list[Change] = field(default_factory=list)

    def changes_text(self) -> str:
        return "; ".join(f"{c.label}: {c.old} → {c.new}" for c in self.changes)


def _names(session: Session, wanted: dict[str, set]) -> dict[tuple[str, int], str]:
    """Names of the rows referred to, one statement per table that has any."""
    from fundtrack.auth.models import User
    from fundtrack.centres.models import Centre, Region
    from fundtrack.giving.models import RecurringGift
    from fundtrack.giving.sepa_models import Mandate
    from fundtrack.grants.models import Grant
    from fundtrack.income.models import Donor, EarmarkedFund, Funder, FundingAgreement

    def agreement_name(row):
        return str(row.title or row.start_date)

    how = {
        "centres": (Centre, lambda r: f"{r.code} {r.name}"),
        "regions": (Region, lambda r: r.name),
        "users": (User, lambda r: r.name or r.email),
        "funders": (Funder, lambda r: r.name),
        "donors": (Donor, lambda r: r.name),
        "earmarked_funds": (EarmarkedFund, lambda r: r.name),
        "funding_agreements": (FundingAgreement, agreement_name),
        "grants": (Grant, lambda r: r.project_name),
        "recurring_gifts": (RecurringGift, lambda r: f"{r.donor.name} {r.reference}".strip()),
        "mandates": (Mandate, lambda r: r.reference),
    }
    names = {}
    for table, ids in wanted.items():
        ids = {int(i) for i in ids if str(i).isdigit()}
        if table not in how or not ids:
            continue
        model, name = how[table]
        for row in session.scalars(select(model).where(model.id.in_(ids))):
            names[table, row.id] = name(row)
    return names


def _value(table: str, column: str, value, names, fmt) -> str:
    from fundtrack.formatting import format_day, format_moment

    if value is None or value == "":
        return "—"
    if column in _REFERENCES:
        return names.get((_REFERENCES[column], value), f"#{value}")
    if column in _MONEY:
        try:
            return fmt.money(Decimal(str(value)), None)
        except (InvalidOperation, ValueError):
            return str(value)
    if column == "locale":
        return language_name(value)
    kind = _enum_kind(table, column)
    if kind is not None:
        return str(enum_label(kind, value))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-" and value[7:8] == "-":
        try:
            return format_day(date.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, str) and len(value) >= 19 and value[4:5] == "-" and value[10:11] == "T":
        try:  # a moment, as the listeners store it: shown in the network's time zone
            return format_moment(datetime.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def _label(column: str) -> str:
    return str(
        AUDIT_FIELD_LABELS.get(column) or COLUMN_LABELS.get(column) or column.replace("_", " ")
    )


def _record(table: str, row: dict, names, fmt) -> str:
    """The record as a person names it, from its columns (after, else before)."""
    get = row.get
    if table == "income_lines":
        parts = [
            _value(table, "booking_date", get("booking_date"), names, fmt),
            _value(table, "amount", get("amount"), names, fmt),
            get("reference") or "",
        ]
        return " ".join(p for p in parts if p and p != "—")
    if table == "cost_lines":
        parts = [str(get("year") or ""), _value(table, "kind", get("kind"), names, fmt),
                 _value(table, "category", get("category"), names, fmt),
                 _value(table, "amount", get("amount"), names, fmt)]  # fmt: skip
        return " ".join(p for p in parts if p and p != "—")
    if table == "fiscal_year_locks":
        return gettext("fiscal year %(year)s", year=get("year"))
    if table == "structural_rules":
        return _value("funders", "type", get("funder_type"), names, fmt)
    if table == "funding_agreements":
        funder = names.get(("funders", get("funder_id")), "")
        return f"{funder}: {get('title') or get('start_date') or ''}".strip(": ")
    for key in ("name", "project_name", "email", "code", "title", "transaction_number"):
        if get(key):
            return str(get(key))
    # A donor's giving (a recurring gift, an instalment, a mandate, a collection): whose, how
    # much and from when, where the row has no name of its own.
    day = next((get(k) for k in _DAYS if get(k)), None)
    parts = [
        names.get(("donors", get("donor_id")), "")
        or names.get(("recurring_gifts", get("recurring_gift_id")), ""),
        _value(table, "amount", get("amount"), names, fmt),
        _value(table, "day", day, names, fmt),
        get("reference") or "",
    ]
    return " ".join(p for p in parts if p and p != "—")


def _live_rows(session: Session, wanted: dict[str, set]) -> dict[tuple[str, int], dict]:
    """The current columns of the records the events are about (an update stores only what
    changed; the record is named by all of it). One statement per table."""
    from fundtrack.extensions import db

    models = {m.class_.__tablename__: m.class_ for m in db.Model.registry.mappers}
    rows = {}
    for table, ids in wanted.items():
        model = models.get(table)
        if model is None or not ids or not hasattr(model, "id"):
            continue
        for row in session.scalars(select(model).where(model.id.in_(ids))):
            rows[table, row.id] = {
                attr.key: _plain(getattr(row, attr.key))
                for attr in row.__mapper__.column_attrs
                if attr.key not in ("password_hash", "token_hash")
            }
    return rows


def _plain(value):
    from fundtrack.audit.listeners import _plain as plain

    return plain(value)


def describe(session: Session, events) -> list[InWords]:
    """The events in words, in the order given."""
    from fundtrack.formatting import network_format

    fmt = network_format()
    wanted: dict[str, set] = defaultdict(set)
    for event in events:
        if event.user_id:
            wanted["users"].add(event.user_id)
        if event.centre_id:
            wanted["centres"].add(event.centre_id)
        if event.entity in AUDIT_ENTITY_LABELS and event.entity_id.isdigit():
            wanted[event.entity].add(int(event.entity_id))
        for snapshot in (event.before or {}, event.after or {}):
            for column, value in snapshot.items():
                if column in _REFERENCES and value is not None:
                    wanted[_REFERENCES[column]].add(value)
    records: dict[str, set] = defaultdict(set)
    for event in events:
        if event.action == "update" and event.entity_id.isdigit():
            records[event.entity].add(int(event.entity_id))
    live = _live_rows(session, records)
    for (_table, _id), row in live.items():
        for column, value in row.items():
            if column in _REFERENCES and value is not None:
                wanted[_REFERENCES[column]].add(value)
    names = _names(session, wanted)
    described = []
    for event in events:
        before, after = event.before or {}, event.after or {}
        current = (
            live.get((event.entity, int(event.entity_id))) if event.entity_id.isdigit() else None
        )
        snapshot = {**(current or {}), **before, **after}
        record = _record(event.entity, snapshot, names, fmt)
        if not record and event.entity_id.isdigit():
            record = names.get((event.entity, int(event.entity_id)), f"#{event.entity_id}")
        changes = []
        if event.action in ("update", "reopen", "erase", "merge", "unmerge"):
            columns = [c for c in after if c not in _HIDDEN]
        elif event.action == "create":
            columns = [c for c in after if c not in _HIDDEN and after.get(c) not in (None, "")]
        elif event.action == AuditAction.REFUSED:
            columns = [c for c in ("reason",) if after.get(c)]  # why, in words
        else:
            columns = []
        for column in columns:
            changes.append(
                Change(
                    field=column,
                    label=_label(column),
                    old=_value(event.entity, column, before.get(column), names, fmt),
                    new=_value(event.entity, column, after.get(column), names, fmt),
                )
            )
        who = names.get(("users", event.user_id)) if event.user_id else None
        described.append(
            InWords(
                event_id=event.id,
                at=event.at,
                who=who or event.actor,
                action=label_of(AUDIT_ACTION_LABELS, event.action),
                kind=label_of(AUDIT_ENTITY_LABELS, event.entity),
                record=record,
                centre=names.get(("centres", event.centre_id), "") if event.centre_id else "",
                changes=changes,
            )
        )
    return described
