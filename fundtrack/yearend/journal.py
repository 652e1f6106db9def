"""The accountant's journal of a centre-year: every income and actual cost line as a posting
against the bank/clearing account, so that debits equal credits.

- an income line: debit the clearing account, credit the income account of its category (and
  fund), on its booking date;
- an actual cost line: debit the cost account of its category (and fund), credit the clearing
  account, on the last day of the fiscal year (cost lines carry a year, not a date);
- the account comes from the national office's mapping (`fundtrack.yearend.mappings.Accounts`),
  the cost centre is the centre's code.

The columns are documented in docs/yearend.md; the CSV is machine-readable (comma, decimal
point, ISO dates) and its last row gives the totals and says whether they balance.
"""

import io
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import groupby

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.styles import Font
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundtrack.auth.models import User
from fundtrack.centres.locks import current_network
from fundtrack.costs.models import CostKind, CostLine
from fundtrack.errors import ValidationError
from fundtrack.income.models import IncomeLine, IncomeLineFund
from fundtrack.money import CENT
from fundtrack.operations import check_year
from fundtrack.share.queries import fiscal_year_bounds, visible_centres
from fundtrack.spreadsheets import append_row, csv_text
from fundtrack.yearend.mappings import Accounts, settings
from fundtrack.yearend.models import PostingSide
from fundtrack.yearend.operations import ACCOUNT_MAX

ZERO = Decimal("0.00")
# The CSV's columns, in order: their meaning is in docs/yearend.md.
CSV_COLUMNS = (
    "entry",
    "date",
    "account",
    "cost_centre",
    "debit",
    "credit",
    "currency",
    "description",
    "source",
)
XLSX_HEADERS = (
    _l("Entry"),
    _l("Date"),
    _l("Account"),
    _l("Cost centre"),
    _l("Debit"),
    _l("Credit"),
    _l("Currency"),
    _l("Description"),
    _l("Source"),
)


@dataclass(frozen=True)
class Posting:
    entry: str  # I<id> for an income line, C<id> for a cost line: both postings share it
    day: date
    account: str
    cost_centre: str
    debit: Decimal | None
    credit: Decimal | None
    description: str
    source: str  # income_line:<id> or cost_line:<id>


@dataclass(frozen=True)
class Journal:
    centre_code: str
    centre_name: str
    year: int
    currency: str
    clearing_account: str
    postings: list[Posting]

    @property
    def total_debit(self) -> Decimal:
        return sum((p.debit for p in self.postings if p.debit is not None), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((p.credit for p in self.postings if p.credit is not None), ZERO)

    @property
    def balanced(self) -> bool:
        return self.total_debit == self.total_credit


def _cents(value) -> Decimal:
    return Decimal(value).quantize(CENT)


def journal(
    session: Session, user: User, centre_code: str, year: int, clearing: str | None = None
) -> Journal:
    """The journal of the centre `centre_code` for fiscal `year`, as far as `user` may see it
    (LookupError otherwise), against the bank/clearing account `clearing` (default: the
    national office's setting). Two statements over the centre-year's lines, plus the
    mappings."""
    check_year(year, "year")
    if clearing is not None and not 0 < len(clearing) <= ACCOUNT_MAX:
        raise ValidationError(
            "clearing",
            _l("an account number has at most %(count)s characters", count=ACCOUNT_MAX),
            code="too_long",
        )
    [centre] = visible_centres(session, user, centre_code=centre_code)
    network = current_network(session)
    accounts = Accounts(session)
    clearing = clearing or settings(session).clearing_account
    year_end = fiscal_year_bounds(network, year)[1] - timedelta(days=1)
    postings: list[Posting] = []
    # A split line (income.splits) is one debit and a credit per part, each to its fund's
    # account: a row per part, in order.
    income = session.execute(
        select(IncomeLine.id, IncomeLine.booking_date, IncomeLine.amount, IncomeLine.category,
               IncomeLine.earmarked_fund_id, IncomeLine.description, IncomeLine.reference,
               IncomeLineFund.earmarked_fund_id.label("part_fund"),
               IncomeLineFund.amount.label("part_amount"))
        .outerjoin(IncomeLineFund, IncomeLineFund.income_line_id == IncomeLine.id)
        .where(IncomeLine.centre_id == centre.id, IncomeLine.fiscal_year == year)
        .order_by(IncomeLine.booking_date, IncomeLine.id, IncomeLineFund.id)
    )  # fmt: skip
    for _line_id, rows in groupby(income, key=lambda row: row.id):
        rows = list(rows)
        line = rows[0]
        amount, entry = _cents(line.amount), f"I{line.id}"
        text = line.description or line.reference or ""
        source = f"income_line:{line.id}"
        postings.append(
            Posting(entry, line.booking_date, clearing, centre.code, amount, None, text, source)
        )
        credits = (
            [(row.part_fund, _cents(row.part_amount)) for row in rows]
            if line.part_fund is not None
            else [(line.earmarked_fund_id, amount)]
        )
        for fund_id, credit in credits:
            account = accounts.of(PostingSide.INCOME, line.category.value, fund_id)
            postings.append(
                Posting(entry, line.booking_date, account, centre.code, None, credit, text, source)
            )
    costs = session.execute(
        select(CostLine.id, CostLine.amount, CostLine.category, CostLine.earmarked_fund_id,
               CostLine.description)
        .where(CostLine.centre_id == centre.id, CostLine.year == year,
               CostLine.kind == CostKind.ACTUAL)
        .order_by(CostLine.id)
    )  # fmt: skip
    for line in costs:
        amount, entry = _cents(line.amount), f"C{line.id}"
        text, source = line.description or "", f"cost_line:{line.id}"
        account = accounts.of(PostingSide.COST, line.category.value, line.earmarked_fund_id)
        postings.append(Posting(entry, year_end, account, centre.code, amount, None, text, source))
        postings.append(Posting(entry, year_end, clearing, centre.code, None, amount, text, source))
    return Journal(centre.code, centre.name, year, network.currency, clearing, postings)


def foot_text(journal_: Journal) -> str:
    """What the journal's foot says, in the reader's language."""
    if journal_.balanced:
        return gettext("Debits equal credits: the journal balances.")
    return gettext("Debits and credits differ: the journal does not balance.")


def _rows(journal_: Journal, iso: bool):
    for p in journal_.postings:
        yield [
            p.entry,
            p.day.isoformat() if iso else p.day,
            p.account,
            p.cost_centre,
            p.debit,
            p.credit,
            journal_.currency,
            p.description,
            p.source,
        ]


def journal_csv(journal_: Journal) -> str:
    """The journal as CSV: the documented columns, one posting a row, the totals last."""
    foot = ["", "", "", "", journal_.total_debit, journal_.total_credit, journal_.currency,
            foot_text(journal_), "totals"]  # fmt: skip
    return csv_text([list(CSV_COLUMNS), *_rows(journal_, iso=True), foot])


def journal_xlsx(journal_: Journal) -> bytes:
    """The journal as a workbook an accountant reads: headers in the reader's language,
    amounts as numbers, the totals and whether they balance at the foot."""
    book = Workbook()
    sheet = book.active
    sheet.title = gettext("Journal")
    for cell in append_row(sheet, [str(h) for h in XLSX_HEADERS]):
        cell.font = Font(bold=True)
    for row in _rows(journal_, iso=False):
        cells = append_row(sheet, row)
        cells[1].number_format = "yyyy-mm-dd"
        for cell in cells[4:6]:
            cell.number_format = "#,##0.00"
    foot = append_row(
        sheet,
        [gettext("Total"), None, None, None, journal_.total_debit, journal_.total_credit,
         journal_.currency, foot_text(journal_)],
    )  # fmt: skip
    for cell in foot:
        cell.font = Font(bold=True)
    for cell in foot[4:6]:
        cell.number_format = "#,##0.00"
    widths = (10, 12, 10, 12, 14, 14, 9, 48, 18)
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[sheet.cell(row=1, column=number).column_letter].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
