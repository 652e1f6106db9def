"""A grant's money equals its ledger lines; pipeline, due reports and forecast worked by hand."""

from datetime import date
from decimal import Decimal

import pytest

from fundtrack.grants import figures, parts
from fundtrack.grants.obligations import reports_due
from fundtrack.grants.operations import move_grant
from fundtrack.grants.pipeline import pipeline, share_forecast
from fundtrack.income.models import FunderType, StructuralRule
from tests import factories
from tests.grant_helpers import awarded, grant

D = Decimal


@pytest.fixture
def centre(session, network):
    return factories.centre(session, code="HLM")


@pytest.fixture
def national(session, network):
    return factories.user(session, role="national")


def _funded(session, centre):
    dam = factories.funder(session, type="foundation", name="Stiftelsen Dam")
    row = awarded(session, centre, amount="700000.00", funder=dam)
    user = factories.user(session, role="national")
    parts.add_budget_line(session, user, row, {"category": "staff", "amount": D("400000")})
    parts.add_budget_line(session, user, row, {"category": "volunteers", "amount": D("300000")})
    factories.income(session, centre, "350000.00", funder=dam, grant=row)
    factories.income(session, centre, "200000.00", funder=dam, grant=row)
    factories.income(session, centre, "25000.00", grant=row)  # a donor's co-funding
    factories.income(session, centre, "999.00", funder=dam)  # not booked on the grant
    factories.cost(session, centre, "120000.00", category="staff", grant=row)
    factories.cost(session, centre, "30000.50", category="staff", grant=row)
    factories.cost(session, centre, "45000.25", category="volunteers", grant=row)
    factories.cost(session, centre, "5000.00", category="housing", grant=row)
    factories.cost(session, centre, "99999.00", category="staff", grant=row, kind="budget")
    factories.cost(session, centre, "777.00", category="staff")
    return row, dam


def test_received_co_funding_and_spending_are_the_ledgers_lines(session, centre):
    row, _ = _funded(session, centre)
    result = figures.grant_money(session, row)
    assert result.received == D("550000.00")
    assert result.co_funding == D("25000.00")
    assert result.spent == D("200000.75")
    assert result.remaining == D("374999.25")
    assert result.still_to_come == D("150000.00")
    budget = {line.category: (line.budgeted, line.spent) for line in result.budget}
    assert budget == {
        "staff": (D("400000.00"), D("150000.50")),
        "volunteers": (D("300000.00"), D("45000.25")),
        "housing": (D("0.00"), D("5000.00")),
    }


def test_change_a_line_and_the_grant_follows(session, centre):
    row, dam = _funded(session, centre)
    tranche = factories.income(session, centre, "100.00", funder=dam, grant=row)
    assert figures.grant_money(session, row).received == D("550100.00")
    tranche.amount = D("50.00")
    session.flush()
    assert figures.grant_money(session, row).received == D("550050.00")
    tranche.grant = None
    session.flush()
    assert figures.grant_money(session, row).received == D("550000.00")


def test_the_list_carries_the_same_money_as_the_grant(session, centre, national):
    row, _ = _funded(session, centre)
    other = grant(session, centre)
    listed = dict((g.id, m) for g, m in figures.grant_list(session, national))
    assert listed[row.id].received == D("550000.00") and listed[row.id].spent == D("200000.75")
    assert listed[other.id].received == D("0.00") and listed[other.id].remaining == D("0.00")


def test_the_pipeline_per_year_centre_region_and_network(session, network, national):
    hlm = factories.centre(session, code="HLM")
    ams = factories.centre(session, code="AMS", region=hlm.region)
    osl = factories.centre(session, code="OSL")
    a = grant(session, hlm, chance=40, amount_requested=D("10000"))
    move_grant(session, national, a, "submitted")  # expected 4,000
    awarded(session, ams, amount="6000.00", amount_requested=D("8000"))  # asked 8,000
    b = grant(session, osl, chance=25, amount_requested=D("2000"))
    move_grant(session, national, b, "submitted")  # expected 500
    grant(session, osl, amount_requested=D("50000"), chance=90)  # a draft: not asked
    c = grant(session, None, amount_requested=D("100000"), chance=10)
    move_grant(session, national, c, "submitted")  # network only: expected 10,000
    grant(session, hlm, start=date(2026, 1, 1), end=date(2026, 6, 30))  # another year
    [year_2025, year_2026] = pipeline(session, national)
    assert year_2025.year == 2025 and year_2026.year == 2026
    net = year_2025.network
    assert (net.asked, net.awarded, net.expected) == (D("120000.00"), D("6000.00"), D("14500.00"))
    region = year_2025.regions[hlm.region.code]
    assert (region.asked, region.awarded, region.expected) == (D("18000"), D("6000"), D("4000"))
    assert year_2025.centres["OSL"].expected == D("500.00")
    treasurer = factories.user(session, role="treasurer", centre=hlm)
    [own] = pipeline(session, treasurer, years=[2025])
    assert own.network.asked == D("10000.00") and set(own.centres) == {"HLM"}


def test_reports_due_within_60_days_and_overdue_on_a_fixed_date(session, centre, national):
    row = grant(session, centre)
    for due, sent in [
        (date(2025, 3, 1), None),  # overdue
        (date(2025, 4, 1), date(2025, 3, 30)),  # sent: neither
        (date(2025, 4, 15), None),  # the day itself: due
        (date(2025, 6, 14), None),  # day 60: due
        (date(2025, 6, 15), None),  # day 61: not yet
    ]:
        parts.add_obligation(session, national, row, {"kind": "interim", "due_date": due,
                                                      "sent_on": sent})  # fmt: skip
    other = grant(session, factories.centre(session))
    parts.add_obligation(session, national, other, {"kind": "final", "due_date": date(2025, 1, 1)})
    treasurer = factories.user(session, role="treasurer", centre=centre)
    result = reports_due(session, treasurer, date(2025, 4, 15))
    assert [o.due_date for o in result.overdue] == [date(2025, 3, 1)]
    assert [o.due_date for o in result.due] == [date(2025, 4, 15), date(2025, 6, 14)]
    network_wide = reports_due(session, national, date(2025, 4, 15))
    assert len(network_wide.overdue) == 2


def test_the_forecast_adds_chance_weighted_structural_applications(session, network, national):
    session.merge(StructuralRule(funder_type=FunderType.MUNICIPALITY, structural_by_default=True))
    session.merge(StructuralRule(funder_type=FunderType.FOUNDATION, structural_by_default=False))
    centre = factories.centre(session, code="HLM")
    municipality = factories.funder(session, type=FunderType.MUNICIPALITY)
    factories.cost(session, centre, "120000.00", year=2025)
    factories.agreement(session, centre, municipality, annual_amount=D("36000.00"),
                        start_date=date(2024, 1, 1), end_date=None)  # fmt: skip
    # Recurring municipal application, 60% chance, 24,000 a year from 1 July 2026: 6 months.
    pending = grant(
        session, centre, funder=municipality, recurring=True, chance=60,
        amount_requested=D("24000"), start=date(2026, 7, 1), end=date(2028, 6, 30),
    )  # fmt: skip
    move_grant(session, national, pending, "submitted")
    # A foundation's project and a one-off municipal one do not become structural.
    for funder, recurring in ((factories.funder(session, type="foundation"), True),
                              (municipality, False)):  # fmt: skip
        other = grant(session, centre, funder=funder, recurring=recurring, chance=90,
                      start=date(2026, 1, 1), end=date(2026, 12, 31))  # fmt: skip
        move_grant(session, national, other, "submitted")
    result = share_forecast(session, national, 2025, centre_code="HLM")
    assert result.year == 2026 and result.costs == D("120000.00")
    assert result.secured == D("36000.00") and result.secured_share == D("0.300000")
    # 24,000 x 6/12 x 60% = 7,200
    assert result.pending == D("7200.00") and result.forecast == D("43200.00")
    assert result.forecast_share == D("0.360000")
    assert [a.grant.id for a in result.applications] == [pending.id]
