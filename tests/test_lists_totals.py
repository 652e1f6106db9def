"""Lists a treasurer checks against the bank: totals and exports of exactly the filtered rows,
search by a donor's or funder's name, and no change offered on a closed year's line."""

import csv
import io
import re
from datetime import date

import pytest
from flask_babel import force_locale
from flask_login import login_user
from openpyxl import load_workbook

from fundtrack.centres.models import FiscalYearLock
from fundtrack.income.models import IncomeCategory, IncomeLine
from tests import factories


@pytest.fixture
def books(session, network):
    own = factories.centre(session, code="OWN", name="Inloophuis Eigen")
    other = factories.centre(session, code="OTH", name="Inloophuis Ander")
    funder = factories.funder(session, name="Gemeente Haarlem")
    donor = factories.donor(session, own, name="Familie Jansen")
    march = date(2025, 3, 10)
    factories.income(session, own, "1234.56", booking_date=march, donor=donor, reference="gift-a")
    factories.income(session, own, "0.44", booking_date=march, reference="gift-b")
    factories.income(session, own, "100.00", booking_date=date(2025, 4, 2), funder=funder)
    factories.income(session, own, "50.00", booking_date=march, category=IncomeCategory.COMPANIES)
    factories.income(session, other, "999.99", booking_date=march, reference="their-gift")
    return own, other


def _arg(app, user, endpoint: str, group: str) -> str:
    """The URL argument of the filter named `group` in English. A Dutch user's groups are
    named in Dutch ("Maand"); the argument itself is the filter's index, the same in every
    language, so it is looked up with the English names."""
    with app.test_request_context():
        login_user(user)
        view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == endpoint)
        with force_locale("en"):
            return view._get_filter_groups()[group][0]["arg"]


def _totals(page: str) -> dict[str, str]:
    return dict(re.findall(r'data-currency="(\w+)">([^<]+)<', page))


def test_totals_are_the_sum_of_the_filtered_rows(app, client, login_as, books):
    own, _other = books
    user = login_as("national")
    month = _arg(app, user, "admin_income_lines", "Month")
    centre = _arg(app, user, "admin_income_lines", "Centre")
    page = client.get(
        "/admin/income-lines/", query_string={f"flt0_{month}": "2025-03", f"flt1_{centre}": own.id}
    ).get_data(as_text=True)
    # March at OWN: 1234.56 + 0.44 + 50.00 (April's line and the other centre's left out)
    assert 'id="list-count">3 lines' in page
    assert _totals(page)["EUR"].replace("\xa0", " ") == "€ 1.285,00"


def test_category_filter_total(app, client, login_as, books):
    user = login_as("national")
    category = _arg(app, user, "admin_income_lines", "Category")
    page = client.get("/admin/income-lines/", query_string={f"flt0_{category}": "companies"})
    assert _totals(page.get_data(as_text=True))["EUR"].replace("\xa0", " ") == "€ 50,00"


def test_searching_a_donors_name_finds_their_lines(client, login_as, books):
    login_as("treasurer", centre=books[0])
    page = client.get("/admin/income-lines/", query_string={"search": "jansen"})
    text = page.get_data(as_text=True)
    assert "gift-a" in text and "gift-b" not in text


def test_searching_a_funders_name_finds_their_lines(client, login_as, books):
    login_as("national")
    text = client.get("/admin/income-lines/?search=haarlem").get_data(as_text=True)
    assert 'id="list-count">1 line' in text


def test_a_treasurer_finds_her_lines_by_a_shared_funders_name(client, login_as, books):
    # The network's funders name no centre; a treasurer sees them, so her search finds them.
    login_as("treasurer", centre=books[0])
    text = client.get("/admin/income-lines/?search=haarlem").get_data(as_text=True)
    assert 'id="list-count">1 line' in text


def test_a_treasurer_does_not_find_another_centres_donor(client, session, login_as, books):
    own, other = books
    donor = factories.donor(session, other, name="Verborgen")
    factories.income(session, other, donor=donor, reference="hidden-line")
    login_as("treasurer", centre=own)
    text = client.get("/admin/income-lines/?search=verborgen").get_data(as_text=True)
    assert "hidden-line" not in text


def test_the_csv_export_holds_exactly_the_filtered_rows_in_dutch_convention(
    app, client, session, login_as, books
):
    own, _other = books
    user = login_as("treasurer", centre=own, locale="nl")
    month = _arg(app, user, "admin_income_lines", "Month")
    response = client.get(
        "/admin/income-lines/download/csv/", query_string={f"flt0_{month}": "2025-03"}
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    header, body = rows[0], rows[1:]
    amounts = sorted(row[header.index("Bedrag")] for row in body)
    assert amounts == ["0,44", "1234,56", "50,00"]


def test_the_english_csv_uses_commas_and_dots(app, client, login_as, books):
    login_as("national", locale="en")
    text = client.get("/admin/income-lines/download/csv/").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert "1234.56" in {cell for row in rows for cell in row}
    assert len(rows) == 1 + 5


def test_the_xlsx_export_has_numbers_as_numbers(app, client, login_as, books):
    own, _other = books
    login_as("treasurer", centre=own)
    response = client.get("/admin/income-lines/download/xlsx/")
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    amounts = [row[header.index("Amount")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert sorted(amounts) == sorted([1234.56, 0.44, 100.0, 50.0])
    assert all(isinstance(amount, int | float) for amount in amounts)


def test_the_export_of_a_search_matches_the_list(client, login_as, books):
    login_as("national", locale="en")
    text = client.get("/admin/income-lines/download/csv/?search=jansen").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 2 and "Familie Jansen" in rows[1]


@pytest.mark.parametrize(
    "screen", ["cost-lines", "funding-agreements", "donors", "earmarked-funds", "funders"]
)
def test_every_book_list_exports(client, login_as, books, screen):
    login_as("auditor")
    for kind in ("csv", "xlsx"):
        assert client.get(f"/admin/{screen}/download/{kind}/").status_code == 200


def test_a_closed_years_line_offers_no_edit_or_delete(client, session, login_as, books):
    own, _other = books
    old = factories.income(session, own, booking_date=date(2023, 6, 1), reference="old-line")
    session.add(FiscalYearLock(year=2023))
    session.flush()
    login_as("treasurer", centre=own)
    page = client.get("/admin/income-lines/").get_data(as_text=True)
    gift = factories.first(session, IncomeLine, reference="gift-a")
    assert f"edit/?id={gift.id}&" in page
    assert f"edit/?id={old.id}&" not in page
    assert 'class="locked-line"' in page


def test_the_count_and_totals_stop_at_the_cap(app, client, session, login_as, books, monkeypatch):
    from fundtrack.admin import lists

    monkeypatch.setattr(lists, "COUNT_CAP", 2)
    login_as("national")
    page = client.get("/admin/income-lines/").get_data(as_text=True)
    assert "More than 2 lines match" in page
    assert _totals(page) == {}


def test_costs_list_totals(client, session, login_as, books):
    own, _other = books
    factories.cost(session, own, "1000.10")
    factories.cost(session, own, "0.90")
    login_as("treasurer", centre=own)
    page = client.get("/admin/cost-lines/").get_data(as_text=True)
    assert _totals(page)["EUR"].replace("\xa0", " ") == "€ 1.001,00"


def test_searching_an_imported_lines_id_finds_it_whole(client, session, login_as, books):
    own, _other = books
    factories.income(session, own, "12.34", external_id="NTRY-2025-0042", reference="imported")
    login_as("national")
    assert "imported" in client.get("/admin/income-lines/?search=NTRY-2025-0042").get_data(
        as_text=True
    )
    assert 'id="list-count">0 lines' in client.get(
        "/admin/income-lines/?search=NTRY-2025"
    ).get_data(as_text=True)


def _summary(page: str) -> str:
    return re.search(r'id="list-summary">(.*?)</div>', page, re.S).group(1).strip()


def test_the_summary_counts_and_sums_what_the_lines_do(
    app, client, session, login_as, books, count_queries, monkeypatch
):
    # Filtered by centre, fiscal year, category or agreement alone (or not at all), the list
    # counts and sums income_summary's rows, not the lines: it must say what the lines say.
    from fundtrack.admin.money_views import IncomeLineView

    own, other = books
    agreement = factories.agreement(session, own, factories.funder(session))
    factories.income(session, own, "10.01", booking_date=date(2024, 5, 1), agreement=agreement)
    factories.income(session, own, "0.99", agreement=agreement)
    krone = factories.centre(session, code="NOK", name="Kirkens senter", currency="NOK")
    factories.income(session, krone, "250.00", category=IncomeCategory.COMPANIES)
    national = login_as("national")
    arg = {
        name: _arg(app, national, "admin_income_lines", name)
        for name in ("Centre", "Fiscal year", "Category", "Agreement")
    }
    cases = [
        {},
        {"Centre": own.id},
        {"Fiscal year": 2025},
        {"Category": "companies"},
        {"Agreement": agreement.id},
        {"Centre": own.id, "Fiscal year": 2024},
        {"Centre": other.id, "Category": "companies"},  # none
    ]

    def said(case: dict) -> str:
        query = {f"flt{i}_{arg[name]}": value for i, (name, value) in enumerate(case.items())}
        return _summary(client.get("/admin/income-lines/", query_string=query).get_data(True))

    for case in cases:
        with count_queries() as statements:
            summed = said(case)
        assert any("income_summary" in statement for statement in statements), case
        with monkeypatch.context() as lines_only:
            lines_only.setattr(IncomeLineView, "summary_columns", {})
            assert summed == said(case), case
    assert "€" in said({}) and "NOK" in said({})
    # A treasurer's count is her own centre's, from the summary as from the lines.
    login_as("treasurer", centre=own)
    summed = said({})
    with monkeypatch.context() as lines_only:
        lines_only.setattr(IncomeLineView, "summary_columns", {})
        assert summed == said({})
    assert 'id="list-count">6 lines' in summed
