"""/api/v1/grants: roles, scoping (404 for another centre's grant), moves, goals, budget, lines."""

from decimal import Decimal

import pytest

from fundtrack.grants.models import Grant, GrantState
from tests import factories
from tests.api_helpers import ApiCaller, count
from tests.grant_helpers import grant


@pytest.fixture
def api(client, session, network):
    return ApiCaller(client, session)


@pytest.fixture
def two(session, network):
    return factories.centre(session, code="OWN"), factories.centre(session, code="OTHER")


def body(funder, **overrides) -> dict:
    return {
        "funder": funder.id,
        "centre": "OWN",
        "project_name": "Companion service",
        "start": "2025-01-01",
        "end": "2025-12-31",
        "amount_requested": "700000.00",
        "chance": 50,
    } | overrides


def test_treasurer_applies_moves_and_books_a_tranche(api, session, two):
    funder = factories.funder(session, type="foundation")
    caller = api.as_("treasurer", two[0])
    response = caller.post("/grants", json=body(funder))
    assert response.status_code == 201, response.get_json()
    grant_id = response.get_json()["id"]
    assert response.get_json()["state"] == "draft"
    assert (
        caller.post(f"/grants/{grant_id}/transitions", json={"state": "submitted"}).status_code
        == 201
    )
    moved = caller.post(
        f"/grants/{grant_id}/transitions", json={"state": "awarded", "amount_awarded": "500000.00"}
    )
    assert moved.status_code == 201 and moved.get_json()["to_state"] == "partly_awarded"
    refused = caller.post(f"/grants/{grant_id}/transitions", json={"state": "submitted"})
    assert refused.status_code == 409
    assert refused.get_json()["reason"] == "move_not_allowed"
    said = refused.get_json()["message"]
    assert "“Partly awarded” cannot become “Submitted”; it may become “Reporting”" in said
    line = caller.post("/income", json={
        "centre": "OWN", "date": "2025-03-01", "amount": "250000.00",
        "category": "other_nonprofits",
        "funder": funder.id, "grant": grant_id,
    })  # fmt: skip
    assert line.status_code == 201 and line.get_json()["grant"] == grant_id
    cost = caller.post("/costs", json={
        "centre": "OWN", "year": 2025, "kind": "actual", "category": "staff", "amount": "1000.00",
        "grant": grant_id,
    })  # fmt: skip
    assert cost.status_code == 201 and cost.get_json()["grant"] == grant_id
    shown = caller.get(f"/grants/{grant_id}").get_json()
    assert (shown["received"], shown["spent"], shown["remaining"]) == (
        "250000.00", "1000.00", "249000.00",
    )  # fmt: skip
    assert (
        caller.post(
            f"/grants/{grant_id}/budget", json={"category": "staff", "amount": "9.00"}
        ).status_code
        == 201
    )
    [budget] = caller.get(f"/grants/{grant_id}/budget").get_json()
    assert budget["spent"] == "1000.00"
    goal = {"kind": "quantitative", "description": "users", "unit": "users", "target": "160"}
    assert caller.post(f"/grants/{grant_id}/goals", json=goal).status_code == 201
    obligations = caller.get(f"/grants/{grant_id}/obligations").get_json()
    assert [o["kind"] for o in obligations] == ["final"]


def test_treasurer_gets_404_for_another_centres_grant(api, session, two):
    theirs = grant(session, two[1])
    caller = api.as_("treasurer", two[0])
    for path in ("", "/goals", "/budget", "/obligations", "/transitions"):
        assert caller.get(f"/grants/{theirs.id}{path}").status_code == 404
    assert caller.patch(f"/grants/{theirs.id}", json={"summary": "x"}).status_code == 404
    assert (
        caller.post(f"/grants/{theirs.id}/transitions", json={"state": "submitted"}).status_code
        == 404
    )
    assert caller.delete(f"/grants/{theirs.id}").status_code == 404
    assert caller.get("/grants").get_json()["total"] == 0
    line = caller.post("/income", json={
        "centre": "OWN", "date": "2025-03-01", "amount": "1.00", "category": "other",
        "grant": theirs.id,
    })  # fmt: skip
    assert line.status_code == 422 and "grant" in line.get_json()["errors"]
    assert session.get(Grant, theirs.id).state == GrantState.DRAFT


def test_list_filters_and_the_auditor_reads_only(api, session, two):
    funder = factories.funder(session)
    grant(session, two[0], funder=funder)
    grant(session, two[1])
    auditor = api.as_("auditor")
    assert auditor.get("/grants").get_json()["total"] == 2
    assert auditor.get("/grants?centre=OWN").get_json()["total"] == 1
    assert auditor.get(f"/grants?funder={funder.id}").get_json()["total"] == 1
    assert auditor.get("/grants?state=draft&year=2025").get_json()["total"] == 2
    assert auditor.get("/grants?year=2024").get_json()["total"] == 0
    assert auditor.post("/grants", json=body(funder)).status_code == 403
    assert count(session, Grant) == 2


def test_only_a_draft_is_deleted(api, session, two):
    caller = api.as_("national")
    draft = grant(session, two[0])
    assert caller.delete(f"/grants/{draft.id}").status_code == 204
    sent = grant(session, two[0])
    caller.post(f"/grants/{sent.id}/transitions", json={"state": "submitted"})
    assert caller.delete(f"/grants/{sent.id}").status_code == 409
    assert session.get(Grant, sent.id).amount_requested == Decimal("700000.00")
