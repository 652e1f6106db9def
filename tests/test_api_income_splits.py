"""/api/v1/income with `funds`: a gift split over earmarked funds, booked, shown, changed,
refused on `funds` when the parts do not add up; /api/v1/funds balances follow the parts."""

from decimal import Decimal

import pytest

from fundtrack.income.models import IncomeLine
from tests import factories
from tests.api_helpers import ApiCaller


@pytest.fixture
def api(client, session, network):
    return ApiCaller(client, session)


@pytest.fixture
def books(session, network):
    own = factories.centre(session, code="OWN")
    clothes = factories.fund(session, own, name="Kledingbank")
    camp = factories.fund(session, own, name="Zomerkamp")
    return own, clothes, camp


def _line(clothes, camp, first="60.00", second="40.00", **overrides) -> dict:
    return {
        "centre": "OWN", "date": "2025-03-01", "amount": "100.00", "category": "individuals",
        "funds": [{"fund_id": clothes.id, "amount": first}, {"fund_id": camp.id, "amount": second}],
    } | overrides  # fmt: skip


def test_a_split_gift_is_booked_and_answered_with_its_parts(api, session, books):
    own, clothes, camp = books
    caller = api.as_("treasurer", own)
    response = caller.post("/income", json=_line(clothes, camp))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["fund"] is None
    assert body["funds"] == [
        {"fund_id": clothes.id, "amount": "60.00"}, {"fund_id": camp.id, "amount": "40.00"},
    ]  # fmt: skip
    listed = caller.get("/income?centre=OWN").get_json()["items"]
    assert listed[0]["funds"] == body["funds"]
    funds = {f["name"]: f["balance"] for f in caller.get("/funds?year=2025").get_json()["items"]}
    assert funds == {"Kledingbank": "60.00", "Zomerkamp": "40.00"}


def test_a_line_of_one_fund_answers_all_of_it_as_its_one_part(api, session, books):
    own, clothes, _camp = books
    caller = api.as_("treasurer", own)
    body = caller.post("/income", json=_line(clothes, _camp, funds=None, fund=clothes.id))
    assert body.get_json()["funds"] == [{"fund_id": clothes.id, "amount": "100.00"}]


def test_parts_that_do_not_add_up_are_refused_under_funds(api, session, books):
    own, clothes, camp = books
    response = api.as_("treasurer", own).post("/income", json=_line(clothes, camp, second="30.00"))
    assert response.status_code == 422
    body = response.get_json()
    assert list(body["errors"]) == ["funds"] and body["reason"] == "parts_not_summing"
    assert session.query(IncomeLine).count() == 0


def test_a_malformed_part_is_refused_by_the_schema(api, session, books):
    own, clothes, camp = books
    bad = _line(clothes, camp) | {"funds": [{"fund_id": clothes.id, "amount": 60}]}
    response = api.as_("treasurer", own).post("/income", json=bad)
    assert response.status_code == 422
    assert "funds" in response.get_json()["errors"]


def test_a_new_amount_for_a_split_line_needs_its_parts(api, session, books):
    own, clothes, camp = books
    caller = api.as_("treasurer", own)
    line_id = caller.post("/income", json=_line(clothes, camp)).get_json()["id"]
    refused = caller.patch(f"/income/{line_id}", json={"amount": "120.00"})
    assert refused.status_code == 422
    assert refused.get_json()["reason"] == "split_amount_changed"
    changed = caller.patch(
        f"/income/{line_id}",
        json={"amount": "120.00", "funds": _line(clothes, camp, "70.00", "50.00")["funds"]},
    )
    assert changed.status_code == 200, changed.get_json()
    assert [p["amount"] for p in changed.get_json()["funds"]] == ["70.00", "50.00"]
    single = caller.patch(f"/income/{line_id}", json={"funds": []})
    assert single.get_json()["funds"] == [] and single.get_json()["fund"] is None
    assert session.get(IncomeLine, line_id).amount == Decimal("120.00")


def test_the_openapi_document_describes_the_parts(api):
    document = api.as_("national").get("/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    assert schemas["FundPart"]["required"] == ["amount", "fund_id"]
    funds = schemas["IncomeIn"]["properties"]["funds"]
    assert funds["items"]["$ref"].endswith("/FundPart") and funds["maxItems"] == 100
