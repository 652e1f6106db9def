"""Reading a filled onboarding workbook: each sheet's rows as values the domain operations
take, each refusal placed by sheet, row and column.

The workbook has passed the same checks as every other spreadsheet (size, type by content,
its zip entries' sizes and ratios, what its sheets declare) before calamine opens it, in a
child process. Numbers in cells arrive as
floats: they are read back through their shortest decimal form (`repr`) and refused with
more than two decimals; amounts typed as text go through `parse_amount` in the user's locale.
"""

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from flask_babel import format_number
from flask_babel import lazy_gettext as _l

from fundtrack.errors import DomainError, ValidationError
from fundtrack.imports.onboarding.sheets import SHEETS, Sheet, column_names, sheet_names
from fundtrack.imports.parsers.table import MAX_COLUMNS, _cell
from fundtrack.money import check_cents, parse_amount

MAX_ROWS = 50_000
_YES = {"yes", "ja", "y", "j", "true", "1", "x", "waar", "sant"}
_NO = {"no", "nee", "nei", "n", "false", "0", "", "onwaar", "usant"}


@dataclass
class Row:
    """One row of a sheet: the values read, the refusals, and what becomes of it."""

    sheet: str
    row: int
    values: dict
    errors: list = field(default_factory=list)  # [column heading, message]
    status: str = "create"  # create, present, error, example
    label: str = ""
    reason: str = ""

    def refuse(self, column: str, message) -> None:
        """Refuse the row for `message` (lazy), kept in words: the preview is stored as JSON."""
        self.errors.append([column, str(message)])
        self.status = "error"


@dataclass
class Workbook:
    """The rows of every sheet the workbook has, and each sheet's headings by column code."""

    rows: dict[str, list[Row]] = field(default_factory=dict)
    headings: dict[str, dict[str, str]] = field(default_factory=dict)

    def heading(self, sheet: str, code: str) -> str:
        """How to name a column in a message: its letter and heading as the file has it."""
        return self.headings.get(sheet, {}).get(code, code)


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_workbook(path, locale: str) -> Workbook:
    """Every known sheet of the workbook at `path`; unknown sheets (the notes) are ignored.

    calamine reads it in a child process (`sandbox`): a hostile workbook cannot take this one
    down."""
    from fundtrack.imports.parsers.sandbox import workbook_lines

    names = sheet_names()
    book = Workbook()
    sheets: dict[str, list] = {}
    rows = None
    for number, cells in workbook_lines(path, "all", MAX_COLUMNS):
        if number == "sheet":
            code = names.get(cells.strip().casefold())
            rows = None if code is None or code in sheets else sheets.setdefault(code, [])
        elif rows is not None:
            rows.append((number, cells))
    for code, lines in sheets.items():
        sheet = next(s for s in SHEETS if s.code == code)
        book.rows[code] = list(_sheet_rows(sheet, lines, locale, book))
    if not book.rows:
        raise ValidationError(
            "workbook",
            _l("the workbook has none of the sheets %(sheets)s: start from the template",
               sheets=", ".join(str(sheet.label) for sheet in SHEETS)),
            code="no_known_sheet",
        )  # fmt: skip
    return book


def _sheet_rows(sheet: Sheet, rows, locale: str, book: Workbook):
    known = column_names(sheet)
    header = None
    for number, raw in rows:
        cells = [_cell(value) for value in raw[:MAX_COLUMNS]]
        if not any(cell != "" for cell in cells):
            continue
        if header is None:
            header = _header(sheet, cells, known, book)
            continue
        if number > MAX_ROWS:
            raise ValidationError(
                "workbook",
                _l("sheet %(sheet)s has more than %(count)s rows", sheet=sheet.label,
                   count=format_number(MAX_ROWS)),
                code="too_many_rows",
            )  # fmt: skip
        yield _row(sheet, number, cells, header, locale, book)


def _header(sheet: Sheet, cells: list, known: dict, book: Workbook) -> dict[str, int]:
    header: dict[str, int] = {}
    headings = {}
    for index, cell in enumerate(cells):
        code = known.get(str(cell).strip().casefold())
        if code is not None and code not in header:
            header[code] = index
            headings[code] = f"{_letter(index)} ({str(cell).strip()})"
    missing = [str(c.label) for c in sheet.columns if c.required and c.code not in header]
    if missing:
        raise ValidationError(
            "workbook",
            _l("sheet %(sheet)s: the heading row lacks %(columns)s", sheet=sheet.label,
               columns=", ".join(missing)),
            code="missing_columns",
        )  # fmt: skip
    book.headings[sheet.code] = headings
    return header


def _row(sheet, number, cells, header, locale, book) -> Row:
    raw = {code: (cells[i] if i < len(cells) else "") for code, i in header.items()}
    row = Row(sheet.code, number, {})
    if _is_example(sheet, raw):
        row.status, row.reason = "example", str(_l("the template's example row"))
        return row
    for column in sheet.columns:
        value = raw.get(column.code, "")
        where = book.heading(sheet.code, column.code)
        try:
            parsed = _read(column.code, value, locale, where)
        except DomainError as error:
            row.refuse(where, str(error.message))
            continue
        if parsed is None and column.required:
            row.refuse(where, _l("is required"))
        row.values[column.code] = parsed
    return row


def _is_example(sheet: Sheet, raw: dict) -> bool:
    for column, expected in zip(sheet.columns, sheet.example, strict=True):
        value = raw.get(column.code, "")
        if isinstance(expected, Decimal | int) and not isinstance(expected, bool):
            if not isinstance(value, Decimal) or value != expected:
                return False
        elif isinstance(expected, date):
            if value != expected and str(value).strip() != expected.isoformat():
                return False
        elif str(value).strip() != expected:
            return False
    return True


AMOUNTS = {"annual_amount", "amount"}
DATED = {"start", "end", "date"}


def _read(code: str, value, locale: str, where: str):
    """A cell as the operation wants it: None for an empty cell."""
    if isinstance(value, str):
        value = " ".join(value.split())
    if value == "" or value is None:
        return False if code == "recurring" else None
    if code in AMOUNTS:
        if isinstance(value, Decimal):
            return check_cents(value, where)
        return parse_amount(str(value), locale, where)
    if code in DATED:
        return read_date(value, where)
    if code == "year":
        if isinstance(value, Decimal) and value == value.to_integral_value():
            return int(value)
        if isinstance(value, str) and re.fullmatch(r"\d{4}", value):
            return int(value)
        raise ValidationError(
            where, _l('"%(value)s" is not a year', value=value), code="not_a_year"
        )
    if code == "recurring":
        word = str(value).strip().casefold()
        if word in _YES:
            return True
        if word in _NO:
            return False
        raise ValidationError(
            where, _l('"%(value)s": yes or no?', value=value), code="not_yes_or_no"
        )
    if isinstance(value, Decimal):
        value = str(value.normalize()) if value == value.to_integral_value() else str(value)
    if isinstance(value, date | datetime):
        value = value.isoformat()
    return str(value).strip()


def read_date(value, where: str) -> date:
    """A date cell, or text as YYYY-MM-DD, dd-mm-yyyy (also with / or . between)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    try:
        if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
            return date(int(match[1]), int(match[2]), int(match[3]))
        if match := re.fullmatch(r"(\d{1,2})[-./](\d{1,2})[-./](\d{4})", text):
            return date(int(match[3]), int(match[2]), int(match[1]))
    except ValueError:
        pass
    raise ValidationError(
        where,
        _l('"%(text)s" is not a date (YYYY-MM-DD or dd-mm-yyyy)', text=text),
        code="not_a_date",
    )


def income_id(row: Row, occurrence: int) -> str:
    """An id for an income row without one: the same row of the same workbook, the same id;
    `occurrence` tells two identical rows apart."""
    values = row.values
    parts = [str(values.get(key) or "") for key in
             ("centre", "date", "amount", "funder", "agreement", "category", "reference",
              "description")]  # fmt: skip
    parts.append(str(occurrence))
    digest = hashlib.sha256("\x1f".join(parts).encode()).hexdigest()[:32]
    return f"onboarding:{digest}"
