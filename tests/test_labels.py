"""Every code a person reads has words in fundtrack.labels: each enum of fundtrack, each enum
column, each text column with a fixed set of codes, each audited table, each audit action,
each download's name. A value added without words fails here, not on a screen."""

import enum
import importlib
import inspect
import pkgutil
import re
import sys
from typing import get_args

import pytest
from sqlalchemy import CheckConstraint, Enum

import fundtrack
from fundtrack import labels
from fundtrack.audit.models import AuditAction, AuditEvent
from fundtrack.extensions import db


def _all_enums() -> set[type[enum.Enum]]:
    """Every enum class defined in fundtrack: import every module, then look."""
    for module in pkgutil.walk_packages(fundtrack.__path__, "fundtrack."):
        importlib.import_module(module.name)
    found = set()
    for name, module in list(sys.modules.items()):
        if name == "fundtrack" or name.startswith("fundtrack."):
            for _name, cls in inspect.getmembers(module, inspect.isclass):
                if issubclass(cls, enum.Enum) and cls.__module__.startswith("fundtrack"):
                    found.add(cls)
    return found


def without_words(tables: dict[type[enum.Enum], dict]) -> list[str]:
    """'Enum.value' for every value of every enum that its table has no words for."""
    return [
        f"{cls.__name__}.{member.value}"
        for cls, table in tables.items()
        for member in cls
        if not str(table.get(member.value, "")).strip()
    ]


def test_every_enum_of_fundtrack_has_a_table_of_words(app):
    tables = labels.enum_tables()
    enums = _all_enums()
    assert len(enums) >= 14
    assert not [cls.__qualname__ for cls in enums if cls not in tables]
    assert not without_words(tables)


def test_a_value_added_without_words_is_found():
    """The check itself can fail: an enum with one value more than its table."""

    class Grown(enum.StrEnum):
        DRAFT = "draft"
        ON_HOLD = "on_hold"

    assert without_words({Grown: labels.GRANT_STATE_LABELS}) == ["Grown.on_hold"]


def _enum_columns():
    for table in db.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, Enum):
                yield table.name, column


def test_every_enum_column_names_a_table_with_words_for_each_code(app):
    columns = list(_enum_columns())
    assert len(columns) >= 15
    for table, column in columns:
        words = labels.table_for(column.type.name)
        missing = [code for code in column.type.enums if code not in words]
        assert not missing, f"{table}.{column.name}: no words for {missing}"
        # The table that words the column is the one that words its enum class.
        assert words is labels.enum_tables()[column.type.enum_class]


_IN = re.compile(r"^\s*(\w+)\s+IN\s*\(([^)]*)\)\s*$", re.IGNORECASE)


def test_every_text_column_with_a_fixed_set_of_codes_has_words_for_each(app):
    found = []
    for table in db.metadata.sorted_tables:
        for constraint in table.constraints:
            match = isinstance(constraint, CheckConstraint) and _IN.match(str(constraint.sqltext))
            if not match:
                continue
            column, codes = match[1], re.findall(r"'([^']*)'", match[2])
            found.append((table.name, column))
            kind = labels.CODE_COLUMNS.get((table.name, column))
            assert kind is not None, f"{table.name}.{column} holds codes: name its kind"
            words = labels.table_for(kind)
            assert not [code for code in codes if code not in words], (table.name, column)
    assert ("api_tokens", "scope") in found and ("report_drafts", "language") in found


def test_every_audited_table_is_named_in_the_audit_trail(app):
    from fundtrack.audit.listeners import _NOT_AUDITED

    audited = {table for table in db.metadata.tables if table not in _NOT_AUDITED}
    assert not sorted(audited - set(labels.AUDIT_ENTITY_LABELS))


def test_every_field_the_audit_trail_can_show_has_a_name_in_words(app):
    from fundtrack.audit.listeners import _NOT_AUDITED
    from fundtrack.audit.words import _HIDDEN

    named = set(labels.COLUMN_LABELS) | set(labels.AUDIT_FIELD_LABELS) | _HIDDEN
    unnamed = [
        f"{table.name}.{column.name}"
        for table in db.metadata.sorted_tables
        if table.name not in _NOT_AUDITED
        for column in table.columns
        if column.name not in named
    ]
    assert not unnamed


def test_an_audit_action_without_words_is_refused_when_written(app):
    assert set(labels.AUDIT_ACTION_LABELS) == {action.value for action in AuditAction}
    with pytest.raises(ValueError):
        AuditEvent(actor="x", action="shrug", entity="users", entity_id="1")
    assert AuditEvent(actor="x", action="sign-in-no", entity="users", entity_id="-").action


def test_the_audit_actions_the_code_writes_are_audit_actions():
    """The auth module's names for its events are members, so each has words."""
    from fundtrack.auth import events, operations

    written = [events.SIGNED_IN, events.REFUSED, events.SIGNED_OUT, events.MFA_ON]
    written += [events.MFA_RESET, operations.SESSIONS_ENDED]
    assert all(AuditAction(action) for action in written)


def test_every_list_download_and_file_is_named_in_words(app):
    from fundtrack.admin import grant_views, money_views, network_views

    views = money_views.VIEWS + grant_views.VIEWS + network_views.VIEWS
    exported = [
        model.__tablename__ for view, model, *_ in views if getattr(view, "export_columns", None)
    ]
    assert len(exported) >= 7
    assert not [table for table in exported if table not in labels.FILE_NAME_LABELS]


def test_other_codes_a_screen_shows_have_words():
    from fundtrack.imports.files import KINDS
    from fundtrack.imports.mapping import FIELDS
    from fundtrack.share.figures import CostsBasis

    assert set(get_args(CostsBasis)) <= set(labels.BASIS_LABELS)
    assert set(FIELDS) <= set(labels.IMPORT_FIELD_LABELS)
    assert set(KINDS) <= set(labels.IMPORT_FILE_KIND_LABELS)
    assert {"costs_incomplete", "line_in_wrong_year"} == set(labels.WARNING_CAUSE_LABELS)


def test_label_words_an_enum_member_by_its_class_and_a_code_by_its_kind(app):
    from fundtrack.costs.models import CostCategory
    from fundtrack.grants.models import ReportKind

    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert labels.label(ReportKind.FINAL) == "Final report"
        assert labels.label(CostCategory.OTHER) == "Other costs"
        assert labels.label("other", "income_category") == "Other income"
        assert labels.label(None) == ""
        with pytest.raises(KeyError):
            labels.label(3.5)


def test_every_file_sent_is_named_by_a_code_with_words():
    """Each call of a download door names what the file holds by a key of FILE_NAME_LABELS."""
    import ast
    from pathlib import Path

    doors = {"download": 1, "pdf_response": 1}  # argument index of the name
    exports_door = 2  # exports.download(table, kind, name, ...)
    names = []
    for path in Path(fundtrack.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            owner = getattr(func.value, "id", "") if isinstance(func, ast.Attribute) else ""
            index = exports_door if owner == "exports" else doors.get(called)
            if called in doors and index is not None and len(node.args) > index:
                argument = node.args[index]
                if isinstance(argument, ast.Constant):
                    names.append((path.name, argument.value))
    assert len(names) >= 12
    assert not [(f, name) for f, name in names if name not in labels.FILE_NAME_LABELS]
