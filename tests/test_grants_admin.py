"""The grant admin screens: scoped like income, every write through the grant operations."""

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from fundtrack.grants.models import Grant, GrantGoal, GrantState
from tests import factories
from tests.grant_helpers import awarded, grant


@pytest.fixture
def own(session, network):
    return factories.centre(session, code="OWN")


@pytest.fixture
def theirs(session, network):
    return grant(session, factories.centre(session, code="OTH"), project_name="Their project")


def _form(row_or_values, **changes) -> dict:
    values = {
        "centre": "",
        "funder": "",
        "programme": "",
        "project_name": "",
        "project_leader": "",
        "summary": "",
        "start_date": "2025-01-01",
        "end_date": "2025-12-31",
        "amount_requested": "1000.00",
        "amount_awarded": "",
        "chance": "",
    }
    values.update(row_or_values)
    values.update(changes)
    return values


def test_treasurer_lists_only_their_own_grants(client, session, own, theirs, login_as):
    grant(session, own, project_name="Our project")
    login_as("treasurer", own)
    page = client.get("/admin/grants/").get_data(as_text=True)
    assert "Our project" in page and "Their project" not in page


def test_treasurer_cannot_open_edit_or_delete_another_centres_grant(
    client, session, own, theirs, login_as
):
    login_as("treasurer", own)
    assert client.get(f"/admin/grants/details/?id={theirs.id}").status_code == 404
    assert client.get(f"/admin/grants/edit/?id={theirs.id}").status_code == 404
    edited = client.post(
        f"/admin/grants/edit/?id={theirs.id}",
        data=_form({"project_name": "Stolen", "funder": str(theirs.funder_id)}),
    )
    assert edited.status_code == 404
    deleted = client.post("/admin/grants/delete/", data={"id": str(theirs.id)})
    assert deleted.status_code == 404
    session.expire_all()
    assert session.get(Grant, theirs.id).project_name == "Their project"


def test_treasurer_cannot_create_a_grant_for_another_centre(client, session, own, login_as):
    other = factories.centre(session, code="OT2")
    funder = factories.funder(session, type="foundation")
    login_as("treasurer", own)
    before = session.scalar(select(func.count(Grant.id)))
    client.post(
        "/admin/grants/new/",
        data=_form({"centre": str(other.id), "funder": str(funder.id), "project_name": "X"}),
    )
    # Nor for the network: the national office applies for it.
    client.post(
        "/admin/grants/new/",
        data=_form({"centre": "", "funder": str(funder.id), "project_name": "Y"}),
    )
    assert session.scalar(select(func.count(Grant.id))) == before


def test_treasurer_creates_a_grant_with_goals_through_the_operations(
    client, session, own, login_as
):
    funder = factories.funder(session, type="foundation")
    login_as("treasurer", own)
    response = client.post(
        "/admin/grants/new/",
        data=_form(
            {
                "centre": str(own.id),
                "funder": str(funder.id),
                "project_name": "Companion service",
                "amount_requested": "700000.00",
                "goals-0-kind": "quantitative",
                "goals-0-description": "users by the end of the year",
                "goals-0-unit": "users",
                "goals-0-target": "160",
                "goals-1-kind": "qualitative",
                "goals-1-description": "reach socially vulnerable patients",
                "budget_lines-0-category": "staff",
                "budget_lines-0-amount": "400000.00",
                "obligations-0-kind": "interim",
                "obligations-0-due_date": "2025-07-01",
            }
        ),
    )
    assert response.status_code == 302
    row = session.scalars(select(Grant).where(Grant.project_name == "Companion service")).one()
    assert (row.centre_id, row.state, row.currency) == (own.id, GrantState.DRAFT, own.currency)
    assert [(g.kind.value, g.target) for g in row.goals] == [
        ("quantitative", Decimal("160.00")),
        ("qualitative", None),
    ]
    assert [(b.category.value, b.amount) for b in row.budget_lines] == [
        ("staff", Decimal("400000.00"))
    ]
    assert [o.kind.value for o in row.obligations] == ["interim"]


def test_a_refused_inline_row_leaves_the_whole_form_unsaved(client, session, own, login_as):
    row = grant(session, own, project_name="Before")
    login_as("treasurer", own)
    client.post(
        f"/admin/grants/edit/?id={row.id}",
        data=_form(
            {
                "centre": str(own.id),
                "funder": str(row.funder_id),
                "project_name": "After",
                "amount_requested": "700000.00",
                # A counted goal without a target is refused by parts.add_goal.
                "goals-0-kind": "quantitative",
                "goals-0-description": "users",
            }
        ),
    )
    session.expire_all()
    assert session.get(Grant, row.id).project_name == "Before"
    assert session.scalar(select(func.count(GrantGoal.id))) == 0


def test_allocations_above_the_award_are_refused_in_the_admin(client, session, login_as):
    login_as("national")
    a, b = factories.centre(session, code="AAA"), factories.centre(session, code="BBB")
    row = awarded(session, None, amount="1000.00")
    data = _form(
        {
            "funder": str(row.funder_id),
            "project_name": row.project_name,
            "amount_requested": "700000.00",
            "amount_awarded": "1000.00",
            "allocations-0-centre": str(a.id),
            "allocations-0-amount": "600.00",
            "allocations-1-centre": str(b.id),
            "allocations-1-amount": "600.00",
        }
    )
    client.post(f"/admin/grants/edit/?id={row.id}", data=data)
    session.expire_all()
    assert session.get(Grant, row.id).allocations == []
    data["allocations-1-amount"] = "400.00"
    client.post(f"/admin/grants/edit/?id={row.id}", data=data)
    session.expire_all()
    allocated = {(x.centre.code, x.amount) for x in session.get(Grant, row.id).allocations}
    assert allocated == {("AAA", Decimal("600.00")), ("BBB", Decimal("400.00"))}


def test_auditor_reads_every_grant_but_changes_none(client, session, own, theirs, login_as):
    login_as("auditor")
    assert "Their project" in client.get("/admin/grants/").get_data(as_text=True)
    assert client.get(f"/admin/grants/details/?id={theirs.id}").status_code == 200
    client.post("/admin/grants/delete/", data={"id": str(theirs.id)})
    assert session.get(Grant, theirs.id) is not None


def test_only_a_draft_is_deleted(client, session, own, login_as):
    row = awarded(session, own)
    draft = grant(session, own, project_name="Draft")
    login_as("treasurer", own)
    client.post("/admin/grants/delete/", data={"id": str(row.id)})
    client.post("/admin/grants/delete/", data={"id": str(draft.id)})
    session.expire_all()
    assert session.get(Grant, row.id) is not None and session.get(Grant, draft.id) is None


def test_the_edit_form_shows_the_inline_rows_and_saving_it_unchanged_changes_nothing(
    client, session, own, login_as
):
    from fundtrack.grants import parts

    row = awarded(session, own)
    manager = factories.user(session, role="national")
    parts.add_goal(session, manager, row, {"kind": "qualitative", "description": "Reach"})
    login_as("treasurer", own)
    page = client.get(f"/admin/grants/edit/?id={row.id}").get_data(as_text=True)
    assert 'name="goals-0-description"' in page and "Reach" in page
    assert f"/grants/{row.id}" in client.get("/admin/grants/").get_data(as_text=True)


def test_the_grant_page_links_to_booking_with_the_grant_filled_in(
    client, session, own, theirs, login_as
):
    row = awarded(session, own, project_name="Our project")
    login_as("treasurer", own)
    page = client.get(f"/grants/{row.id}").get_data(as_text=True)
    assert f"/admin/income-lines/new/?grant={row.id}" in page
    assert f"/admin/cost-lines/new/?grant={row.id}" in page

    form = client.get(f"/admin/income-lines/new/?grant={row.id}").get_data(as_text=True)
    assert f'<option selected value="{row.id}">Our project (OWN)</option>' in form
    assert "Their project" not in form  # the picker lists only grants of her centre
    cost_form = client.get(f"/admin/cost-lines/new/?grant={theirs.id}").get_data(as_text=True)
    assert f'selected value="{theirs.id}"' not in cost_form and "Their project" not in cost_form


def test_income_and_costs_booked_in_the_admin_carry_their_grant(client, session, own, login_as):
    from fundtrack.costs.models import CostLine
    from fundtrack.grants.figures import grant_money
    from fundtrack.income.models import IncomeLine

    row = awarded(session, own)
    login_as("treasurer", own)
    client.post(
        "/admin/income-lines/new/",
        data={
            "centre": str(own.id),
            "booking_date": "2025-03-01",
            "amount": "350000.00",
            "category": "other_nonprofits",
            "funder": str(row.funder_id),
            "grant": str(row.id),
        },
    )
    client.post(
        "/admin/cost-lines/new/",
        data={
            "centre": str(own.id),
            "year": "2025",
            "kind": "actual",
            "category": "staff",
            "amount": "1000.00",
            "grant": str(row.id),
        },
    )
    assert session.scalars(select(IncomeLine.grant_id)).all() == [row.id]
    assert session.scalars(select(CostLine.grant_id)).all() == [row.id]
    money = grant_money(session, row)
    assert (money.received, money.spent) == (Decimal("350000.00"), Decimal("1000.00"))
