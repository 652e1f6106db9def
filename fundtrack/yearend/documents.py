"""The statement as a PDF (the reports' print rules) and as a workbook.

Both are built from `statement()`'s plain dataclass inside `render.in_language`, so every word
is in the reader's language; money is written in the network's format.
"""

import io

from flask_babel import gettext
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy.orm import Session

from fundtrack.auth.models import User
from fundtrack.centres.locks import current_network
from fundtrack.formatting import round_money
from fundtrack.reports.render import in_language, render_pdf, report_language
from fundtrack.spreadsheets import append_row
from fundtrack.yearend.statement import Statement, statement

TEMPLATE = "reports/yearend.html"
MONEY = "#,##0.00"
RATIO = "0.0%"


def statement_title(result: Statement) -> str:
    """'Statement of income and expenditure 2025' in the reader's language."""
    return gettext("%(title)s %(year)s", title=result.layout.title, year=result.year)


def statement_pdf(
    session: Session,
    user: User,
    year: int,
    language: str,
    region_code: str | None = None,
    centre_code: str | None = None,
    cache=None,
) -> bytes:
    """The statement of a centre, a region or the network as PDF bytes in `language`."""
    with in_language(language):
        result = statement(session, user, year, region_code, centre_code)
        network = current_network(session)
        return render_pdf(
            TEMPLATE,
            cache=cache,
            lang=report_language(language),
            statement=result,
            network_name=network.name,
            organisation=result.name,
            title=statement_title(result),
        )


def _money_cells(cells, start: int) -> None:
    for cell in cells[start:]:
        cell.number_format = MONEY


def statement_xlsx(result: Statement) -> bytes:
    """The statement, its ratios, fund movements and (consolidated) eliminations and
    centres as a workbook; amounts are numbers, words in the reader's language."""
    book = Workbook()
    sheet = book.active
    sheet.title = gettext("Statement")
    append_row(sheet, [statement_title(result)])[0].font = Font(bold=True, size=13)
    append_row(sheet, [result.name, result.currency])
    columns = [
        "",
        gettext("Actual %(year)s", year=result.year),
        gettext("Budget %(year)s", year=result.year),
        gettext("Actual %(year)s", year=result.year - 1),
    ]
    for cell in append_row(sheet, columns):
        cell.font = Font(bold=True)
    for line in result.lines:
        values = [str(line.label)]
        if line.style != "heading":
            values += [
                None if v is None else round_money(v)
                for v in (line.actual, line.budget, line.previous)
            ]
        cells = append_row(sheet, values)
        _money_cells(cells, 1)
        if line.style != "line":
            for cell in cells:
                cell.font = Font(bold=True)
    append_row(sheet, [])
    append_row(sheet, [gettext("Key ratios")])[0].font = Font(bold=True)
    for ratio in result.ratios:
        cells = append_row(
            sheet,
            [str(ratio.label)]
            + [
                None if v is None else float(v)
                for v in (ratio.actual, ratio.budget, ratio.previous)
            ],
        )
        for cell in cells[1:]:
            cell.number_format = RATIO
    share = append_row(
        sheet,
        [
            gettext("Structural share (%(basis)s)", basis=result.basis_label),
            None if result.structural_share is None else float(result.structural_share),
        ],
    )
    share[1].number_format = RATIO
    sheet.column_dimensions["A"].width = 58
    for letter in "BCD":
        sheet.column_dimensions[letter].width = 18
    _funds_sheet(book, result)
    if result.consolidated:
        _consolidation_sheet(book, result)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _funds_sheet(book, result: Statement) -> None:
    sheet = book.create_sheet(gettext("Earmarked funds"))
    headers = [gettext("Centre"), gettext("Fund"), gettext("Opening balance"), gettext("Added"),
               gettext("Spent"), gettext("Closing balance")]  # fmt: skip
    for cell in append_row(sheet, headers):
        cell.font = Font(bold=True)
    for f in [*result.funds, result.fund_totals]:
        name = f.name or gettext("Total")
        cells = append_row(sheet, [f.centre_code, name, f.opening, f.added, f.spent, f.closing])
        _money_cells(cells, 2)
    sheet.column_dimensions["B"].width = 40
    for letter in "CDEF":
        sheet.column_dimensions[letter].width = 18


def _consolidation_sheet(book, result: Statement) -> None:
    sheet = book.create_sheet(gettext("Consolidation"))
    headers = [gettext("Centre"), gettext("Name"), gettext("Total income"),
               gettext("Total expenses"), gettext("Balance"), gettext("Eliminated")]  # fmt: skip
    for cell in append_row(sheet, headers):
        cell.font = Font(bold=True)
    for c in result.centres:
        cells = append_row(sheet, [c.code, c.name, c.income, c.expenses, c.result, c.eliminated])
        _money_cells(cells, 2)
    append_row(sheet, [])
    title = gettext("Eliminated: passed on by the national office")
    append_row(sheet, [title])[0].font = Font(bold=True)
    for line in result.eliminations:
        _money_cells(append_row(sheet, ["", str(line.label), line.actual, line.previous]), 2)
    sheet.column_dimensions["B"].width = 44
    for letter in "CDEF":
        sheet.column_dimensions[letter].width = 18
