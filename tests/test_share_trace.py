"""The trend, the trace back to lines, the classification rules and the statement count,
on the hand-worked network of tests/share_network.py."""

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from fundtrack.audit.models import AuditEvent
from fundtrack.auth.access import NotAllowed
from fundtrack.costs.models import CostKind
from fundtrack.income.models import FunderType, IncomeCategory, StructuralRule
from fundtrack.share.classification import explain_agreement
from fundtrack.share.queries import months_covered
from fundtrack.share.service import (
    funding_share,
    override_agreement,
    set_structural_rule,
    share_trend,
    trace,
)
from fundtrack.share.trace import trace_secured
from tests import factories, share_network


@pytest.fixture
def net(session):
    return share_network.build(session)


def test_the_network_trend_has_every_year_on_record(session, net):
    points = share_trend(session, net.national)
    assert [p.year for p in points] == [2024, 2025]
    y2024 = points[0].figures
    assert y2024.costs == D("108000.00")  # A 80,000 + B 28,000 (actuals)
    assert y2024.structural_income == D("52000.00")  # A1 40,000 + B1 12,000
    assert y2024.share == D("0.481481")  # 52,000 / 108,000 = 0.481481...
    # A: 2/3 x 80,000 - 40,000 = 13,333.33; B: 2/3 x 28,000 - 12,000 = 6,666.67 (rounded
    # per centre); C and D have no costs in 2024: 13,333.33 + 6,666.67 = 20,000.00.
    assert y2024.gap == D("20000.00")
    assert y2024.costs_basis == "mixed"  # A and B actual, C and D none
    # Secured for 2025: A1 48,000 + B1 24,000 (all of 2025) + D1 from 15 March: April to
    # December, 12,000 x 9 / 12 = 9,000.
    assert y2024.secured_next_year == D("81000.00")
    assert points[1].figures.share == D("0.476471")  # same as funding_share for 2025


def test_a_centre_trend_shows_only_that_centre(session, net):
    points = share_trend(session, net.national, centre_code="B")
    assert [(p.year, p.figures.code, p.figures.share) for p in points] == [
        (2024, "B", D("0.428571")),  # 12,000 / 28,000
        (2025, "B", D("0.800000")),  # 24,000 / 30,000 (budget)
    ]
    assert points[0].figures.costs_basis == "actual"
    assert points[1].figures.costs_basis == "budget"


def test_a_region_trend_rolls_up_its_centres(session, net):
    points = share_trend(session, net.national, region_code="SOUTH")
    assert [p.year for p in points] == [2025]  # C and D have nothing in 2024
    assert points[0].figures.share == D("0.180000")
    assert points[0].figures.code == "SOUTH"


def test_a_treasurer_trend_is_their_own_centre(session, net):
    treasurer = factories.user(session, role="treasurer", centre=net.c)
    points = share_trend(session, treasurer)
    assert [(p.year, p.figures.costs) for p in points] == [(2025, D("50000.00"))]
    with pytest.raises(LookupError):
        share_trend(session, treasurer, centre_code="A")


def test_trace_lists_the_structural_lines_with_the_rule_that_made_them(session, net):
    found = trace(session, net.national, 2025, "A", structural=True)
    assert (found.income_count, found.income_total) == (4, D("48000.00"))  # = structural income
    assert [line.amount for line in found.income_lines] == [D("12000.00")] * 4
    line = found.income_lines[0]
    assert (line.agreement_title, line.funder, line.structural) == ("A1", "Town council", True)
    assert line.explanation == (
        "structural: municipality income is structural by default and the agreement is recurring"
    )
    assert (found.costs_basis, found.costs_count, found.costs_total) == ("actual", 2, D("90000.00"))
    assert sorted(c.amount for c in found.cost_lines) == [D("30000.00"), D("60000.00")]


def test_trace_of_incidental_lines_says_why_each_is_incidental(session, net):
    found = trace(session, net.national, 2025, "A", structural=False)
    assert (found.income_count, found.income_total) == (3, D("25000.00"))
    reasons = {line.amount: line.explanation for line in found.income_lines}
    assert reasons[D("20000.00")] == "incidental: foundation income is not structural by default"
    assert reasons[D("3000.50")] == "incidental: no funding agreement"


def test_trace_filters_by_category_and_pages(session, net):
    found = trace(session, net.national, 2025, "A", category="individuals")
    assert (found.income_count, found.income_total) == (2, D("5000.00"))
    page = trace(session, net.national, 2025, "A", limit=2, offset=2)
    assert page.income_count == 7  # all of A's 2025 lines, whatever the page
    # By booking date: 1 Jan 12,000; 1 Mar 20,000 and 3,000.50; 1 Apr 12,000; ...
    assert [line.amount for line in page.income_lines] == [D("3000.50"), D("12000.00")]
    assert [line.booking_date for line in page.income_lines] == [date(2025, 3, 1), date(2025, 4, 1)]
    with pytest.raises(ValueError, match="category"):
        trace(session, net.national, 2025, "A", category="gifts")
    with pytest.raises(ValueError, match="limit"):
        trace(session, net.national, 2025, "A", limit=10_000)


def test_trace_shows_the_budget_lines_while_no_actuals_exist(session, net):
    found = trace(session, net.national, 2025, "B")
    assert (found.costs_basis, found.costs_total) == ("budget", D("30000.00"))
    assert {c.kind for c in found.cost_lines} == {"budget"}


def test_a_treasurer_cannot_trace_another_centre(session, net):
    treasurer = factories.user(session, role="treasurer", centre=net.a)
    assert trace(session, treasurer, 2025, "A").income_count == 7
    with pytest.raises(LookupError):
        trace(session, treasurer, 2025, "B")


def test_each_agreement_explains_its_classification(session, net):
    assert explain_agreement(session, net.b1) == (
        "structural: health insurer income is structural by default and the agreement runs "
        "more than one year (2024-07-01 to 2026-06-30)"
    )
    assert explain_agreement(session, net.c1) == (
        "incidental: province income is structural by default, but the agreement is one-off "
        "and runs one year or less (2025-03-01 to 2025-12-31)"
    )
    assert explain_agreement(session, net.c2) == (
        "incidental: affiliated nonprofit income is not structural by default"
    )
    override_agreement(session, net.national, net.c2.id, True, "agreed every year")
    assert explain_agreement(session, net.c2) == (
        "structural: override by the national office: agreed every year"
    )


def test_an_override_needs_a_reason_and_can_be_lifted(session, net):
    with pytest.raises(ValueError, match="reason: required when overriding the rule"):
        override_agreement(session, net.national, net.c2.id, True, "  ")
    override_agreement(session, net.national, net.c2.id, True, "agreed every year")
    override_agreement(session, net.national, net.c2.id, None, "")
    assert (net.c2.structural_override, net.c2.override_reason) == (None, None)
    with pytest.raises(LookupError):
        override_agreement(session, net.national, 999_999, True, "x")


@pytest.mark.parametrize("role", ["treasurer", "auditor"])
def test_only_the_national_office_changes_the_rules(session, net, role):
    user = factories.user(session, role=role, centre=net.a if role == "treasurer" else None)
    with pytest.raises(NotAllowed):
        set_structural_rule(session, user, "foundation", True, "")
    with pytest.raises(NotAllowed):
        override_agreement(session, user, net.a2.id, True, "because")


def test_a_rule_change_names_a_bad_field_and_is_audited(session, net):
    with pytest.raises(ValueError, match="funder_type"):
        set_structural_rule(session, net.national, "church", True, "")
    with pytest.raises(ValueError, match="structural_by_default"):
        set_structural_rule(session, net.national, "foundation", "yes", "")
    set_structural_rule(session, net.national, "foundation", True, "multi-year fund grants")
    rule = session.get(StructuralRule, FunderType.FOUNDATION)
    assert (rule.structural_by_default, rule.note) == (True, "multi-year fund grants")
    event = session.scalars(select(AuditEvent).where(AuditEvent.entity == "structural_rules")).one()
    assert event.after == {"structural_by_default": True, "note": "multi-year fund grants"}
    # A2 (foundation, two years) now counts: A's structural income 48,000 + 20,000.
    a = next(c for c in funding_share(session, net.national, 2025).centres if c.code == "A")
    assert a.structural_income == D("68000.00")


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2020, 1, 1), None, 12),  # open-ended
        (date(2025, 7, 1), date(2026, 6, 30), 6),  # ends on a month's last day
        (date(2025, 7, 1), date(2026, 7, 15), 6),  # half of July is not a whole month
        (date(2026, 3, 15), None, 9),  # starts mid-March: April to December
        (date(2026, 3, 1), date(2026, 3, 31), 1),
        (date(2026, 3, 2), date(2026, 3, 31), 0),
        (date(2024, 1, 1), date(2025, 12, 31), 0),  # ended before the year
        (date(2027, 1, 1), None, 0),  # starts after it
    ],
)
def test_months_covered_counts_whole_months_of_the_year(start, end, months):
    assert months_covered(start, end, date(2026, 1, 1), date(2027, 1, 1)) == months


def test_months_covered_follows_a_fiscal_year_starting_in_july():
    # Fiscal 2026 = 2026-07-01 .. 2027-06-30; an agreement to 2026-12-31 covers 6 months.
    assert months_covered(date(2025, 1, 1), date(2026, 12, 31), date(2026, 7, 1),
                          date(2027, 7, 1)) == 6  # fmt: skip


def _grow(session, net, centres: int, lines: int):
    funder = factories.funder(session, type=FunderType.CARE_PARTNER)
    for _ in range(centres):
        centre = factories.centre(session, region=net.south)
        agreement = factories.agreement(session, centre, funder)
        for i in range(lines):
            factories.income(session, centre, "10.00", category=IncomeCategory.INSURERS_AND_CARE,
                             agreement=agreement, booking_date=date(2025, 1, 1 + i))  # fmt: skip
        factories.cost(session, centre, "500.00", kind=CostKind.BUDGET)


def test_the_number_of_statements_does_not_grow_with_centres_or_lines(session, net, count_queries):
    def fresh():
        # As on a new request: nothing cached but the signed-in user.
        session.expire_all()
        session.refresh(net.national)

    fresh()
    calls = {
        "share": lambda: funding_share(session, net.national, 2025),
        "trend": lambda: share_trend(session, net.national),
        "trace": lambda: trace(session, net.national, 2025, "A"),
    }
    before = {}
    for name, call in calls.items():
        with count_queries() as statements:
            call()
        before[name] = len(statements)
        fresh()
    _grow(session, net, centres=6, lines=5)
    for name, call in calls.items():
        fresh()
        with count_queries() as statements:
            result = call()
        assert len(statements) == before[name], name
    # network, centres, income, costs, agreements; trace: centre, 2 x income, 2 x costs
    assert (before["share"], before["trend"], before["trace"]) == (5, 5, 5)
    assert len(result.income_lines) == 7
    share = funding_share(session, net.national, 2025)
    assert len(share.centres) == 10
    assert share.network.structural_income == D("81300.00")  # 81,000 + 6 x 5 x 10


def test_secured_next_year_traces_to_its_agreements_and_the_months_they_cover(session, net):
    # B1 runs to 30 June 2026: January to June of 2026, 24,000 x 6 / 12 = 12,000.
    secured = trace_secured(session, net.national, 2025, "B")
    assert [(a.agreement_id, a.title, a.months, a.amount) for a in secured.agreements] == [
        (net.b1.id, "B1", 6, D("12000.00"))
    ]
    assert secured.agreements[0].explanation.startswith("structural: health insurer income")
    assert (
        secured.total
        == funding_share(session, net.national, 2025, centre_code="B").centres[0].secured_next_year
    )
    # A: open-ended A1 counts all 12 months; A2 (a foundation) is incidental, so not secured.
    a = trace_secured(session, net.national, 2025, "A")
    assert [(x.title, x.months, x.amount) for x in a.agreements] == [("A1", 12, D("48000.00"))]
    assert a.total == D("48000.00")
    # D1 starts 15 March 2025: for 2025 (secured 2026) it runs all year; for 2024 (secured
    # 2025) April to December, 12,000 x 9 / 12 = 9,000.
    d = trace_secured(session, net.national, 2024, "D")
    assert [(x.title, x.months, x.amount) for x in d.agreements] == [("D1", 9, D("9000.00"))]
    assert (d.year, d.total) == (2025, D("9000.00"))


def test_a_treasurer_cannot_trace_another_centres_secured_agreements(session, net):
    treasurer = factories.user(session, role="treasurer", centre=net.a)
    assert trace_secured(session, treasurer, 2025, "A").total == D("48000.00")
    with pytest.raises(LookupError):
        trace_secured(session, treasurer, 2025, "B")
