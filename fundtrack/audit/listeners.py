"""Write an audit event for every insert, update and delete, whatever path made it."""

from datetime import date, datetime
from decimal import Decimal
from enum import Enum

from sqlalchemy import event, insert, inspect
from sqlalchemy.orm import Session

from fundtrack.audit.actor import current_actor
from fundtrack.audit.models import AuditEvent

# Bookkeeping (the audit log itself, report jobs' progress) is not a change anybody traces.
_NOT_AUDITED = {"audit_events", "report_jobs"}
# Sessions and recovery codes are written at every sign-in; sign-ins have events of their own
# (fundtrack.auth.events).
_NOT_AUDITED |= {"user_sessions", "recovery_codes"}
# The sign-in throttle's counts (fundtrack.auth.throttle_storage) are bookkeeping too.
_NOT_AUDITED |= {"throttle_counts"}
# A gift report's lines are what the run (audited) sent; each holds a sealed number.
_NOT_AUDITED |= {"gift_report_lines"}
# A donor merge's record: the merge and its undo write events of their own, on the donors and
# on every row they move (fundtrack.income.merge).
_NOT_AUDITED |= {"donor_merges"}
_QUIET_COLUMNS = {"api_tokens": {"last_used_at"}, "users": {"mfa_last_step"}}
_SECRET_COLUMNS = {"password_hash", "token_hash", "mfa_secret", "mfa_secret_encrypted"}
_SECRET_COLUMNS |= {"number_sealed"}  # a donor's national identity number, encrypted


def _plain(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):  # a stored PDF: the log names it, it does not copy it
        return f"<{len(value)} bytes>"
    return value


def _shown(column: str, value):
    return "***" if column in _SECRET_COLUMNS and value is not None else _plain(value)


def _all_columns(obj) -> dict:
    mapper = inspect(obj).mapper
    return {c.key: _shown(c.key, getattr(obj, c.key)) for c in mapper.column_attrs}


def _changes(obj) -> tuple[dict, dict]:
    state = inspect(obj)
    table = state.mapper.local_table.name
    before, after = {}, {}
    for attr in state.mapper.column_attrs:
        if attr.key in _QUIET_COLUMNS.get(table, ()):
            continue
        history = state.attrs[attr.key].history
        if history.has_changes():
            old = history.deleted[0] if history.deleted else None
            new = history.added[0] if history.added else None
            if old != new:
                before[attr.key] = _shown(attr.key, old)
                after[attr.key] = _shown(attr.key, new)
    return before, after


def _event(obj, action: str, before, after, actor) -> dict | None:
    state = inspect(obj)
    table = state.mapper.local_table.name
    if table in _NOT_AUDITED:
        return None
    identity = state.mapper.primary_key_from_instance(obj)
    return {
        "user_id": actor[0],
        "actor": actor[1],
        "action": action,
        "entity": table,
        "entity_id": "/".join(str(part) for part in identity),
        "centre_id": getattr(obj, "centre_id", None),
        "before": before,
        "after": after,
    }


def _after_flush(session: Session, _context) -> None:
    actor = current_actor()
    rows = []
    for obj in session.new:
        rows.append(_event(obj, "create", None, _all_columns(obj), actor))
    for obj in session.dirty:
        if not session.is_modified(obj, include_collections=False):
            continue
        before, after = _changes(obj)
        if after:
            rows.append(_event(obj, "update", before, after, actor))
    for obj in session.deleted:
        rows.append(_event(obj, "delete", _all_columns(obj), None, actor))
    rows = [row for row in rows if row is not None]
    if rows:
        session.connection().execute(insert(AuditEvent), rows)


def install() -> None:
    """Hook the audit log into every SQLAlchemy session (once per process)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
