"""The year-end statement against a centre-year worked out by hand, its consolidation (the sum
of the centres less the eliminations), its fund movements against the fund balances, and the
national office's mappings (authorised, audited)."""

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from fundtrack.audit.models import AuditEvent
from fundtrack.centres.models import Centre
from fundtrack.costs.models import CostCategory as CC
from fundtrack.costs.models import CostKind
from fundtrack.errors import NotAllowed, ValidationError
from fundtrack.income.funds import fund_balances
from fundtrack.income.models import FunderType
from fundtrack.income.models import IncomeCategory as IC
from fundtrack.share.service import funding_share
from fundtrack.yearend import operations
from fundtrack.yearend.statement import statement
from tests import factories


@pytest.fixture
def books(session):
    """Centre A (hand-worked below), B in A's region, C in another region; the national
    office's funder N passes money on to A and B."""
    factories.network(session)
    office = factories.user(session, role="national")
    north, south = factories.region(session, code="N"), factories.region(session, code="S")
    a = factories.centre(session, code="A", name="Centre A", region=north)
    b = factories.centre(session, code="B", name="Centre B", region=north)
    c = factories.centre(session, code="C", name="Centre C", region=south)
    town = factories.funder(session, type=FunderType.MUNICIPALITY, name="Town")
    lottery = factories.funder(session, type=FunderType.LOTTERY, name="Lottery")
    national = factories.funder(session, type=FunderType.AFFILIATED_NONPROFIT, name="Office")
    fund = factories.fund(session, a, name="Quiet room")

    def gift(centre, amount, category, day, **kw):
        factories.income(session, centre, amount, category=category, booking_date=day, **kw)

    # A, 2025: raised 33,650.50; services 2,000.00; other 99.99.
    gift(a, "1000.00", IC.INDIVIDUALS, date(2025, 2, 1))
    gift(a, "250.50", IC.INDIVIDUALS, date(2025, 3, 1), earmarked_fund=fund)
    gift(a, "400.00", IC.COMPANIES, date(2025, 4, 1))
    gift(a, "3000.00", IC.LOTTERY, date(2025, 5, 1), funder=lottery)
    gift(a, "24000.00", IC.GOVERNMENT, date(2025, 6, 1), funder=town)
    gift(a, "5000.00", IC.AFFILIATED_NONPROFITS, date(2025, 7, 1), funder=national)
    gift(a, "2000.00", IC.INSURERS_AND_CARE, date(2025, 8, 1))
    gift(a, "99.99", IC.OTHER, date(2025, 9, 1))
    # A, 2024: 20,500.00 of income, 500.00 of it into the fund.
    gift(a, "500.00", IC.INDIVIDUALS, date(2024, 3, 1), earmarked_fund=fund)
    gift(a, "20000.00", IC.GOVERNMENT, date(2024, 6, 1), funder=town)
    for amount, category, year, kw in (
        ("20000.00", CC.STAFF, 2025, {}),
        ("6000.00", CC.HOUSING, 2025, {}),
        ("1500.00", CC.COMMUNICATION, 2025, {}),
        ("2500.00", CC.ADMINISTRATION, 2025, {}),
        ("800.00", CC.VOLUNTEERS, 2025, {}),
        ("300.00", CC.ACTIVITIES, 2025, {"earmarked_fund_id": fund.id}),
        ("18000.00", CC.STAFF, 2024, {}),
        ("100.00", CC.ACTIVITIES, 2024, {"earmarked_fund_id": fund.id}),
    ):
        factories.cost(session, a, amount, year=year, category=category, **kw)
    for amount, category in (("21000.00", CC.STAFF), ("1000.00", CC.COMMUNICATION),
                             ("2000.00", CC.ADMINISTRATION)):  # fmt: skip
        factories.cost(session, a, amount, year=2025, kind=CostKind.BUDGET, category=category)
    # B and C, 2025.
    gift(b, "1000.00", IC.AFFILIATED_NONPROFITS, date(2025, 7, 1), funder=national)
    gift(b, "200.00", IC.INDIVIDUALS, date(2025, 7, 2))
    factories.cost(session, b, "1500.00", year=2025)
    gift(c, "10000.00", IC.GOVERNMENT, date(2025, 1, 10), funder=town)
    factories.cost(session, c, "9000.00", year=2025)
    # The office: volunteers' costs go to fundraising here; N is the national office.
    operations.set_expense_group(session, office, "volunteers", "fundraising")
    operations.set_settings(session, office, "1100", national.id)
    return office, fund


def amounts(result, key):
    line = result.line(key)
    return line.actual, line.budget, line.previous


def test_every_line_of_a_hand_worked_centre_year(session, books):
    office, _fund = books
    result = statement(session, office, 2025, centre_code="A")
    assert result.layout.code == "rj650" and not result.consolidated
    expected = {
        "individuals": (D("1250.50"), None, D("500.00")),
        "companies": (D("400.00"), None, D("0.00")),
        "lottery": (D("3000.00"), None, D("0.00")),
        "government": (D("24000.00"), None, D("20000.00")),
        # A's own statement keeps what the office passed on: nothing is eliminated.
        "affiliated": (D("5000.00"), None, D("0.00")),
        "other_nonprofits": (D("0.00"), None, D("0.00")),
        "raised_total": (D("33650.50"), None, D("20500.00")),
        "services": (D("2000.00"), None, D("0.00")),
        "other": (D("99.99"), None, D("0.00")),
        "income_total": (D("35750.49"), None, D("20500.00")),
        # staff 20,000 + housing 6,000 + activities from the fund 300 (budget: staff 21,000).
        "objectives": (D("26300.00"), D("21000.00"), D("18100.00")),
        # communication 1,500 + volunteers 800, mapped by the office (budget: 1,000).
        "fundraising": (D("2300.00"), D("1000.00"), D("0.00")),
        "administration": (D("2500.00"), D("2000.00"), D("0.00")),
        "expenses_total": (D("31100.00"), D("24000.00"), D("18100.00")),
        "result": (D("4650.49"), None, D("2400.00")),
        "to_funds": (D("250.50"), None, D("500.00")),
        "from_funds": (D("-300.00"), None, D("-100.00")),
        # 4,650.49 - 250.50 + 300.00; 2024: 2,400.00 - 500.00 + 100.00.
        "to_reserve": (D("4699.99"), None, D("2000.00")),
        "appropriated": (D("4650.49"), None, D("2400.00")),
    }
    keys = [line.key for line in result.lines if line.style != "heading"]
    assert keys == list(expected)
    for key, values in expected.items():
        assert amounts(result, key) == values, key
    ratios = {r.key: (r.actual, r.budget, r.previous) for r in result.ratios}
    assert ratios == {
        "fundraising_of_raised": (D("0.068350"), None, D("0")),
        "objectives_of_income": (D("0.735654"), None, D("0.882927")),
        "objectives_of_expenses": (D("0.845659"), D("0.875000"), D("1.000000")),
    }
    figures = funding_share(session, office, 2025, centre_code="A").centres[0]
    assert result.structural_share == figures.share is not None
    assert result.structural_basis == figures.costs_basis == "actual"
    assert result.undeclared == []
    [movement] = result.funds
    assert (movement.opening, movement.added, movement.spent, movement.closing) == (
        D("400.00"),
        D("250.50"),
        D("300.00"),
        D("350.50"),
    )


def test_fund_movements_reconcile_with_the_fund_balances(session, books):
    office, fund = books
    factories.fund(session, fund.centre, name="Opened for next year")  # nothing in it: left out
    result = statement(session, office, 2025)
    closing = {b.fund_id: b.balance for b in fund_balances(session, office, year=2025)}
    opening = {b.fund_id: b.balance for b in fund_balances(session, office, year=2024)}
    for movement in result.funds:
        assert movement.opening == opening[movement.fund_id]
        assert movement.closing == closing[movement.fund_id]
        assert movement.opening + movement.added - movement.spent == movement.closing
    totals = result.fund_totals
    assert result.line("to_funds").actual == totals.added
    assert result.line("from_funds").actual == -totals.spent
    assert [m.fund_id for m in result.funds] == [fund.id]


@pytest.mark.parametrize("region", [None, "N"])
def test_a_consolidation_is_the_sum_of_its_centres_less_the_eliminations(session, books, region):
    office, _fund = books
    consolidated = statement(session, office, 2025, region_code=region)
    codes = ["A", "B"] if region else ["A", "B", "C"]
    assert [c.code for c in consolidated.centres] == codes
    own = [statement(session, office, 2025, centre_code=code) for code in codes]
    eliminated = {line.key: line for line in consolidated.eliminations}
    # What the office passed on: A 5,000.00 and B 1,000.00, both affiliated income.
    assert list(eliminated) == ["affiliated"]
    assert eliminated["affiliated"].actual == D("6000.00")
    # Taken out of its own line and of every total that line is in (affiliated income is
    # raised income); expenses, funds and the budget column keep the centres' sum.
    totals = ("raised_total", "income_total", "result", "to_reserve", "appropriated")
    for line in consolidated.lines:
        if line.style == "heading":
            continue
        for column in ("actual", "budget", "previous"):
            values = [getattr(s.line(line.key), column) for s in own]
            if getattr(line, column) is None:
                assert all(v is None for v in values), (line.key, column)
                continue
            taken = D("0.00")
            if column != "budget" and (line.key in eliminated or line.key in totals):
                parts = [eliminated[line.key]] if line.key in eliminated else eliminated.values()
                taken = sum((getattr(e, column) for e in parts), D("0.00"))
            assert getattr(line, column) == sum(values, D("0.00")) - taken, (line.key, column)
    assert consolidated.line("affiliated").actual == D("0.00")
    sum_of_centres = {line.key: line.actual for line in consolidated.sum_of_centres}
    assert sum_of_centres["affiliated"] == D("6000.00")
    assert consolidated.national_office_funder == "Office"
    figures = funding_share(session, office, 2025, region_code=region)
    expected = figures.regions[0] if region else figures.network
    assert consolidated.structural_share == expected.share


def test_without_a_national_office_funder_nothing_is_eliminated(session, books):
    office, _fund = books
    operations.set_settings(session, office, "1100", None)
    consolidated = statement(session, office, 2025)
    assert consolidated.eliminations == []
    assert consolidated.line("affiliated").actual == D("6000.00")


def test_a_norwegian_network_gets_the_activity_statement(session):
    factories.network(session, name="Kreft", currency="NOK", locale="nb_NO")
    office = factories.user(session, role="national")
    centre = factories.centre(session, code="DK", currency="NOK")
    gifts = (("100.00", IC.INDIVIDUALS), ("50.00", IC.COMPANIES), ("30.00", IC.LOTTERY),
             ("20.00", IC.AFFILIATED_NONPROFITS))  # fmt: skip
    for amount, category in gifts:
        factories.income(session, centre, amount, category=category)
    factories.cost(session, centre, "120.00", category=CC.COMMUNICATION)
    result = statement(session, office, 2025, centre_code="DK")
    assert result.layout.code == "nrs"
    assert result.line("collected").actual == D("150.00")
    assert result.line("other_grants").actual == D("50.00")
    assert result.line("income_total").actual == D("200.00")
    assert result.line("fundraising").actual == D("120.00")
    assert result.line("result").actual == D("80.00")
    with pytest.raises(KeyError):
        result.line("raised_total")


def test_a_treasurer_sees_only_their_own_centres_statement(session, books):
    _office, _fund = books
    a = factories.first(session, Centre, code="A")
    treasurer = factories.user(session, role="treasurer", centre=a)
    assert statement(session, treasurer, 2025, centre_code="A").line("result").actual
    with pytest.raises(LookupError):
        statement(session, treasurer, 2025, centre_code="B")


def test_only_the_national_office_sets_the_mappings_and_each_change_is_audited(session, books):
    office, fund = books
    a = fund.centre
    treasurer = factories.user(session, role="treasurer", centre=a)
    with pytest.raises(NotAllowed):
        operations.set_expense_group(session, treasurer, "staff", "fundraising")
    with pytest.raises(NotAllowed):
        operations.set_account(session, treasurer, "income", "individuals", None, "8001")
    with pytest.raises(NotAllowed):
        operations.set_settings(session, treasurer, "1200", None)
    with pytest.raises(ValidationError) as refused:
        operations.set_expense_group(session, office, "staff", "holidays")
    assert refused.value.field == "expense_group"
    with pytest.raises(ValidationError) as refused:
        operations.set_account(session, office, "cost", "individuals", None, "4000")
    assert refused.value.field == "category"
    with pytest.raises(ValidationError) as refused:
        operations.set_account(session, office, "cost", None, None, "4000")
    assert refused.value.code == "category_or_fund"
    with pytest.raises(ValidationError) as refused:
        operations.set_account(session, office, "cost", "staff", None, "1" * 21)
    assert refused.value.code == "too_long"
    row = operations.set_account(session, office, "cost", None, fund.id, "0450")
    assert row.account == "0450"
    assert operations.set_account(session, office, "cost", None, fund.id, "") is None
    tables = set(session.scalars(select(AuditEvent.entity)))
    assert {"yearend_expense_groups", "yearend_settings", "yearend_accounts"} <= tables


def test_a_region_without_centres_has_a_statement_of_zeros(session, books):
    office, _fund = books
    factories.region(session, code="EMPTY", name="Region Empty")
    result = statement(session, office, 2025, region_code="EMPTY")
    assert (result.scope, result.name, result.centres) == ("region", "Region Empty", [])
    assert result.line("result").actual == D("0.00") and result.structural_share is None
