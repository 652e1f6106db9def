"""Entering what a grant report needs, on the screens: the grant form's unused-money decision,
goal baseline and deadline, report period and volunteer hours; the grant page's goal
measurements; the cost form's day spent; the network's value of a volunteer hour. Every
write goes through the operations."""

from datetime import date
from decimal import Decimal

import pytest
from flask_babel import gettext
from markupsafe import escape
from sqlalchemy import select

from fundtrack.costs.models import CostLine
from fundtrack.grants import parts
from fundtrack.grants.models import GoalMeasurement, UnspentDecision
from fundtrack.reports.render import in_language
from tests import factories
from tests.grant_helpers import awarded


@pytest.fixture
def own(session, network):
    return factories.centre(session, code="OWN")


def _grant_form(row, **fields) -> dict:
    values = {
        "centre": str(row.centre_id),
        "funder": str(row.funder_id),
        "programme": "",
        "project_name": row.project_name,
        "project_leader": "",
        "summary": "",
        "start_date": row.start_date.isoformat(),
        "end_date": row.end_date.isoformat(),
        # Typed as a Dutch treasurer types them (the requests below are in Dutch).
        "amount_requested": str(row.amount_requested).replace(".", ","),
        "amount_awarded": str(row.amount_awarded).replace(".", ","),
        "chance": "",
    }
    for index, obligation in enumerate(row.obligations):
        values |= {
            f"obligations-{index}-id": str(obligation.id),
            f"obligations-{index}-kind": obligation.kind.value,
            f"obligations-{index}-due_date": obligation.due_date.isoformat(),
        }
    return values | fields


def test_the_grant_form_saves_unused_money_hours_periods_and_goal_baselines(
    client, session, own, login_as
):
    row = awarded(session, own)
    login_as("treasurer", own)
    response = client.post(
        f"/admin/grants/edit/?id={row.id}",
        data=_grant_form(
            row,
            unspent_decision="kept",
            unspent_amount="1.234,50",
            **{
                "goals-0-kind": "quantitative",
                "goals-0-description": "users",
                "goals-0-unit": "users",
                "goals-0-baseline": "12",
                "goals-0-target": "160",
                "goals-0-deadline": "31-12-2025",
                "obligations-1-kind": "interim",
                "obligations-1-due_date": "15-08-2025",
                "obligations-1-period_start": "01-01-2025",
                "obligations-1-period_end": "30-06-2025",
                "in_kind-0-centre": str(own.id),
                "in_kind-0-given_on": "01-03-2025",
                "in_kind-0-hours": "12,5",
                "in_kind-0-description": "Companions",
            },
        ),
        headers={"Accept-Language": "nl"},
    )
    assert response.status_code == 302
    session.expire_all()
    assert (row.unspent_decision, row.unspent_amount) == (UnspentDecision.KEPT, Decimal("1234.50"))
    [goal] = row.goals
    assert (goal.baseline, goal.deadline) == (Decimal("12.00"), date(2025, 12, 31))
    interim = next(o for o in row.obligations if o.kind.value == "interim")
    assert (interim.period_start, interim.period_end) == (date(2025, 1, 1), date(2025, 6, 30))
    [hours] = row.in_kind
    assert (hours.centre_id, hours.given_on, hours.hours) == (
        own.id,
        date(2025, 3, 1),
        Decimal("12.50"),
    )


def test_a_decision_without_an_amount_is_refused_and_nothing_is_saved(
    client, session, own, login_as
):
    row = awarded(session, own)
    login_as("treasurer", own)
    page = client.post(
        f"/admin/grants/edit/?id={row.id}",
        data=_grant_form(row, unspent_decision="returned", unspent_amount=""),
        headers={"Accept-Language": "nl"},
        follow_redirects=True,
    ).get_data(as_text=True)
    with in_language("nl"):
        said = gettext("say how much money was not used")
    assert escape(said) in page
    session.expire_all()
    assert row.unspent_decision is None


def test_the_grant_page_records_and_removes_a_measurement(client, session, own, login_as):
    row = awarded(session, own)
    manager = factories.user(session, role="national")
    counted = {"kind": "quantitative", "description": "Users", "unit": "users",
               "target": Decimal(160)}  # fmt: skip
    goal = parts.add_goal(session, manager, row, counted)
    login_as("treasurer", own)
    page = client.get(f"/grants/{row.id}").get_data(as_text=True)
    assert 'id="add-measurement"' in page
    client.post(
        f"/grants/{row.id}/measurements",
        data={"goal": str(goal.id), "place": "OWN", "measured_on": "30-09-2025", "value": "118"},
        headers={"Accept-Language": "nl"},
    )
    [measured] = session.scalars(select(GoalMeasurement)).all()
    assert (measured.centre_id, measured.measured_on, measured.value) == (
        own.id, date(2025, 9, 30), Decimal("118.00"))  # fmt: skip
    assert "118" in client.get(f"/grants/{row.id}").get_data(as_text=True)
    client.post(f"/grants/{row.id}/measurements/{measured.id}/delete")
    assert session.scalars(select(GoalMeasurement)).all() == []


def test_another_centre_cannot_measure_a_grant_it_cannot_see(client, session, own, login_as):
    theirs = awarded(session, factories.centre(session, code="OTH"))
    manager = factories.user(session, role="national")
    goal = parts.add_goal(session, manager, theirs, {"kind": "quantitative", "description": "U",
                                                     "target": Decimal(1)})  # fmt: skip
    login_as("treasurer", own)
    answer = client.post(
        f"/grants/{theirs.id}/measurements",
        data={"goal": str(goal.id), "place": "", "measured_on": "2025-09-30", "value": "1"},
    )
    assert answer.status_code == 404
    assert session.scalars(select(GoalMeasurement)).all() == []


def test_the_cost_form_takes_the_day_spent(client, session, own, login_as):
    row = awarded(session, own)
    login_as("treasurer", own)
    client.post(
        "/admin/cost-lines/new/",
        data={
            "centre": str(own.id),
            "year": "2025",
            "kind": "actual",
            "category": "staff",
            "amount": "100,00",
            "spent_on": "15-04-2025",
            "grant": str(row.id),
            "description": "",
        },  # fmt: skip
        headers={"Accept-Language": "nl"},
    )
    line = session.scalars(select(CostLine).where(CostLine.grant_id == row.id)).one()
    assert line.spent_on == date(2025, 4, 15)


def test_the_national_office_sets_the_value_of_a_volunteer_hour(client, session, network, login_as):
    login_as("national")
    form = client.get("/admin/network/edit/?id=1").get_data(as_text=True)
    assert 'name="volunteer_hour_rate"' in form
    client.post(
        "/admin/network/edit/?id=1",
        data={
            "name": network.name,
            "currency": network.currency,
            "locale": network.locale,
            "target_numerator": "2",
            "target_denominator": "3",
            "fiscal_year_start_month": "1",
            "organisation_number": "",
            "volunteer_hour_rate": "25.50",  # this user reads English
        },  # fmt: skip
    )
    session.expire_all()
    assert network.volunteer_hour_rate == Decimal("25.50")
