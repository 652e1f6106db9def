"""A centre-year stands on its budget until its actual costs are declared complete."""

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from fundtrack.audit.models import AuditEvent
from fundtrack.auth.access import NotAllowed
from fundtrack.centres.closing import close_year
from fundtrack.costs.basis import (
    declare_actuals_complete,
    still_on_budget,
    withdraw_actuals_declaration,
    year_costs,
)
from fundtrack.costs.models import CostKind
from fundtrack.errors import Conflict, ValidationError
from fundtrack.income.models import FunderType, IncomeCategory
from fundtrack.share.service import funding_share, share_trend
from tests import factories
from tests.cost_basis_case import running_year_with_one_actual_line


@pytest.fixture
def books(session):
    """The case the issue was found with (tests/cost_basis_case.py), with its treasurer and
    the national office."""
    centre, running = running_year_with_one_actual_line(session)
    treasurer = factories.user(session, "treasurer", centre=centre)
    national = factories.user(session, "national")
    return centre, treasurer, national, running


def _figures(session, user, year):
    return funding_share(session, user, year, centre_code="HLM").centres[0]


def test_one_actual_line_in_the_running_year_leaves_the_budget_basis(session, books):
    _centre, treasurer, _national, running = books
    figures = _figures(session, treasurer, running)
    assert (figures.costs, figures.costs_basis) == (D("106100.00"), "budget")
    assert (figures.budget_costs, figures.actual_costs) == (D("106100.00"), D("2000.00"))
    assert figures.share == D("0.492460")  # 52,250 / 106,100, not 2,612.5 %
    assert figures.warnings == ()


def test_declaring_the_actuals_complete_switches_the_basis_and_warns_of_incomplete_costs(
    session, books
):
    _centre, treasurer, _national, running = books
    costs = declare_actuals_complete(session, treasurer, "HLM", running)
    assert (costs.declared, costs.basis, costs.budget, costs.actual) == (
        True,
        "actual",
        D("106100.00"),
        D("2000.00"),
    )
    figures = _figures(session, treasurer, running)
    assert (figures.costs, figures.costs_basis) == (D("2000.00"), "actual")
    assert figures.share == D("26.125000")
    [warning] = figures.warnings
    assert (warning.code, warning.cause) == ("share_above_costs", "costs_incomplete")


def test_withdrawing_the_declaration_returns_to_the_budget(session, books):
    _centre, treasurer, _national, running = books
    declare_actuals_complete(session, treasurer, "HLM", running)
    costs = withdraw_actuals_declaration(session, treasurer, "HLM", running)
    assert (costs.declared, costs.basis) == (False, "budget")
    assert _figures(session, treasurer, running).costs_basis == "budget"


def test_declaring_and_withdrawing_are_audited_with_the_centre(session, books):
    centre, treasurer, _national, running = books
    declare_actuals_complete(session, treasurer, "HLM", running)
    withdraw_actuals_declaration(session, treasurer, "HLM", running)
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "actuals_declarations")
        .order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["create", "delete"]
    assert {e.centre_id for e in events} == {centre.id}
    assert events[0].after["year"] == running


def test_declaring_twice_or_withdrawing_nothing_is_refused_naming_the_year(session, books):
    _centre, treasurer, _national, running = books
    with pytest.raises(ValidationError) as nothing:
        withdraw_actuals_declaration(session, treasurer, "HLM", running)
    assert nothing.value.field == "year"
    declare_actuals_complete(session, treasurer, "HLM", running)
    with pytest.raises(Conflict) as twice:
        declare_actuals_complete(session, treasurer, "HLM", running)
    assert twice.value.field == "year"


def test_a_year_without_actual_lines_cannot_be_declared(session, books):
    _centre, treasurer, _national, running = books
    factories.cost(session, books[0], "90000.00", kind=CostKind.BUDGET, year=running + 1)
    with pytest.raises(ValidationError, match="no actual cost lines") as refused:
        declare_actuals_complete(session, treasurer, "HLM", running + 1)
    assert refused.value.field == "year"


def test_only_the_centres_own_treasurer_or_the_national_office_may_declare(session, books):
    _centre, _treasurer, national, running = books
    other = factories.centre(session, code="ASN")
    stranger = factories.user(session, "treasurer", centre=other)
    auditor = factories.user(session, "auditor")
    with pytest.raises(ValidationError) as unseen:
        declare_actuals_complete(session, stranger, "HLM", running)
    assert unseen.value.field == "centre"
    with pytest.raises(NotAllowed):
        declare_actuals_complete(session, auditor, "HLM", running)
    assert declare_actuals_complete(session, national, "HLM", running).declared


def test_closing_a_year_puts_it_on_its_actuals_and_freezes_the_declaration(session, books):
    centre, _treasurer, national, running = books
    ended = running - 1
    factories.cost(session, centre, "100000.00", kind=CostKind.BUDGET, year=ended)
    factories.cost(session, centre, "98000.00", kind=CostKind.ACTUAL, year=ended, declared=False)
    assert _figures(session, national, ended).costs_basis == "budget"
    close_year(session, national, ended)
    assert year_costs(session, national, "HLM", ended).declared
    figures = _figures(session, national, ended)
    assert (figures.costs, figures.costs_basis) == (D("98000.00"), "actual")
    with pytest.raises(ValidationError, match="closed") as refused:
        withdraw_actuals_declaration(session, national, "HLM", ended)
    assert refused.value.field == "year"


def test_the_national_office_lists_ended_years_still_on_their_budget(session, books):
    centre, treasurer, national, running = books
    ended = running - 1
    factories.cost(session, centre, "100000.00", kind=CostKind.BUDGET, year=ended)
    factories.cost(session, centre, "41000.00", kind=CostKind.ACTUAL, year=ended, declared=False)
    other = factories.centre(session, code="ASN")
    factories.cost(session, other, "80000.00", kind=CostKind.BUDGET, year=ended - 1)
    factories.cost(session, other, "81000.00", kind=CostKind.ACTUAL, year=ended)  # declared

    count, rows = still_on_budget(session, national)
    assert count == 2
    assert [(r.centre_code, r.year, r.budget, r.actual) for r in rows] == [
        ("HLM", ended, D("100000.00"), D("41000.00")),
        ("ASN", ended - 1, D("80000.00"), D("0.00")),
    ]  # the running year is not listed: it has not ended
    assert [r.centre_code for r in still_on_budget(session, treasurer)[1]] == ["HLM"]


def test_a_jump_of_more_than_25_points_names_a_line_in_the_wrong_year(session, books):
    centre, _treasurer, national, running = books
    town = factories.funder(session, type=FunderType.MUNICIPALITY, name="Other town")
    subsidy = factories.agreement(session, centre, town, start_date=date(running - 5, 1, 1))
    for year, paid in ((running - 3, "40000.00"), (running - 2, "70000.00")):
        factories.cost(session, centre, "100000.00", kind=CostKind.ACTUAL, year=year)
        factories.income(
            session,
            centre,
            paid,
            agreement=subsidy,
            funder=town,
            category=IncomeCategory.GOVERNMENT,
            booking_date=date(year, 3, 1),
        )
    figures = _figures(session, national, running - 2)
    assert figures.share == D("0.700000")
    [warning] = figures.warnings
    assert (warning.code, warning.cause, warning.previous_share) == (
        "share_jump",
        "line_in_wrong_year",
        D("0.400000"),
    )
    trend = {p.year: p.figures for p in share_trend(session, national, centre_code="HLM")}
    assert trend[running - 2].warnings == figures.warnings
    assert trend[running - 3].warnings == ()


def test_a_jump_from_costs_that_fell_names_incomplete_costs(session, books):
    centre, _treasurer, national, running = books
    factories.cost(session, centre, "150000.00", kind=CostKind.ACTUAL, year=running - 2)
    factories.cost(session, centre, "60000.00", kind=CostKind.ACTUAL, year=running - 1)
    for year in (running - 2, running - 1):
        factories.income(
            session,
            centre,
            "45000.00",
            agreement=_subsidy(session),
            category=IncomeCategory.GOVERNMENT,
            booking_date=date(year, 3, 1),
        )
    [warning] = _figures(session, national, running - 1).warnings
    assert (warning.code, warning.cause) == ("share_jump", "costs_incomplete")


def _subsidy(session):
    from fundtrack.income.models import FundingAgreement

    return session.scalars(select(FundingAgreement)).first()


def test_the_running_year_falling_short_of_last_year_is_no_jump(session, books):
    centre, treasurer, _national, running = books
    factories.cost(session, centre, "100000.00", kind=CostKind.ACTUAL, year=running - 1)
    factories.income(
        session,
        centre,
        "90000.00",
        agreement=_subsidy(session),
        category=IncomeCategory.GOVERNMENT,
        booking_date=date(running - 1, 3, 1),
    )
    # 90 % last year, 49 % booked so far this year: the year is not over.
    assert _figures(session, treasurer, running).warnings == ()


def test_a_centre_with_a_declared_year_is_not_deleted_but_told_why(session, books):
    from fundtrack.centres.operations import delete_centre

    _centre, _treasurer, national, running = books
    empty = factories.centre(session, code="NEW")
    line = factories.cost(session, empty, "10.00", kind=CostKind.ACTUAL, year=running)
    declare_actuals_complete(session, national, "NEW", running)
    session.delete(line)
    session.flush()
    with pytest.raises(Conflict, match="years with actual costs declared complete"):
        delete_centre(session, national, empty)
