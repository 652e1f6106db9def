"""Every file fundtrack writes for a spreadsheet, through one writer that neutralises formulas.

A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return as a
formula (OWASP: CSV injection), so a donor named "=HYPERLINK(...)" must arrive as text. In CSV
such text gets a leading apostrophe; in XLSX the cell is typed as text. Numbers (Decimal, int,
float) are written as numbers, with the decimal mark asked for, and are never touched.
"""

import csv
import io
from collections.abc import Iterable
from decimal import Decimal

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBER = (Decimal, int, float)


def neutralise_formula(text: str) -> str:
    """Text a spreadsheet shows as text: a leading apostrophe before a formula's first sign."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv_cell(value, decimal: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, NUMBER):
        return str(value).replace(".", decimal)
    return neutralise_formula(str(value))


def csv_text(rows: Iterable[Iterable], separator: str = ",", decimal: str = ".") -> str:
    """Rows (the header first) as CSV text with CRLF line ends; text neutralised, numbers as
    they are with `decimal` as their decimal mark."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_csv_cell(value, decimal) for value in row])
    return out.getvalue()


def _xlsx_text(value):
    # XML 1.0 has no place for most control characters: openpyxl refuses them (a 500 for a
    # download of a centre whose name holds one); they are left out.
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def append_row(sheet, values: Iterable) -> list:
    """Append `values` to an openpyxl worksheet, every text cell typed as text (openpyxl would
    take "=..." for a formula) and without the control characters XML cannot hold; returns
    the row's cells for styling."""
    sheet.append([_xlsx_text(value) for value in values])
    cells = list(sheet[sheet.max_row])
    for cell in cells:
        if isinstance(cell.value, str):
            cell.data_type = "s"
    return cells
