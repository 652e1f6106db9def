"""The admin's edit forms show each row as it is, and refuse bad input with the field named."""

import re

import pytest

from fundtrack.auth.models import User
from fundtrack.centres.models import Centre, FiscalYearLock, Network, Region
from fundtrack.income.models import IncomeCategory
from tests import factories


def _selected(page: str, field: str) -> list[str]:
    select = re.search(rf'<select[^>]*name="{field}".*?</select>', page, re.S).group(0)
    return re.findall(r'<option selected value="([^"]*)"', select)


def test_editing_an_income_line_shows_its_current_category(client, session, login_as):
    centre = factories.centre(session)
    line = factories.income(session, centre, category=IncomeCategory.COMPANIES)
    login_as("national")
    page = client.get(f"/admin/income-lines/edit/?id={line.id}").get_data(as_text=True)
    assert _selected(page, "category") == ["companies"]


def test_editing_a_user_shows_their_current_role_so_saving_keeps_it(client, session, login_as):
    auditor = factories.user(session, role="auditor", email="reader@example.org")
    login_as("admin")
    page = client.get(f"/admin/users/edit/?id={auditor.id}").get_data(as_text=True)
    assert _selected(page, "role") == ["auditor"]


def test_a_treasurer_without_a_centre_is_refused_with_the_field_named(client, session, login_as):
    login_as("admin")
    page = client.post(
        "/admin/users/new/",
        data={"email": "new@example.org", "role": "treasurer", "new_password": "long enough pw"},
    ).get_data(as_text=True)
    assert factories.first(session, User, email="new@example.org") is None
    assert "Centre: a treasurer belongs to one centre" in page
    assert "IntegrityError" not in page


def test_closing_a_year_twice_says_so_plainly(client, session, login_as):
    session.add(FiscalYearLock(year=2023))
    login_as("national")
    page = client.post("/admin/fiscal-year-locks/close/", data={"year": "2023", "confirm": "yes"})
    text = page.get_data(as_text=True)
    assert "Year: 2023 is already closed" in text and "IntegrityError" not in text


def test_a_second_account_with_the_same_email_is_refused_by_name(client, session, login_as):
    factories.user(session, role="auditor", email="taken@example.org")
    login_as("admin")
    page = client.post(
        "/admin/users/new/",
        data={"email": "Taken@example.org", "role": "auditor", "new_password": "long enough pw"},
    ).get_data(as_text=True)
    assert "E-mail: taken@example.org already has an account" in page


def test_a_target_above_one_is_refused_with_the_fields_named(client, session, login_as):
    network = factories.network(session)
    login_as("national")
    page = client.post(
        "/admin/network/edit/?id=1",
        data={"name": "Net", "currency": "EUR", "locale": "nl_NL", "target_numerator": "5",
              "target_denominator": "3", "fiscal_year_start_month": "1"},
    ).get_data(as_text=True)  # fmt: skip
    session.expire_all()
    assert (network.target_numerator, network.target_denominator) == (2, 3)
    assert "Target: 5/3 must lie above 0 and at most 1" in page


def test_an_admin_creates_a_treasurer_with_a_password_that_signs_in(client, session, login_as):
    centre = factories.centre(session)
    login_as("admin")
    response = client.post(
        "/admin/users/new/",
        data={"email": "new.treasurer@example.org", "role": "treasurer",
              "centre": str(centre.id), "new_password": "long enough pw"},
    )  # fmt: skip
    assert response.status_code == 302
    user = factories.first(session, User, email="new.treasurer@example.org")
    assert user.centre_id == centre.id and user.check_password("long enough pw")


def test_a_locale_babel_does_not_know_is_refused_by_name(client, session, login_as):
    network = factories.network(session)
    login_as("national")
    page = client.post(
        "/admin/network/edit/?id=1",
        data={"name": "Net", "currency": "EUR", "locale": "xx_YY", "target_numerator": "2",
              "target_denominator": "3", "fiscal_year_start_month": "1"},
    ).get_data(as_text=True)  # fmt: skip
    session.expire_all()
    assert network.locale == "nl_NL" and "Language: &#39;xx_YY&#39; is not a locale" in page


def test_deleting_a_region_that_still_has_centres_says_why_without_sql(client, session, login_as):
    centre = factories.centre(session)
    login_as("national")
    page = client.post(
        "/admin/regions/delete/", data={"id": str(centre.region_id)}, follow_redirects=True
    ).get_data(as_text=True)
    assert session.get(Region, centre.region_id) is not None
    assert "still has 1 centre" in page and "SQL" not in page


def test_deleting_a_centre_with_books_says_why_without_sql(client, session, login_as):
    centre = factories.centre(session)
    factories.income(session, centre)
    login_as("national")
    page = client.post(
        "/admin/centres/delete/", data={"id": str(centre.id)}, follow_redirects=True
    ).get_data(as_text=True)
    assert session.get(Centre, centre.id) is not None
    assert "this centre still has 1 income lines" in page and "SQL" not in page


def test_a_user_language_babel_does_not_know_is_refused_by_name(client, session, login_as):
    reader = factories.user(session, role="auditor", email="reader@example.org")
    login_as("admin")
    page = client.post(
        f"/admin/users/edit/?id={reader.id}",
        data={"email": "reader@example.org", "role": "auditor", "locale": "zz-top", "active": "y"},
    ).get_data(as_text=True)
    session.expire_all()
    assert reader.locale is None and "Language: &#39;zz-top&#39; is not a locale" in page


def test_the_national_office_renames_a_centre_keeping_its_code(client, session, login_as):
    centre = factories.centre(session, code="DBO", name="De Boei")
    login_as("national")
    response = client.post(
        f"/admin/centres/edit/?id={centre.id}",
        data={"code": "DBO", "name": "Inloophuis De Boei", "municipality": "Zwolle",
              "region": str(centre.region_id), "currency": "EUR", "active": "y"},
    )  # fmt: skip
    assert response.status_code == 302
    session.expire_all()
    assert (centre.code, centre.name) == ("DBO", "Inloophuis De Boei")


def test_a_centre_with_books_keeps_its_currency(client, session, login_as):
    centre = factories.centre(session, code="CUR")
    factories.income(session, centre)
    login_as("national")
    page = client.post(
        f"/admin/centres/edit/?id={centre.id}",
        data={"code": "CUR", "name": centre.name, "municipality": "X",
              "region": str(centre.region_id), "currency": "NOK", "active": "y"},
    ).get_data(as_text=True)  # fmt: skip
    session.expire_all()
    assert session.get(Centre, centre.id).currency == "EUR"
    assert "Currency: the centre already has lines in its currency" in page


def test_the_first_fiscal_month_cannot_change_once_income_is_booked(client, session, login_as):
    factories.income(session, factories.centre(session))
    login_as("national")
    page = client.post(
        "/admin/network/edit/?id=1",
        data={"name": "Net", "currency": "EUR", "locale": "nl_NL", "target_numerator": "2",
              "target_denominator": "3", "fiscal_year_start_month": "7"},
    ).get_data(as_text=True)  # fmt: skip
    session.expire_all()
    assert session.get(Network, 1).fiscal_year_start_month == 1
    assert "Fiscal year starts in month: income is already booked" in page


@pytest.mark.parametrize("year", ["0", "99999"])
def test_a_year_outside_the_ledger_cannot_be_closed(client, session, login_as, year):
    login_as("national")
    client.post("/admin/fiscal-year-locks/close/", data={"year": year, "confirm": "yes"})
    assert factories.first(session, FiscalYearLock, year=int(year)) is None


def test_pickers_and_lists_name_codes_in_a_treasurers_words(client, session, login_as):
    centre = factories.centre(session)
    factories.cost(session, centre, category="other", description="odd cost")
    login_as("treasurer", centre=centre)
    form = client.get("/admin/income-lines/new/").get_data(as_text=True)
    assert '<option value="government_subsidies">Government subsidies</option>' in form
    costs = client.get("/admin/cost-lines/").get_data(as_text=True)
    assert re.search(r">\s*Other costs\s*<", costs) and "Other income" not in costs


def test_a_dutch_treasurer_picks_the_rj650_category_in_dutch(client, session, login_as):
    centre = factories.centre(session)
    login_as("treasurer", centre=centre, locale="nl")
    form = client.get("/admin/income-lines/new/").get_data(as_text=True)
    assert '<option value="government_subsidies">Baten van subsidies van overheden</option>' in form
    assert "Boekdatum" in form and "Booking date" not in form
    menu = client.get("/admin/").get_data(as_text=True)
    assert "Boekhouding" in menu and "Inkomsten" in menu and "Bestemmingsfondsen" in menu


def test_an_english_treasurer_reads_the_admin_in_english(client, session, login_as):
    login_as("treasurer", centre=factories.centre(session), locale="en")
    form = client.get("/admin/income-lines/new/").get_data(as_text=True)
    assert "Booking date" in form and "Boekdatum" not in form
    menu = client.get("/admin/").get_data(as_text=True)
    assert "Books" in menu and "Earmarked funds" in menu
