"""What a funder asks of a grant report, worked by hand (tests/grant_facts_example.py): spending
by month within the period, money not used and its return, in-kind hours apart from money,
goals measured over time per office, and an interim report that covers its period only."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from fundtrack.centres.models import VolunteerHourRate
from fundtrack.centres.network import update_network
from fundtrack.costs.models import CostKind, CostLine
from fundtrack.costs.operations import record_cost
from fundtrack.errors import Conflict, ValidationError
from fundtrack.grants import operations, parts
from fundtrack.grants.figures import Period, grant_money
from fundtrack.grants.timeline import spending_by_step
from fundtrack.reports.grant_report import grant_pdf, grant_report
from fundtrack.reports.render import in_language
from tests import factories, grant_facts_example, grant_helpers
from tests.reports_helpers import keep, pdf_text

D = Decimal


@pytest.fixture
def example(session):
    return grant_facts_example.build(session)


def _report(session, example, obligation, language="en"):
    with in_language(language):
        return grant_report(session, example.office, example.grant.id, obligation.id)


def test_the_final_report_shows_spending_by_month_equal_to_the_ledger(session, example):
    data = _report(session, example, example.final)
    spending = data["spending"]
    assert not spending["by_quarter"]
    assert [(s["label"], s["amount"]) for s in spending["steps"]] == [
        ("January 2025", D("250000.00")),
        ("March 2025", D("180000.00")),
        ("July 2025", D("120000.25")),
        ("No date recorded", D("49999.75")),
    ]
    ledger = session.scalar(
        select(func.sum(CostLine.amount)).where(
            CostLine.grant_id == example.grant.id, CostLine.kind == CostKind.ACTUAL
        )
    )
    assert spending["total"] == data["budget_totals"]["spent"] == D("600000.00")
    assert spending["total"] == Decimal(ledger).quantize(Decimal("0.01"))


def test_a_period_over_a_year_is_shown_by_quarter(session, example):
    steps = spending_by_step(
        session, example.grant, Period(date(2025, 1, 1), date(2026, 6, 30), True)
    )
    assert [(s.year, s.number, s.amount) for s in steps] == [
        (2025, 1, D("430000.00")),
        (2025, 3, D("120000.25")),
    ]


def test_money_not_used_and_its_return_are_in_the_final_report(session, example):
    data = _report(session, example, example.final)
    assert data["unspent"] == {
        "not_used": D("120000.00"),
        "decision": "to be returned to the funder",
        "amount": D("100000.00"),
    }


def test_in_kind_hours_are_valued_at_the_networks_rate_apart_from_money(session, example):
    data = _report(session, example, example.final)
    in_kind = data["in_kind"]
    assert [(r["place"], r["hours"], r["value"]) for r in in_kind["rows"]] == [
        ("BGO Bergen", D("150.50"), D("60200.00")),
        ("OSL Oslo", D("300.00"), D("120000.00")),
    ]
    assert (in_kind["hours"], in_kind["value"], in_kind["rate"]) == (
        D("450.50"),
        D("180200.00"),
        D("400.00"),
    )
    totals = data["income_totals"]
    assert (totals["received"], totals["co_funding"], totals["total"]) == (
        D("700000.00"),
        D("20000.00"),
        D("720000.00"),
    )


def test_in_kind_hours_keep_the_rate_in_force_on_the_day_they_were_given(session, example):
    session.add_all([VolunteerHourRate(valid_from=date(2025, 1, 1), rate=D("400.00")),
                     VolunteerHourRate(valid_from=date(2025, 7, 1), rate=D("450.00"))])  # fmt: skip
    # Raised today: hours given in 2025 keep their rates; the history gets today's row.
    update_network(session, example.office, {"volunteer_hour_rate": D("500.00")})
    assert session.scalars(
        select(VolunteerHourRate.rate).order_by(VolunteerHourRate.valid_from)
    ).all() == [D("400.00"), D("450.00"), D("500.00")]
    in_kind = _report(session, example, example.final)["in_kind"]
    assert [(r["place"], r["hours"], r["value"]) for r in in_kind["rows"]] == [
        ("BGO Bergen", D("150.50"), D("67725.00")),  # September: 450.00 an hour
        ("OSL Oslo", D("300.00"), D("120000.00")),  # March: 400.00 an hour
    ]
    assert (in_kind["value"], in_kind["rate"]) == (D("187725.00"), None)
    assert [r["rate"] for r in in_kind["rates"]] == [D("400.00"), D("450.00"), D("500.00")]
    # The interim report's hours (March) were all given at one rate.
    interim = _report(session, example, example.interim)["in_kind"]
    assert (interim["value"], interim["rate"]) == (D("120000.00"), D("400.00"))
    assert interim["rates"] == []
    pdf = grant_pdf(session, example.office, example.grant.id, example.final.id, "nb")
    assert "kr 67 725,00" in pdf_text(pdf) and "kr 450,00" in pdf_text(pdf)


def test_goals_show_where_and_when_118_of_160_users_were_reached(session, example):
    [goal] = _report(session, example, example.final)["goals_counted"]
    assert (goal["baseline"], goal["target"], goal["deadline"]) == (12, 160, date(2025, 12, 31))
    assert (goal["achieved"], goal["as_of"]) == (D("118.00"), date(2025, 9, 30))
    assert goal["points"][-1]["share"] == D("0.7375")  # 118 of 160
    assert [(p["day"], p["total"]) for p in goal["points"]] == [
        (date(2025, 4, 30), D("40.00")),
        (date(2025, 6, 30), D("70.00")),
        (date(2025, 9, 30), D("118.00")),
    ]
    assert [(p["place"], p["day"], p["value"]) for p in goal["places"]] == [
        ("BGO Bergen", date(2025, 9, 30), D("48.00")),
        ("OSL Oslo", date(2025, 9, 30), D("70.00")),
    ]


def test_an_interim_report_covers_its_period_only(session, example):
    data = _report(session, example, example.interim)
    assert data["period"] == {"start": date(2025, 1, 1), "end": date(2025, 6, 30), "only": True}
    assert [(s["label"], s["amount"]) for s in data["spending"]["steps"]] == [
        ("January 2025", D("250000.00")),
        ("March 2025", D("180000.00")),
    ]
    assert data["budget_totals"]["spent"] == data["spending"]["total"] == D("430000.00")
    period = Period(date(2025, 1, 1), date(2025, 6, 30), True)
    assert grant_money(session, example.grant, period).spent == D("430000.00")
    totals = data["income_totals"]
    assert (totals["received"], totals["co_funding"]) == (D("700000.00"), D("20000.00"))
    assert data["in_kind"]["hours"] == D("300.00")
    [goal] = data["goals_counted"]
    assert (goal["achieved"], goal["as_of"]) == (D("70.00"), date(2025, 6, 30))
    assert [(p["place"], p["value"]) for p in goal["places"]] == [
        ("BGO Bergen", D("30.00")),
        ("OSL Oslo", D("40.00")),
    ]
    assert data["unspent"] is None
    assert [(a.centre_code, a.received, a.spent) for a in data["allocations"]] == [
        ("BGO", D("300000.00"), D("180000.00")),
        ("OSL", D("400000.00"), D("250000.00")),
    ]


def test_an_interim_report_without_a_period_covers_the_time_since_the_last_one(session, example):
    # A funder reads an interim report as the time since the previous one, up to its due date.
    first = parts.add_obligation(session, example.office, example.grant,
                                 {"kind": "interim", "due_date": date(2025, 3, 31)})  # fmt: skip
    later = parts.add_obligation(session, example.office, example.grant,
                                 {"kind": "interim", "due_date": date(2025, 10, 31)})  # fmt: skip
    assert _report(session, example, first)["period"] == {
        "start": date(2025, 1, 1), "end": date(2025, 3, 31), "only": True}  # fmt: skip
    # The example's own interim report covers January to June, due 15 August.
    data = _report(session, example, later)
    assert data["period"] == {"start": date(2025, 7, 1), "end": date(2025, 10, 31), "only": True}
    assert [(s["label"], s["amount"]) for s in data["spending"]["steps"]] == [
        ("July 2025", D("120000.25")),
    ]
    assert data["budget_totals"]["spent"] == data["spending"]["total"] == D("120000.25")


def test_undated_spending_counts_once_in_the_period_that_holds_its_years_end(session, example):
    # January to June: the undated 49,999.75 of 2025 is shown apart, not counted.
    spending = _report(session, example, example.interim)["spending"]
    assert (spending["later"], spending["later_year"]) == (D("49999.75"), 2025)
    second = parts.add_obligation(session, example.office, example.grant,
                                  {"kind": "interim", "due_date": date(2026, 1, 31)})  # fmt: skip
    data = _report(session, example, second)
    assert data["period"] == {"start": date(2025, 7, 1), "end": date(2025, 12, 31), "only": True}
    assert [(s["label"], s["amount"]) for s in data["spending"]["steps"]] == [
        ("July 2025", D("120000.25")),
        ("No date recorded", D("49999.75")),
    ]
    assert data["spending"]["later"] == D("0.00")
    assert data["budget_totals"]["spent"] == data["spending"]["total"] == D("170000.00")
    # The two interim reports add up to the final report's spending, the ledger's.
    assert D("430000.00") + data["spending"]["total"] == D("600000.00")
    bergen = next(a for a in data["allocations"] if a.centre_code == "BGO")
    assert bergen.spent == D("49999.75")


def test_the_report_pdf_prints_every_figure_as_worked(session, example):
    pdf = grant_pdf(session, example.office, example.grant.id, example.final.id, "nb")
    keep(pdf, "grant-facts-nb.pdf")
    text = pdf_text(pdf)
    for expected in (
        "kr 250 000,00", "kr 180 000,00", "kr 120 000,25", "kr 49 999,75", "kr 600 000,00",
        "kr 120 000,00", "kr 100 000,00", "kr 60 200,00", "kr 180 200,00", "450,5",
        "118 brukere", "70 brukere", "48 brukere", "BGO Bergen", "OSL Oslo",
    ):  # fmt: skip
        assert expected in text, expected
    interim = grant_pdf(session, example.office, example.grant.id, example.interim.id, "nb")
    keep(interim, "grant-facts-interim-nb.pdf")
    text = pdf_text(interim)
    assert "kr 430 000,00" in text and "kr 120 000,25" not in text
    assert "kr 49 999,75" in text  # shown apart: a later report counts it


def test_a_cost_line_is_dated_within_its_fiscal_year(session, example):
    values = {"centre": "OSL", "year": 2025, "kind": "actual", "category": "staff",
              "amount": D("10.00"), "grant": example.grant.id}  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        record_cost(session, example.office, values | {"spent_on": date(2026, 1, 2)})
    assert (refused.value.field, refused.value.code) == ("spent_on", "outside_year")
    line = record_cost(session, example.office, values | {"spent_on": date(2025, 12, 31)})
    assert line.spent_on == date(2025, 12, 31)


def test_a_goal_is_measured_only_where_the_grant_is_shared(session, example):
    elsewhere = factories.centre(session, code="TRD", currency=example.currency)
    [goal] = example.grant.goals
    with pytest.raises(ValidationError) as refused:
        parts.add_measurement(session, example.office, goal,
                              {"centre": elsewhere.code, "measured_on": date(2025, 10, 1),
                               "value": D(5)})  # fmt: skip
    assert refused.value.code == "centre_not_in_grant"
    with pytest.raises(Conflict) as twice:
        again = {"centre": "OSL", "measured_on": date(2025, 9, 30), "value": D(71)}
        parts.add_measurement(session, example.office, goal, again)
    assert twice.value.code == "measured_already"


def test_the_decision_on_unused_money_needs_an_award_and_an_amount(session, example):
    with pytest.raises(ValidationError) as missing:
        operations.update_grant(
            session, example.office, example.grant, {"unspent_decision": "returned",
                                                     "unspent_amount": None}
        )  # fmt: skip
    assert missing.value.code == "amount_required"
    draft = grant_helpers.grant(session, example.oslo, user=example.office)
    with pytest.raises(ValidationError) as early:
        operations.update_grant(
            session, example.office, draft, {"unspent_decision": "kept",
                                             "unspent_amount": D("1.00")}
        )  # fmt: skip
    assert early.value.code == "no_award"


def test_an_interim_period_lies_within_the_project(session, example):
    with pytest.raises(ValidationError) as refused:
        parts.add_obligation(session, example.office, example.grant, {
            "kind": "interim", "due_date": date(2026, 1, 15),
            "period_start": date(2025, 7, 1), "period_end": date(2026, 1, 31)})  # fmt: skip
    assert (refused.value.field, refused.value.code) == ("period_end", "outside_project")
