"""Earmarked funds' balances for a centre worked out by hand.

Centre OWN (EUR, fiscal year = calendar year), fund "Kledingbank":
  income 2024: 1,000.00 (May) + 250.50 (November)             = 1,250.50
  income 2025:   400.00 (February)                             =   400.00
  actual costs 2024: 300.25; 2025: 900.00 (spent the year after the money came in);
  2026: 100.00; a 2025 budget of 5,000.00 (a plan, not spending: left out);
  an unallocated gift of 777.00 (not the fund's).
  2024: year 1,250.50 - 300.25 = 950.25; to date 950.25
  2025: year   400.00 - 900.00 = -500.00; to date 1,650.50 - 1,200.25 = 450.25
  2026: year     0.00 - 100.00 = -100.00; to date 1,650.50 - 1,300.25 = 350.25
Fund "Zomerkamp": 120.00 spent in 2025, nothing received: 2025 year and to date -120.00.
Another centre's fund "Elders" received 999.99 in 2025.
"""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from fundtrack.centres.models import FiscalYearLock
from fundtrack.costs.models import CostKind
from fundtrack.formatting import network_format
from fundtrack.income.funds import fund_balances
from tests import factories
from tests.api_helpers import ApiCaller


@pytest.fixture
def books(session, network):
    own = factories.centre(session, code="OWN", name="Inloophuis Eigen")
    other = factories.centre(session, code="OTH", name="Inloophuis Ander")
    clothes = factories.fund(session, own, name="Kledingbank")
    camp = factories.fund(session, own, name="Zomerkamp")
    elsewhere = factories.fund(session, other, name="Elders")
    for day, amount in [
        (date(2024, 5, 1), "1000.00"),
        (date(2024, 11, 20), "250.50"),
        (date(2025, 2, 10), "400.00"),
    ]:
        factories.income(session, own, amount, booking_date=day, earmarked_fund=clothes)
    factories.income(session, own, "777.00", booking_date=date(2025, 2, 10))
    factories.income(
        session, other, "999.99", booking_date=date(2025, 3, 1), earmarked_fund=elsewhere
    )
    for year, amount in [(2024, "300.25"), (2025, "900.00"), (2026, "100.00")]:
        factories.cost(session, own, amount, year=year, earmarked_fund_id=clothes.id)
    factories.cost(
        session, own, "5000.00", year=2025, kind=CostKind.BUDGET, earmarked_fund_id=clothes.id
    )
    factories.cost(session, own, "120.00", year=2025, earmarked_fund_id=camp.id)
    return own, other


def _by_name(balances):
    return {b.name: (b.balance_year, b.balance) for b in balances}


@pytest.mark.parametrize(
    "year, clothes, camp",
    [
        (2024, ("950.25", "950.25"), ("0.00", "0.00")),
        (2025, ("-500.00", "450.25"), ("-120.00", "-120.00")),
        (2026, ("-100.00", "350.25"), ("0.00", "-120.00")),
    ],
)
def test_fund_balances_of_the_hand_worked_centre(session, books, year, clothes, camp):
    own, _other = books
    user = factories.user(session, role="national")
    balances = _by_name(fund_balances(session, user, centre_id=own.id, year=year))
    assert balances == {
        "Kledingbank": tuple(Decimal(v) for v in clothes),
        "Zomerkamp": tuple(Decimal(v) for v in camp),
    }


def test_the_parts_of_a_balance_are_kept(session, books):
    own, _other = books
    user = factories.user(session, role="national")
    clothes = fund_balances(session, user, centre_id=own.id, year=2025)[0]
    assert (clothes.income_year, clothes.costs_year) == (Decimal("400.00"), Decimal("900.00"))
    assert (clothes.income_to_date, clothes.costs_to_date) == (
        Decimal("1650.50"),
        Decimal("1200.25"),
    )
    assert clothes.currency == "EUR" and clothes.centre_code == "OWN"


def test_a_closed_year_keeps_its_balance_and_carries_it_forward(session, books):
    own, _other = books
    session.add(FiscalYearLock(year=2024))
    session.flush()
    user = factories.user(session, role="national")
    assert _by_name(fund_balances(session, user, centre_id=own.id, year=2024))["Kledingbank"] == (
        Decimal("950.25"),
        Decimal("950.25"),
    )
    assert _by_name(fund_balances(session, user, year=2025))["Kledingbank"] == (
        Decimal("-500.00"),
        Decimal("450.25"),
    )


def test_a_treasurer_sees_only_her_own_centres_funds(session, books):
    own, _other = books
    treasurer = factories.user(session, role="treasurer", centre=own)
    national = factories.user(session, role="national")
    assert {b.name for b in fund_balances(session, treasurer, year=2025)} == {
        "Kledingbank",
        "Zomerkamp",
    }
    assert _by_name(fund_balances(session, national, year=2025))["Elders"] == (
        Decimal("999.99"),
        Decimal("999.99"),
    )


def test_the_balances_are_one_statement(session, books, count_queries):
    user = factories.user(session, role="national")
    session.flush()
    with count_queries() as statements:
        fund_balances(session, user, year=2025)
    assert len(statements) == 1


def test_the_fund_list_shows_each_funds_balance(client, session, login_as, books, monkeypatch):
    from fundtrack.income import funds

    monkeypatch.setattr(funds, "running_year", lambda _session: 2025)
    login_as("treasurer", centre=books[0])
    page = client.get("/admin/earmarked-funds/").get_data(as_text=True)
    fmt = network_format()
    for amount in ("450.25", "-500.00", "-120.00"):
        assert fmt.money(Decimal(amount), "EUR") in page
    assert "Elders" not in page


def test_the_fund_list_does_not_grow_with_its_funds(
    client, session, login_as, books, monkeypatch, count_queries
):
    from fundtrack.income import funds

    monkeypatch.setattr(funds, "running_year", lambda _session: 2025)
    login_as("national")
    client.get("/admin/earmarked-funds/")
    with count_queries() as few:
        client.get("/admin/earmarked-funds/")
    for n in range(10):
        fund = factories.fund(session, books[0], name=f"Extra {n}")
        factories.income(session, books[0], "1.00", earmarked_fund=fund)
    with count_queries() as many:
        client.get("/admin/earmarked-funds/")
    assert len(many) == len(few)


def test_the_fund_export_has_the_balances_as_numbers(client, session, login_as, books, monkeypatch):
    from fundtrack.income import funds

    monkeypatch.setattr(funds, "running_year", lambda _session: 2025)
    login_as("auditor")
    response = client.get("/admin/earmarked-funds/download/xlsx/")
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    rows = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["Kledingbank"][header.index("Balance to date")] == pytest.approx(450.25)
    assert rows["Zomerkamp"][header.index("This fiscal year")] == pytest.approx(-120.0)


def test_the_centre_page_shows_the_funds_of_its_year(client, session, login_as, books):
    own, _other = books
    login_as("treasurer", centre=own)
    page = client.get("/centres/OWN?year=2025").get_data(as_text=True)
    assert 'id="funds"' in page
    fmt = network_format()
    assert fmt.money(Decimal("450.25"), "EUR") in page
    assert fmt.money(Decimal("-500.00"), "EUR") in page


def test_the_api_gives_each_fund_its_balance(client, session, books):
    own, _other = books
    api = ApiCaller(client, session).as_("treasurer", own)
    body = api.get("/funds", query_string={"year": 2025}).get_json()
    funds = {item["name"]: item for item in body["items"]}
    assert set(funds) == {"Kledingbank", "Zomerkamp"}
    assert funds["Kledingbank"]["balance"] == "450.25"
    assert funds["Kledingbank"]["balance_year"] == "-500.00"
    earlier = api.get("/funds", query_string={"year": 2024}).get_json()["items"]
    assert {i["name"]: i["balance"] for i in earlier} == {
        "Kledingbank": "950.25",
        "Zomerkamp": "0.00",
    }


def test_one_fund_in_the_api_has_the_running_years_balance(client, session, books, monkeypatch):
    from fundtrack.income import funds

    monkeypatch.setattr(funds, "running_year", lambda _session: 2026)
    api = ApiCaller(client, session).as_("national")
    clothes = factories.first(session, funds.EarmarkedFund, name="Kledingbank")
    one = api.get(f"/funds/{clothes.id}").get_json()
    assert (one["balance"], one["balance_year"]) == ("350.25", "-100.00")
