"""/api/v1/recurring-gifts: registered, listed with their state and instalments, scoped per
centre; a gift booked through /income pays its instalment."""

from datetime import date, timedelta

import pytest

from tests import factories
from tests.api_helpers import ApiCaller


@pytest.fixture
def centre(session, network):
    return factories.centre(session, code="HLM")


@pytest.fixture
def caller(client, session, centre):
    return ApiCaller(client, session).as_("treasurer", centre)


def _gift(donor, **overrides) -> dict:
    start = (date.today().replace(day=1) - timedelta(days=100)).replace(day=1)
    return {"donor": donor.id, "amount": "25.00", "frequency": "monthly",
            "start": start.isoformat(), "payment_method": "bank_transfer"} | overrides  # fmt: skip


def test_a_gift_is_registered_paid_through_income_and_listed_with_its_state(
    caller, session, centre
):
    donor = factories.donor(session, centre, name="Mevrouw Jansen", email="j@example.org")
    created = caller.post("/recurring-gifts", json=_gift(donor))
    assert created.status_code == 201, created.get_json()
    gift = created.get_json()
    assert gift["state"] == "lapsed" and gift["missed"] >= 3  # nothing came in for months
    assert gift["email"] == "j@example.org" and gift["amount"] == "25.00"

    booked = caller.post("/income", json={"centre": "HLM", "date": gift["start"],
                                          "amount": "25.00", "donor": donor.id,
                                          "category": "individuals"})  # fmt: skip
    assert booked.status_code == 201, booked.get_json()
    instalments = caller.get(f"/recurring-gifts/{gift['id']}/instalments").get_json()["items"]
    assert instalments[0]["income_line"] == booked.get_json()["id"]
    assert instalments[0]["due_date"] == gift["start"]

    listed = caller.get("/recurring-gifts?state=lapsed").get_json()
    assert listed["total"] == 1 and listed["items"][0]["paid"] == 1
    assert listed["items"][0]["received"] == "25.00"
    assert caller.get("/recurring-gifts?state=running").get_json()["total"] == 0


def test_changing_and_deleting_a_gift(caller, session, centre):
    donor = factories.donor(session, centre)
    gift = caller.post("/recurring-gifts", json=_gift(donor)).get_json()
    ended = caller.patch(f"/recurring-gifts/{gift['id']}", json={"end": gift["start"]})
    assert ended.status_code == 200, ended.get_json()
    assert ended.get_json()["end"] == gift["start"]
    refused = caller.patch(f"/recurring-gifts/{gift['id']}", json={"frequency": "weekly"})
    assert refused.status_code == 422
    assert caller.delete(f"/recurring-gifts/{gift['id']}").status_code == 204
    assert caller.get(f"/recurring-gifts/{gift['id']}").status_code == 404


def test_another_centres_gifts_are_unknown(caller, client, session, centre):
    other_centre = factories.centre(session, code="ZWL")
    other = ApiCaller(client, session).as_("treasurer", other_centre)
    theirs = factories.donor(session, other_centre)
    gift = other.post("/recurring-gifts", json=_gift(theirs)).get_json()
    assert caller.get(f"/recurring-gifts/{gift['id']}").status_code == 404
    assert caller.get(f"/recurring-gifts/{gift['id']}/instalments").status_code == 404
    assert (
        caller.patch(f"/recurring-gifts/{gift['id']}", json={"amount": "1.00"}).status_code == 404
    )
    assert caller.get("/recurring-gifts").get_json()["total"] == 0
    refused = caller.post("/recurring-gifts", json=_gift(theirs))
    assert refused.status_code == 422 and "donor" in refused.get_json()["errors"]
    office = ApiCaller(client, session).as_("national")
    assert office.get("/recurring-gifts?centre=ZWL").get_json()["total"] == 1
