"""The network onboarding workbook's shape: its sheets, their columns, what each column
holds, an example row per sheet, and the template the national office downloads.

Columns are known by their code (`code`, `region`, `annual_amount`) and by their heading in
any of the app's languages, so a workbook filled in Dutch reads like one filled in English.
The template is made with openpyxl when it is asked for; no binary is kept in the repository.
"""

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l

from fundtrack.costs.models import CostCategory, CostKind
from fundtrack.income.models import FunderType, IncomeCategory
from fundtrack.spreadsheets import append_row

LANGUAGES = ("en", "nl", "nb")
DATES = "YYYY-MM-DD, dd-mm-yyyy"
YES_NO = "yes / no"


@dataclass(frozen=True)
class Column:
    code: str
    label: object  # a lazy string: the heading in the user's language
    note: object
    allowed: str = ""
    required: bool = False


@dataclass(frozen=True)
class Sheet:
    code: str
    label: object
    columns: tuple[Column, ...]
    example: tuple  # one value per column; '' for none

    def column(self, code: str) -> Column | None:
        return next((c for c in self.columns if c.code == code), None)


def _codes(enum_cls) -> str:
    return ", ".join(member.value for member in enum_cls)


EXAMPLE_FUNDER = "Example municipality"

SHEETS: tuple[Sheet, ...] = (
    Sheet("regions", _l("Regions"), (
        Column("code", _l("Code"), _l("The region's short code, unique in the network"),
               required=True),
        Column("name", _l("Name"), _l("The region's name"), required=True),
    ), ("EX", "Example region")),
    Sheet("centres", _l("Centres"), (
        Column("code", _l("Code"), _l("The centre's short code, unique in the network"),
               required=True),
        Column("name", _l("Name"), _l("The centre's name"), required=True),
        Column("region", _l("Region"), _l("The code of its region (this workbook or the app)"),
               required=True),
        Column("municipality", _l("Municipality"), _l("Where the centre is"), required=True),
        Column("currency", _l("Currency"), _l("ISO 4217 code; empty: the network's currency"),
               "EUR, NOK, …"),
    ), ("EX01", "Example centre", "EX", "Exampletown", "")),
    Sheet("funders", _l("Funders"), (
        Column("name", _l("Name"), _l("The funder's name, unique in the network"),
               required=True),
        Column("type", _l("Type"), _l("What kind of funder it is"), _codes(FunderType),
               required=True),
        Column("centre", _l("Centre"), _l("Only for a private person: the code of the centre"
                                          " they fund")),
    ), (EXAMPLE_FUNDER, FunderType.MUNICIPALITY.value, "")),
    Sheet("agreements", _l("Agreements"), (
        Column("centre", _l("Centre"), _l("The centre's code"), required=True),
        Column("funder", _l("Funder"), _l("The funder's name (this workbook or the app)"),
               required=True),
        Column("title", _l("Title"), _l("What the agreement is called")),
        Column("start", _l("Start"), _l("First day of the agreement"), DATES, required=True),
        Column("end", _l("End"), _l("Last day; empty while it runs on"), DATES),
        Column("recurring", _l("Recurring"), _l("Paid every year until ended"), YES_NO),
        Column("annual_amount", _l("Amount per year"), _l("Two decimals at most"),
               "1234.56", required=True),
    ), ("EX01", EXAMPLE_FUNDER, "Annual subsidy", date(2025, 1, 1), "", "yes",
        Decimal("10000.00"))),
    Sheet("costs", _l("Costs"), (
        Column("centre", _l("Centre"), _l("The centre's code"), required=True),
        Column("year", _l("Year"), _l("The fiscal year"), "2025", required=True),
        Column("kind", _l("Kind"), _l("A budget or what was actually spent"),
               _codes(CostKind), required=True),
        Column("category", _l("Category"), _l("The cost category"), _codes(CostCategory),
               required=True),
        Column("amount", _l("Amount"), _l("Two decimals at most"), "1234.56", required=True),
        Column("description", _l("Description"), _l("Anything to remember about it")),
    ), ("EX01", 2025, CostKind.ACTUAL.value, CostCategory.STAFF.value, Decimal("8000.00"),
        "Salaries")),
    Sheet("income", _l("Income"), (
        Column("centre", _l("Centre"), _l("The centre's code"), required=True),
        Column("date", _l("Date"), _l("The booking date"), DATES, required=True),
        Column("amount", _l("Amount"), _l("Two decimals at most"), "1234.56", required=True),
        Column("funder", _l("Funder"), _l("The funder's name, if a funder paid")),
        Column("agreement", _l("Agreement"), _l("The agreement's title, if paid under one"
                                                " (needs the funder)")),
        Column("category", _l("Category"), _l("Empty: the funder's category; required"
                                              " without a funder"), _codes(IncomeCategory)),
        Column("reference", _l("Reference"), _l("The payment's reference")),
        Column("description", _l("Description"), _l("What the income was for")),
        Column("external_id", _l("External id"), _l("The bank's or ledger's id of the payment;"
                                                    " empty: made from the row")),
    ), ("EX01", date(2025, 3, 1), Decimal("2500.00"), EXAMPLE_FUNDER, "Annual subsidy", "",
        "", "First instalment", "")),
)  # fmt: skip

SHEET_BY_CODE = {sheet.code: sheet for sheet in SHEETS}


def _words(text) -> set[str]:
    """The text in every language of the app, folded for comparing."""
    found = {str(text).strip().casefold()}
    for language in LANGUAGES:
        with force_locale(language):
            found.add(gettext(str(text._args[0]) if hasattr(text, "_args") else str(text))
                      .strip().casefold())  # fmt: skip
    return found


def sheet_names() -> dict[str, str]:
    """Every name a sheet may go by (its code, its label in each language) → its code."""
    names = {}
    for sheet in SHEETS:
        for word in _words(sheet.label) | {sheet.code}:
            names[word] = sheet.code
    return names


def column_names(sheet: Sheet) -> dict[str, str]:
    """Every heading a column may have (its code, its label in each language) → its code."""
    names = {}
    for column in sheet.columns:
        for word in _words(column.label) | {column.code, column.code.replace("_", " ")}:
            names[word] = column.code
    return names


def template() -> bytes:
    """The workbook to fill in, in the current language: a sheet per kind of row with its
    headings, one example row and a comment on each heading; a last sheet of notes."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    book.remove(book.active)
    bold, grey = Font(bold=True), Font(italic=True, color="808080")
    for sheet in SHEETS:
        page = book.create_sheet(str(sheet.label))
        append_row(page, [str(column.label) for column in sheet.columns])
        append_row(page, list(sheet.example))
        page.freeze_panes = "A2"
        for index, column in enumerate(sheet.columns, start=1):
            heading = page.cell(row=1, column=index)
            heading.font = bold
            heading.comment = Comment(_explained(column), "fundtrack")
            example = page.cell(row=2, column=index)
            example.font = grey
            if isinstance(example.value, date):
                example.number_format = "yyyy-mm-dd"
            elif isinstance(example.value, Decimal):
                example.number_format = "0.00"
            letter = heading.column_letter
            page.column_dimensions[letter].width = max(14, len(str(column.label)) + 4)
            if column.allowed and "," in column.allowed and "…" not in column.allowed:
                if column.allowed in (DATES,):
                    continue
                rule = DataValidation(
                    type="list", formula1=f'"{column.allowed.replace(", ", ",")}"',
                    allow_blank=not column.required,
                )  # fmt: skip
                page.add_data_validation(rule)
                rule.add(f"{letter}2:{letter}10000")
    notes = book.create_sheet(gettext("Notes"))
    append_row(notes, [gettext("Sheet"), gettext("Column"), gettext("Required"),
                       gettext("What it holds"), gettext("Allowed values")])  # fmt: skip
    for cell in notes[1]:
        cell.font = bold
    for sheet in SHEETS:
        for column in sheet.columns:
            append_row(notes, [str(sheet.label), str(column.label),
                               gettext("yes") if column.required else "", str(column.note),
                               column.allowed])  # fmt: skip
    notes.append([])
    for line in (
        gettext("Row 2 of each sheet is an example: it is never imported. Write your rows"
                " below it, or over it."),
        gettext("Dates as YYYY-MM-DD or dd-mm-yyyy; amounts as numbers with at most two"
                " decimals."),
        gettext("Rows already in the app (same region or centre code, same funder name, same"
                " agreement, same cost line, same income id) are skipped: importing the"
                " workbook again creates nothing twice."),
    ):  # fmt: skip
        append_row(notes, [line])
    for letter, width in zip("ABCDE", (14, 18, 10, 60, 60), strict=True):
        notes.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _explained(column: Column) -> str:
    text = str(column.note)
    if column.allowed:
        text += "\n" + gettext("Allowed: %(values)s", values=column.allowed)
    if column.required:
        text += "\n" + gettext("Required.")
    return text
