"""/api/v1/donors/ID/merge, /donors/merges/ID/undo and /donors/duplicates: the domain's merge
and undo through the API, scoped per centre as the rest of the donors' API."""

from datetime import date

import pytest
from sqlalchemy import func, select

from fundtrack.auth.tokens import issue_token
from fundtrack.centres.models import FiscalYearLock
from fundtrack.income.models import IncomeLine
from tests import factories
from tests.api_helpers import ApiCaller


@pytest.fixture
def centre(session, network):
    return factories.centre(session, code="HLM")


@pytest.fixture
def caller(client, session, centre):
    return ApiCaller(client, session).as_("treasurer", centre)


def test_a_duplicate_is_found_merged_and_the_merge_undone(caller, session, centre):
    survivor = factories.donor(session, centre, name="Joke Jansen", email="joke@example.org")
    merged = factories.donor(session, centre, name="joke jansen", phone="023 1234567",
                             email="JOKE@example.org")  # fmt: skip
    lines = [factories.income(session, centre, donor=merged, booking_date=date(2026, 1, d))
             for d in (1, 2)]  # fmt: skip
    found = caller.get("/donors/duplicates?centre=HLM")
    assert found.status_code == 200, found.get_json()
    (pair,) = found.get_json()["items"]
    assert (pair["first"]["id"], pair["second"]["id"]) == (survivor.id, merged.id)
    assert pair["reasons"] == ["email", "name"] and pair["score"] == 55

    done = caller.post(f"/donors/{survivor.id}/merge",
                       json={"donor": merged.id, "from_merged": ["phone"]})  # fmt: skip
    assert done.status_code == 201, done.get_json()
    record = done.get_json()
    assert record["moved"] == [{"table": "income_lines", "column": "donor_id", "rows": 2}]
    assert record["from_merged"] == ["phone"] and record["undone_at"] is None
    assert caller.get(f"/donors/{survivor.id}").get_json()["phone"] == "023 1234567"
    assert caller.get(f"/donors/{merged.id}").status_code == 404
    assert caller.get("/donors").get_json()["total"] == 1
    assert caller.get("/donors/duplicates").get_json()["items"] == []
    owned = select(func.count()).where(IncomeLine.donor_id == survivor.id)
    assert session.scalar(owned) == 2
    assert caller.get("/donors/merges").get_json()["items"][0]["id"] == record["id"]

    undone = caller.post(f"/donors/merges/{record['id']}/undo", json={})
    assert undone.status_code == 200, undone.get_json()
    assert undone.get_json()["undone_at"] is not None
    assert caller.get(f"/donors/{survivor.id}").get_json()["phone"] is None
    assert {line.donor_id for line in lines} == {merged.id}
    again = caller.post(f"/donors/merges/{record['id']}/undo", json={})
    assert again.status_code == 409 and again.get_json()["reason"] == "undone_already"


def test_another_centres_donors_and_merges_are_unknown(caller, client, session, centre):
    other = factories.centre(session, code="ZWL")
    theirs, twin = factories.donor(session, other), factories.donor(session, other)
    mine = factories.donor(session, centre)
    assert caller.post(f"/donors/{theirs.id}/merge", json={"donor": twin.id}).status_code == 404
    refused = caller.post(f"/donors/{mine.id}/merge", json={"donor": theirs.id})
    assert refused.status_code == 422 and "donor" in refused.get_json()["errors"]
    office = ApiCaller(client, session).as_("national")
    across = office.post(f"/donors/{mine.id}/merge", json={"donor": theirs.id})
    assert across.status_code == 422 and across.get_json()["reason"] == "other_centre"
    assert "donor" in across.get_json()["errors"]
    done = (
        ApiCaller(client, session)
        .as_("treasurer", other)
        .post(f"/donors/{theirs.id}/merge", json={"donor": twin.id})
    )
    assert done.status_code == 201
    merge_id = done.get_json()["id"]
    assert caller.get(f"/donors/merges/{merge_id}").status_code == 404
    assert caller.post(f"/donors/merges/{merge_id}/undo", json={}).status_code == 404
    assert caller.get("/donors/merges").get_json()["total"] == 0
    assert office.get("/donors/merges?centre=ZWL").get_json()["total"] == 1


def test_an_undo_after_the_year_closed_is_refused(caller, session, centre):
    survivor, merged = factories.donor(session, centre), factories.donor(session, centre)
    record = caller.post(f"/donors/{survivor.id}/merge", json={"donor": merged.id}).get_json()
    session.add(FiscalYearLock(year=record["fiscal_year"]))
    refused = caller.post(f"/donors/merges/{record['id']}/undo", json={})
    assert refused.status_code == 409 and refused.get_json()["reason"] == "year_closed"


def test_a_read_only_token_merges_nothing(client, session, centre):
    survivor, merged = factories.donor(session, centre), factories.donor(session, centre)
    reader = ApiCaller(client, session).as_("treasurer", centre)
    _row, token = issue_token(session, reader.user, "read", scope="read")
    refused = client.post(f"/api/v1/donors/{survivor.id}/merge", json={"donor": merged.id},
                          headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert refused.status_code == 403
