"""Grant screens: scoped like income, moves through the operation, statement counts flat."""

from datetime import date
from decimal import Decimal

import pytest

from fundtrack.grants import parts
from fundtrack.grants.models import GrantState
from tests import factories
from tests.grant_helpers import awarded, grant


@pytest.fixture
def own(session, network):
    return factories.centre(session, code="OWN")


def test_treasurer_cannot_open_another_centres_grant(client, session, own, login_as):
    theirs = grant(session, factories.centre(session), project_name="Their project")
    mine = grant(session, own, project_name="Our project")
    login_as("treasurer", own)
    assert client.get(f"/grants/{theirs.id}").status_code == 404
    assert client.post(f"/grants/{theirs.id}/move", data={"state": "submitted"}).status_code == 404
    listed = client.get("/grants").get_data(as_text=True)
    assert "Our project" in listed and "Their project" not in listed
    assert client.get(f"/grants/{mine.id}").status_code == 200


def test_the_buttons_offer_only_allowed_moves_and_move_through_the_operation(
    client, session, own, login_as
):
    row = grant(session, own)
    login_as("treasurer", own)
    page = client.get(f"/grants/{row.id}").get_data(as_text=True)
    assert 'value="submitted"' in page and 'value="awarded"' not in page
    client.post(f"/grants/{row.id}/move", data={"state": "submitted"})
    assert row.state == GrantState.SUBMITTED
    response = client.post(f"/grants/{row.id}/move", data={"state": "closed"})
    assert response.status_code == 302 and row.state == GrantState.SUBMITTED


def test_the_list_and_a_grants_page_do_not_grow_with_grants_or_lines(
    client, session, own, login_as, count_queries
):
    login_as("national")
    row = awarded(session, own)
    parts.add_obligation(session, factories.user(session, role="national"), row,
                         {"kind": "interim", "due_date": date.today()})  # fmt: skip

    def add_data():
        extra = awarded(session, own)
        factories.income(session, own, "10.00", funder=extra.funder, grant=extra)
        factories.income(session, own, "10.00", funder=row.funder, grant=row)
        factories.cost(session, own, "5.00", grant=row)

    def counted(path):
        session.commit()
        with count_queries() as statements:
            assert client.get(path).status_code == 200
        # Who is signed in is loaded once per session, whenever the identity map lost them:
        # not the page's statements.
        return len([s for s in statements if "FROM users" not in s])

    add_data()
    counted("/grants"), counted(f"/grants/{row.id}")  # warm up: the user is loaded once
    before = counted("/grants"), counted(f"/grants/{row.id}")
    for _ in range(3):
        add_data()
    after = counted("/grants"), counted(f"/grants/{row.id}")
    assert after == before
    page = client.get(f"/grants/{row.id}").get_data(as_text=True)
    assert "Received" in page and row.amount_awarded == Decimal("700000.00")
