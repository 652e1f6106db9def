"""The accountant's journal of a centre-year: every line a pair of postings, accounts from
the national office's mapping (most specific first), debits equal to credits, said at the
foot of the CSV and the workbook."""

import csv
import io
from datetime import date
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from fundtrack.yearend import operations
from fundtrack.yearend.journal import CSV_COLUMNS, journal, journal_csv, journal_xlsx
from tests import factories
from tests.test_yearend_statement import books  # noqa: F401  (the hand-worked books)


def test_every_line_is_two_postings_and_the_journal_balances(session, books):  # noqa: F811
    office, fund = books
    result = journal(session, office, "A", 2025)
    # A's 2025: eight income lines and six actual cost lines (the budget is no posting).
    assert len(result.postings) == 2 * (8 + 6)
    assert result.total_debit == result.total_credit == D("35750.49") + D("31100.00")
    assert result.balanced
    by_entry = {}
    for posting in result.postings:
        by_entry.setdefault(posting.entry, []).append(posting)
    for pair in by_entry.values():
        debit, credit = pair
        assert debit.debit == credit.credit and debit.credit is None and credit.debit is None
        assert debit.day == credit.day and {debit.cost_centre, credit.cost_centre} == {"A"}
    income = [p for p in result.postings if p.source.startswith("income_line")]
    costs = [p for p in result.postings if p.source.startswith("cost_line")]
    assert {p.account for p in income if p.debit} == {"1100"}
    assert {p.account for p in costs if p.credit} == {"1100"}
    assert {p.day for p in costs} == {date(2025, 12, 31)}
    # Defaults: individuals 8000, government 8030; staff 4000, activities 4200.
    credited = {(p.account, p.credit) for p in income if p.credit}
    assert ("8000", D("1000.00")) in credited and ("8030", D("24000.00")) in credited
    assert ("8000", D("250.50")) in credited
    debited = {(p.account, p.debit) for p in costs if p.debit}
    assert ("4000", D("20000.00")) in debited and ("4200", D("300.00")) in debited


def test_the_most_specific_account_wins(session, books):  # noqa: F811
    office, fund = books
    operations.set_account(session, office, "income", "individuals", None, "8001")
    operations.set_account(session, office, "income", None, fund.id, "0700")
    operations.set_account(session, office, "cost", "activities", fund.id, "0710")
    operations.set_settings(session, office, "1010", None)
    result = journal(session, office, "A", 2025)
    credited = {(p.account, p.credit) for p in result.postings if p.credit}
    assert ("8001", D("1000.00")) in credited  # the category's row
    assert ("0700", D("250.50")) in credited  # the fund's row beats the category's
    debited = {(p.account, p.debit) for p in result.postings if p.debit}
    assert ("0710", D("300.00")) in debited  # category within the fund beats both
    assert ("1010", D("24000.00")) in debited  # the clearing account as set
    assert result.balanced
    given = journal(session, office, "A", 2025, clearing="1200")  # the account given wins
    assert {p.account for p in given.postings if p.source.startswith("income")} >= {"1200"}
    assert "1010" not in {p.account for p in given.postings}


def test_the_csv_has_the_documented_columns_and_says_it_balances_at_its_foot(
    session,
    books,  # noqa: F811
):
    office, _fund = books
    result = journal(session, office, "A", 2025)
    rows = list(csv.reader(io.StringIO(journal_csv(result))))
    assert tuple(rows[0]) == CSV_COLUMNS
    body, foot = rows[1:-1], rows[-1]
    assert len(body) == len(result.postings)
    debit = sum((D(r[4]) for r in body if r[4]), D("0"))
    credit = sum((D(r[5]) for r in body if r[5]), D("0"))
    assert debit == credit == D(foot[4]) == D(foot[5])
    assert foot[-1] == "totals" and "balances" in foot[7]
    book = load_workbook(io.BytesIO(journal_xlsx(result)))
    sheet = book.active
    last = [cell.value for cell in sheet[sheet.max_row]]
    assert D(str(last[4])) == D(str(last[5])) == debit
    assert sheet.max_row == len(result.postings) + 2


def test_a_treasurer_exports_only_their_own_centres_journal(session, books):  # noqa: F811
    _office, fund = books
    treasurer = factories.user(session, role="treasurer", centre=fund.centre)
    assert journal(session, treasurer, "A", 2025).balanced
    with pytest.raises(LookupError):
        journal(session, treasurer, "B", 2025)
