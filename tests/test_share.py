"""Every funding-share figure of the hand-worked network in tests/share_network.py.

Target 2/3. Shares keep six decimals (half up); gaps are rounded to cents (half up).
"""

from datetime import date
from decimal import Decimal as D
from fractions import Fraction

import pytest

from fundtrack.costs.models import CostKind
from fundtrack.income.models import IncomeCategory
from fundtrack.share.service import funding_share, override_agreement, set_structural_rule
from tests import factories, share_network


@pytest.fixture
def net(session):
    return share_network.build(session)


def by_code(items):
    return {item.code: item for item in items}


def categories(**amounts):
    return {c.value: D(amounts.get(c.name.lower(), "0.00")) for c in IncomeCategory}


def test_each_centre_has_its_hand_worked_figures(session, net):
    result = funding_share(session, net.national, 2025)
    centres = by_code(result.centres)
    assert list(centres) == ["A", "B", "C", "D"]
    assert (result.year, result.target, result.currency) == (2025, Fraction(2, 3), "EUR")

    a = centres["A"]
    assert (a.costs, a.costs_basis) == (D("90000.00"), "actual")  # budget 100,000 ignored
    assert a.structural_income == D("48000.00")  # A1: 4 x 12,000
    assert a.incidental_income == D("25000.00")  # 20,000 foundation + 5,000 donations
    assert a.income_by_category == categories(
        government="48000.00", other_nonprofits="20000.00", individuals="5000.00"
    )
    assert a.share == D("0.533333")  # 48,000 / 90,000
    assert a.gap == D("12000.00")  # 2/3 x 90,000 = 60,000 - 48,000
    assert a.secured_next_year == D("48000.00")  # A1 open-ended: 12/12 of 48,000
    assert a.secured_share == D("0.533333")  # 48,000 / 90,000
    assert a.meets_target is False
    assert (a.region_code, a.name) == ("NORTH", "Centre A")

    b = centres["B"]
    assert (b.costs, b.costs_basis) == (D("30000.00"), "budget")  # no actuals yet
    assert (b.structural_income, b.incidental_income) == (D("24000.00"), D("0.00"))
    assert b.share == D("0.800000")  # 24,000 / 30,000
    assert b.gap == D("0.00")  # 2/3 x 30,000 = 20,000 < 24,000: a surplus, no gap
    # B1 ends 2026-06-30: January to June of 2026, 24,000 x 6 / 12.
    assert b.secured_next_year == D("12000.00")
    assert b.secured_share == D("0.400000")  # 12,000 / 30,000
    assert b.meets_target is True

    c = centres["C"]  # no structural income at all
    assert (c.costs, c.costs_basis) == (D("50000.00"), "actual")
    assert c.structural_income == D("0.00")
    # C1 (province) runs only ten months, C2 (affiliated non-profit) is incidental by rule.
    assert c.incidental_income == D("29000.00")  # 10,000 + 5,000 + 8,000 + 6,000
    assert c.income_by_category == categories(
        individuals="10000.00", companies="5000.00", government="8000.00",
        affiliated_nonprofits="6000.00",
    )  # fmt: skip
    assert c.share == D("0.000000")
    assert c.gap == D("33333.33")  # 2/3 x 50,000 = 33,333.333...
    assert (c.secured_next_year, c.secured_share) == (D("0.00"), D("0.000000"))
    assert c.meets_target is False

    d = centres["D"]  # zero costs: no share, no gap, never "at target"
    assert (d.costs, d.costs_basis) == (D("0.00"), "none")
    assert d.structural_income == D("9000.00")
    assert d.share is None and d.secured_share is None
    assert d.gap == D("0.00")
    assert d.secured_next_year == D("12000.00")  # D1 open-ended: all of 2026
    assert d.meets_target is False


def test_regions_sum_money_first_and_sum_their_centres_gaps(session, net):
    regions = by_code(funding_share(session, net.national, 2025).regions)
    assert list(regions) == ["NORTH", "SOUTH"]

    north = regions["NORTH"]
    assert (north.costs, north.costs_basis) == (D("120000.00"), "mixed")  # actual + budget
    assert north.structural_income == D("72000.00")  # 48,000 + 24,000
    assert north.incidental_income == D("25000.00")
    # 72,000 / 120,000 = 0.6, not the average of 0.533333 and 0.8 (0.666667).
    assert north.share == D("0.600000")
    # 12,000 + 0: B's surplus of 4,000 does not pay A's costs (2/3 x 120,000 - 72,000 = 8,000).
    assert north.gap == D("12000.00")
    assert north.secured_next_year == D("60000.00")  # 48,000 + 12,000
    assert north.secured_share == D("0.500000")  # 60,000 / 120,000
    assert (north.centres_total, north.centres_at_target) == (2, 1)
    assert north.name == "North"

    south = regions["SOUTH"]
    assert (south.costs, south.costs_basis) == (D("50000.00"), "mixed")  # actual + none
    assert south.structural_income == D("9000.00")
    assert south.incidental_income == D("29000.00")
    assert south.share == D("0.180000")  # 9,000 / 50,000
    assert south.gap == D("33333.33")  # 33,333.33 + 0 (not 33,333.33 - 9,000)
    assert south.secured_next_year == D("12000.00")
    assert south.secured_share == D("0.240000")
    assert (south.centres_total, south.centres_at_target) == (2, 0)


def test_network_totals_sum_money_and_gaps(session, net):
    result = funding_share(session, net.national, 2025)
    network = result.network
    assert (network.costs, network.costs_basis) == (D("170000.00"), "mixed")
    assert network.structural_income == D("81000.00")  # 48,000 + 24,000 + 0 + 9,000
    assert network.incidental_income == D("54000.00")  # 25,000 + 0 + 29,000 + 0
    assert network.total_income == D("135000.00")
    assert network.income_by_category == categories(
        individuals="15000.00", companies="5000.00", government="65000.00",
        affiliated_nonprofits="6000.00", other_nonprofits="20000.00",
        insurers_and_care="24000.00",
    )  # fmt: skip
    assert network.share == D("0.476471")  # 81,000 / 170,000 = 0.4764705...
    assert network.gap == D("45333.33")  # 12,000 + 0 + 33,333.33 + 0
    assert network.secured_next_year == D("72000.00")  # 48,000 + 12,000 + 0 + 12,000
    assert network.secured_share == D("0.423529")  # 72,000 / 170,000 = 0.4235294...
    assert result.centres_at_target == 1


def test_costs_switch_from_budget_to_actual_once_an_actual_line_exists(session, net):
    factories.cost(session, net.b, "36000.00", kind=CostKind.ACTUAL)
    b = by_code(funding_share(session, net.national, 2025).centres)["B"]
    assert (b.costs, b.costs_basis) == (D("36000.00"), "actual")  # budget 30,000 dropped
    assert b.share == D("0.666667")  # 24,000 / 36,000 exactly two-thirds
    assert b.gap == D("0.00")  # 2/3 x 36,000 = 24,000
    assert b.meets_target is True  # exactly at target counts, compared without rounding
    assert b.secured_share == D("0.333333")  # 12,000 / 36,000


def test_overriding_an_agreement_to_structural_moves_its_income(session, net):
    override_agreement(session, net.national, net.c2.id, True, "charity contribution agreed yearly")
    result = funding_share(session, net.national, 2025)
    c = by_code(result.centres)["C"]
    assert (c.structural_income, c.incidental_income) == (D("6000.00"), D("23000.00"))
    assert c.share == D("0.120000")  # 6,000 / 50,000
    assert c.gap == D("27333.33")  # 33,333.333... - 6,000
    assert c.secured_next_year == D("6000.00")  # C2 open-ended: 12/12 of 6,000
    assert result.network.structural_income == D("87000.00")
    assert result.network.gap == D("39333.33")  # 12,000 + 27,333.33


def test_overriding_an_agreement_to_incidental_takes_its_income_out(session, net):
    override_agreement(session, net.national, net.a1.id, False, "subsidy ends by council vote")
    a = by_code(funding_share(session, net.national, 2025).centres)["A"]
    assert (a.structural_income, a.incidental_income) == (D("0.00"), D("73000.00"))
    assert a.share == D("0.000000")
    assert a.gap == D("60000.00")  # 2/3 x 90,000
    assert a.secured_next_year == D("0.00")


def test_changing_the_rule_for_a_funder_type_flips_the_figures(session, net):
    set_structural_rule(session, net.national, "municipality", False, "only by agreement")
    result = funding_share(session, net.national, 2025)
    centres = by_code(result.centres)
    assert centres["A"].structural_income == D("0.00")  # A1 was municipal
    assert centres["A"].gap == D("60000.00")
    assert centres["D"].structural_income == D("0.00")  # D1 was municipal
    assert centres["B"].structural_income == D("24000.00")  # insurers unchanged
    assert result.network.structural_income == D("24000.00")
    assert result.network.share == D("0.141176")  # 24,000 / 170,000 = 0.1411764...
    assert result.network.gap == D("93333.33")  # 60,000 + 0 + 33,333.33 + 0
    assert result.network.secured_next_year == D("12000.00")  # only B1's half year


def test_the_target_comes_from_the_network_and_the_gap_rounds_half_up(session, net):
    network = factories.network(session)
    network.target_numerator, network.target_denominator = 1, 2
    factories.cost(session, net.d, "100.01", kind=CostKind.ACTUAL)
    result = funding_share(session, net.national, 2025)
    assert result.target == Fraction(1, 2)
    centres = by_code(result.centres)
    assert centres["A"].gap == D("0.00")  # 1/2 x 90,000 = 45,000 < 48,000
    assert centres["A"].meets_target is True
    assert centres["C"].gap == D("25000.00")
    # D: 1/2 x 100.01 = 50.005 -> 50.01 (half up), then 9,000 of structural income: no gap.
    assert centres["D"].gap == D("0.00")
    set_structural_rule(session, net.national, "municipality", False)
    assert by_code(funding_share(session, net.national, 2025).centres)["D"].gap == D("50.01")


def test_a_treasurer_sees_only_their_own_centre(session, net):
    treasurer = factories.user(session, role="treasurer", centre=net.a)
    result = funding_share(session, treasurer, 2025)
    assert [c.code for c in result.centres] == ["A"]
    assert [r.code for r in result.regions] == ["NORTH"]
    assert result.regions[0].costs == D("90000.00")  # A only, not B
    assert result.network.structural_income == D("48000.00")
    assert result.network.costs == D("90000.00")
    with pytest.raises(LookupError):
        funding_share(session, treasurer, 2025, centre_code="C")
    with pytest.raises(LookupError):
        funding_share(session, treasurer, 2025, region_code="SOUTH")


def test_a_region_or_centre_filter_narrows_the_figures(session, net):
    south = funding_share(session, net.national, 2025, region_code="SOUTH")
    assert [c.code for c in south.centres] == ["C", "D"]
    assert south.network.costs == D("50000.00")
    assert south.network.gap == D("33333.33")
    only_b = funding_share(session, net.national, 2025, centre_code="B")
    assert [c.code for c in only_b.centres] == ["B"]
    assert only_b.network.secured_next_year == D("12000.00")
    with pytest.raises(LookupError):
        funding_share(session, net.national, 2025, centre_code="NOPE")
    with pytest.raises(LookupError):
        funding_share(session, net.national, 2025, region_code="NOPE")


def test_a_year_without_lines_gives_zero_figures_for_every_active_centre(session, net):
    result = funding_share(session, net.national, 2030)
    assert len(result.centres) == 4
    assert result.network.costs_basis == "none"
    assert result.network.share is None
    assert result.network.gap == D("0.00")
    # Open-ended A1 (48,000), C2 is incidental, D1 (12,000) still run in 2031.
    assert result.network.secured_next_year == D("60000.00")


def test_an_inactive_centre_without_figures_drops_out(session, net):
    net.d.active = False
    session.flush()
    assert "D" in by_code(funding_share(session, net.national, 2025).centres)  # has income
    assert "D" not in by_code(funding_share(session, net.national, 2024).centres)


def test_secured_next_year_counts_only_whole_months_of_an_agreement(session, net):
    # Ends 15 July 2026: January to June are whole months (6); July is not.
    factories.agreement(session, net.c, net.insurer, title="C3", start_date=date(2025, 1, 1),
                        end_date=date(2026, 7, 15), annual_amount="1200.00")  # fmt: skip
    # Starts 15 March 2026: April to December (9).
    factories.agreement(session, net.c, net.insurer, title="C4", start_date=date(2026, 3, 15),
                        annual_amount="2400.00")  # fmt: skip
    c = by_code(funding_share(session, net.national, 2025).centres)["C"]
    assert c.secured_next_year == D("2400.00")  # 1,200 x 6/12 + 2,400 x 9/12 = 600 + 1,800
    assert c.secured_share == D("0.048000")  # 2,400 / 50,000


def test_a_regions_gap_sums_its_centres_exact_gaps_and_rounds_once(session, net):
    # Three more South centres, each 2/3 x 100 = 66.666... short with no structural income.
    # Their exact gaps sum to 200.00 exactly; rounded one by one they would give 3 x 66.67.
    for code in ("E", "F", "G"):
        extra = factories.centre(session, code=code, name=f"Centre {code}", region=net.south)
        factories.cost(session, extra, "100.00", kind=CostKind.ACTUAL, year=2025)
    result = funding_share(session, net.national, 2025)
    centres = by_code(result.centres)
    assert [centres[code].gap for code in "EFG"] == [D("66.67")] * 3  # shown per centre
    south = by_code(result.regions)["SOUTH"]
    # C 33,333.333... + D 0 + 3 x 66.666... = 33,533.333... -> 33,533.33 (not 33,533.34)
    assert south.gap == D("33533.33")
    # North 12,000 + South 33,533.333... = 45,533.333... -> 45,533.33
    assert result.network.gap == D("45533.33")
