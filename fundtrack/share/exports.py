"""The dashboard and centre tables as CSV and XLSX files.

A table is built once from the figures (`dashboard_table`, `centre_years_table`) and written
by `to_csv` or `to_xlsx`. CSV is for machines: a dot as decimal mark, money to the cent,
shares as fractions with six decimals. XLSX is for people: money and shares are numeric cells
with a number format, so a spreadsheet can sum them. Headers, row kinds (centre, region,
network) and words follow the user's UI language (people open both in a spreadsheet), and so
does the file's name.
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

from flask_babel import gettext
from openpyxl import Workbook
from openpyxl.styles import Font

from fundtrack import downloads
from fundtrack.formatting import network_format, round_money, warning_text
from fundtrack.labels import BASIS_LABELS, CATEGORY_LABELS, ROW_KIND_LABELS, label_of
from fundtrack.share.figures import CentreFigures, Figures, FundingShare, TrendPoint
from fundtrack.spreadsheets import append_row, csv_text

SHARE_PLACES = Decimal("0.000001")

Kind = Literal["text", "int", "money", "share"]
XLSX_FORMATS = {"money": "#,##0.00", "share": "0.0%", "int": "0"}


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind = "text"


@dataclass
class Table:
    """Rows of plain values (str, int, Decimal or None) under typed columns."""

    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    total_rows: set[int] = field(default_factory=set)  # indexes of subtotal and total rows


def _figure_columns(currency: str) -> list[Column]:
    return (
        [
            Column(gettext("Costs (%(currency)s)", currency=currency), "money"),
            Column(gettext("Costs basis")),
            Column(gettext("Structural income (%(currency)s)", currency=currency), "money"),
            Column(gettext("Incidental income (%(currency)s)", currency=currency), "money"),
            Column(gettext("Structural share"), "share"),
            Column(gettext("Gap to target (%(currency)s)", currency=currency), "money"),
            Column(gettext("Secured next year (%(currency)s)", currency=currency), "money"),
            Column(gettext("Secured share"), "share"),
        ]
        + [Column(f"{label} ({currency})", "money") for label in CATEGORY_LABELS.values()]
        + [Column(gettext("Check"))]
    )


def _yes_no(value: bool | None) -> str | None:
    if value is None:
        return None
    return gettext("yes") if value else gettext("no")


def _figure_values(f: Figures) -> list:
    return (
        [
            f.costs,
            label_of(BASIS_LABELS, f.costs_basis),
            f.structural_income,
            f.incidental_income,
            f.share,
            f.gap,
            f.secured_next_year,
            f.secured_share,
        ]
        + [f.income_by_category.get(category, Decimal(0)) for category in CATEGORY_LABELS]
        + [" ".join(warning_text(w, network_format()) for w in f.warnings) or None]
    )


def dashboard_table(share: FundingShare, centres: Sequence[CentreFigures] | None = None) -> Table:
    """One row per centre (in the dashboard's order), then each region, then the network."""
    centres = share.centres if centres is None else centres
    table = Table(
        title=gettext("Structural funding %(year)s", year=share.year),
        columns=[
            Column(gettext("Row")),
            Column(gettext("Code")),
            Column(gettext("Name")),
            Column(gettext("Region")),
            Column(gettext("At target")),
            Column(gettext("Centres"), "int"),
            Column(gettext("Centres at target"), "int"),
        ]
        + _figure_columns(share.currency),
    )
    for c in centres:
        table.rows.append(
            [
                label_of(ROW_KIND_LABELS, "centre"),
                c.code,
                c.name,
                c.region_code,
                _yes_no(c.meets_target),
                None,
                None,
            ]
            + _figure_values(c)
        )
    for r in share.regions:
        table.total_rows.add(len(table.rows))
        table.rows.append(
            [
                label_of(ROW_KIND_LABELS, "region"),
                r.code,
                r.name,
                r.code,
                None,
                r.centres_total,
                r.centres_at_target,
            ]
            + _figure_values(r)
        )
    table.total_rows.add(len(table.rows))
    total = sum(r.centres_total for r in share.regions)
    table.rows.append(
        [
            label_of(ROW_KIND_LABELS, "network"),
            None,
            gettext("Network total"),
            None,
            None,
            total,
            share.centres_at_target,
        ]
        + _figure_values(share.network)
    )
    return table


def centre_years_table(code: str, name: str, points: Sequence[TrendPoint], currency: str):
    """One row per year on record of one centre, oldest first."""
    table = Table(
        title=gettext("%(code)s %(name)s: structural funding per year", code=code, name=name),
        columns=[Column(gettext("Year"), "int"), Column(gettext("At target"))]
        + _figure_columns(currency),
    )
    for point in points:
        f = point.figures
        table.rows.append(
            [point.year, _yes_no(getattr(f, "meets_target", None))] + _figure_values(f)
        )
    return table


def _csv_value(value, kind: Kind):
    if value is None:
        return None
    if kind == "money":
        return round_money(value)
    if kind == "share":
        return Decimal(value).quantize(SHARE_PLACES)
    return value if isinstance(value, int | Decimal) else str(value)


def csv_convention(language: str | None = None) -> tuple[str, str]:
    """(field separator, decimal mark) as a spreadsheet in the user's language reads CSV.

    Where the decimal mark is a comma (nl, nb, de, ...) Excel splits fields on semicolons;
    elsewhere (en) on commas. Without a request, the machine convention: comma and dot.
    """
    if language is None:
        from flask import has_request_context
        from flask_babel import get_locale

        locale = get_locale() if has_request_context() else None
        if locale is None:
            return ",", "."
    else:
        from babel import Locale

        locale = Locale.parse(language)
    decimal = locale.number_symbols.get("latn", locale.number_symbols).get("decimal", ".")
    return (";", ",") if decimal == "," else (",", ".")


def to_csv(table: Table, language: str | None = None) -> str:
    """The table as CSV text: a header row, then one line per row, in the convention of
    `language` (default: the user's UI language, see `csv_convention`)."""
    separator, decimal = csv_convention(language)
    rows = [[column.header for column in table.columns]] + [
        [_csv_value(v, c.kind) for v, c in zip(row, table.columns, strict=True)]
        for row in table.rows
    ]
    return csv_text(rows, separator, decimal)


def download(table: Table, kind: str, name: str, *name_parts):
    """The table as a file to download: `kind` is csv or xlsx; `name` says what it holds
    (fundtrack.downloads.download)."""
    # A byte order mark lets Excel read the CSV's accents as UTF-8.
    body = ("\ufeff" + to_csv(table)) if kind == "csv" else to_xlsx(table)
    return downloads.download(body, name, *name_parts, kind=kind)


def _cell_value(value, kind: Kind):
    if value is None:
        return None
    if kind == "money":
        # openpyxl writes Decimal as a number; round to cents as the screen shows it.
        return round_money(value)
    if kind == "share":
        return float(value)
    return value


def to_xlsx(table: Table) -> bytes:
    """The table as an XLSX workbook: bold header and total rows, numeric money cells."""
    book = Workbook()
    sheet = book.active
    sheet.title = gettext("Figures")
    for cell in append_row(sheet, [column.header for column in table.columns]):
        cell.font = Font(bold=True)
    for index, row in enumerate(table.rows):
        values = [_cell_value(v, c.kind) for v, c in zip(row, table.columns, strict=True)]
        for cell, column in zip(append_row(sheet, values), table.columns, strict=True):
            if column.kind in XLSX_FORMATS:
                cell.number_format = XLSX_FORMATS[column.kind]
            if index in table.total_rows:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for column_number, column in enumerate(table.columns, start=1):
        letter = sheet.cell(row=1, column=column_number).column_letter
        sheet.column_dimensions[letter].width = max(12, min(40, len(column.header) + 2))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
