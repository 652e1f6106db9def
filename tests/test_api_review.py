"""What a review found by calling the API as a client would: each test failed before its fix."""

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from fundtrack.income.models import FunderType, FundingAgreement, IncomeLine
from tests import factories
from tests.api_helpers import ApiCaller, count


@pytest.fixture
def api(client, session, network):
    return ApiCaller(client, session)


@pytest.fixture
def two(session, network):
    return factories.centre(session, code="OWN"), factories.centre(session, code="OTHER")


def test_agreement_with_booked_income_keeps_its_funder(api, session, two):
    first = factories.funder(session, type=FunderType.MUNICIPALITY)
    second = factories.funder(session, type=FunderType.MUNICIPALITY)
    agreement = factories.agreement(session, two[0], first, recurring=True)
    factories.income(session, two[0], agreement=agreement, funder=first)
    caller = api.as_("national")
    response = caller.patch(f"/agreements/{agreement.id}", json={"funder": second.id})
    assert response.status_code == 409, response.get_json()
    assert response.get_json()["errors"]["funder"]
    session.expire_all()
    assert session.get(FundingAgreement, agreement.id).funder_id == first.id
    line = session.scalars(select(IncomeLine).where(IncomeLine.agreement_id == agreement.id)).one()
    assert line.funder_id == first.id


def test_agreement_without_income_may_change_its_funder(api, session, two):
    first = factories.funder(session)
    second = factories.funder(session)
    agreement = factories.agreement(session, two[0], first)
    response = api.as_("national").patch(f"/agreements/{agreement.id}", json={"funder": second.id})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["funder"] == second.id


@pytest.mark.parametrize("amount", ["12\n", "12.50\n", "1\n\n"])
def test_amount_with_a_trailing_newline_is_refused_as_its_pattern_says(api, session, two, amount):
    body = {"centre": "OWN", "date": "2025-03-01", "amount": amount, "category": "individuals"}
    response = api.as_("treasurer", two[0]).post("/income", json=body)
    assert response.status_code == 422 and "amount" in response.get_json()["errors"]
    assert count(session, IncomeLine) == 0


@pytest.mark.parametrize(
    "path,body",
    [
        ("/regions", '{"code": "R9", "name": "Region nine"}'),
        ("/funders", '{"name": "Gemeente X", "type": "municipality"}'),
        ("/income", '{"centre": "OWN"}'),
    ],
)
def test_bodies_sent_as_something_other_than_json_get_415(api, session, two, path, body):
    response = api.as_("admin").post(path, data=body, content_type="text/plain")
    assert response.status_code == 415, response.get_json()
    assert response.get_json()["code"] == 415


def test_malformed_json_gets_400_naming_the_body(api, two):
    for path in ("/income", "/regions"):
        response = api.as_("admin").post(path, data='{"centre":', content_type="application/json")
        assert response.status_code == 400
        body = response.get_json()
        assert body["errors"] == {"json": ["Invalid JSON body."]}
        assert body["message"] == "The body is not valid JSON."


def _responses(document, path, method) -> set[str]:
    return set(document["paths"]["/api/v1" + path][method]["responses"])


def test_openapi_documents_the_error_codes_each_endpoint_really_returns(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert {"401", "422"} <= _responses(document, "/income", "get")
    assert {"400", "401", "403", "409", "415", "422"} <= _responses(document, "/income", "post")
    by_id = "/income/{line_id}"
    assert {"401", "404"} <= _responses(document, by_id, "get")
    assert {"400", "401", "403", "404", "409", "415", "422"} <= _responses(document, by_id, "patch")
    assert {"401", "403", "404", "409"} <= _responses(document, by_id, "delete")
    assert {"401", "404", "422"} <= _responses(document, "/funding-share", "get")
    assert "404" not in _responses(document, "/income", "get")
    assert "404" in _responses(document, "/regions/{code}", "get")
    refs = document["paths"]["/api/v1/income"]["post"]["responses"]["409"]
    assert refs == {"$ref": "#/components/responses/CONFLICT"}
    assert "CONFLICT" in document["components"]["responses"]


def test_funding_share_totals_beyond_twelve_digits_still_match_the_document(api, session, two):
    # Two lines of the largest amount a line may hold sum to thirteen digits before the point.
    factories.income(session, two[0], amount="999999999999.99")
    factories.income(session, two[0], amount="999999999999.99")
    factories.cost(session, two[0], year=2025, amount=Decimal("1000.00"))
    response = api.as_("national").get("/funding-share?year=2025&centre=OWN")
    assert response.status_code == 200
    centre = response.get_json()["centres"][0]
    assert centre["incidental_income"] == "1999999999999.98"
    document = api.client.get("/api/v1/openapi.json").get_json()
    pattern = document["components"]["schemas"]["Figures"]["properties"]["incidental_income"]
    assert re.search(pattern["pattern"], centre["incidental_income"])


@pytest.mark.parametrize("path", ["/regions/%00", "/centres/%00", "/centres/a%00b"])
def test_codes_with_nul_characters_in_the_path_are_404(api, two, path):
    response = api.as_("admin").get(path)
    assert response.status_code == 404


def test_a_duplicate_the_database_refused_is_named_with_the_stored_line(session, network):
    """Two simultaneous retries both pass the pre-check; the loser learns which line won."""
    from fundtrack.income.operations import booked_twice

    centre = factories.centre(session, code="RACE")
    stored = factories.income(session, centre, external_id="pay-77")
    single = booked_twice(session, [{"centre": "RACE", "external_id": "pay-77"}])
    assert single.existing_id == stored.id and single.errors == {
        "external_id": [f"already booked as income line {stored.id}"]
    }
    batch = booked_twice(
        session,
        [{"centre": "RACE", "external_id": "new-1"}, {"centre": "RACE", "external_id": "pay-77"}],
    )
    assert batch.existing_id == stored.id and "1" in batch.errors
    assert booked_twice(session, [{"centre": "RACE", "external_id": "new-2"}]) is None


@pytest.mark.parametrize("written", ["20250301", "2025-W09-6", "2025-3-1"])
def test_dates_other_than_yyyy_mm_dd_are_refused_by_name(api, session, two, written):
    body = {"centre": "OWN", "date": written, "amount": "5.00", "category": "individuals"}
    response = api.as_("treasurer", two[0]).post("/income", json=body)
    assert response.status_code == 422 and "date" in response.get_json()["errors"]


def test_a_blank_external_id_is_refused(api, session, two):
    body = {"centre": "OWN", "date": "2025-03-01", "amount": "5.00", "category": "individuals",
            "external_id": "   "}  # fmt: skip
    response = api.as_("treasurer", two[0]).post("/income", json=body)
    assert response.status_code == 422 and "external_id" in response.get_json()["errors"]


def test_a_donors_email_must_be_an_email_address(api, session, two):
    treasurer = api.as_("treasurer", two[0])
    bad = treasurer.post("/donors", json={"centre": "OWN", "kind": "person", "name": "A",
                                          "email": "not an email"})  # fmt: skip
    assert bad.status_code == 422 and "email" in bad.get_json()["errors"]
    good = treasurer.post("/donors", json={"centre": "OWN", "kind": "person", "name": "B",
                                           "email": "b@Example.org"})  # fmt: skip
    assert good.status_code == 201 and good.get_json()["email"] == "b@example.org"


def _agreements_of_many_funders(session, centre, count_: int):
    for _n in range(count_):
        funder = factories.funder(session, type=FunderType.MUNICIPALITY)
        factories.agreement(session, factories.centre(session), funder)
    return centre


def test_the_agreements_list_costs_the_same_statements_for_many_funders_and_centres(
    api, session, two, count_queries
):
    national = api.as_("national")
    national.get("/regions")  # the token notes its first use; later calls need not
    _agreements_of_many_funders(session, two[0], 2)
    session.commit()
    with count_queries() as few:
        assert national.get("/agreements?page_size=100").status_code == 200
    _agreements_of_many_funders(session, two[0], 12)
    session.commit()
    with count_queries() as many:
        body = national.get("/agreements?page_size=100").get_json()
    assert body["total"] == 14 and len(many) == len(few)
    assert {item["structural"] for item in body["items"]} == {True}


def test_agreements_running_in_a_year_follow_the_fiscal_year(api, session, network, two):
    network.fiscal_year_start_month = 7  # fiscal 2025 runs from July 2025 to June 2026
    funder = factories.funder(session)
    ends_june_2025 = factories.agreement(
        session, two[0], funder, start_date=date(2024, 7, 1), end_date=date(2025, 6, 30)
    )
    starts_march_2026 = factories.agreement(
        session, two[0], funder, start_date=date(2026, 3, 1), end_date=None
    )
    ids = {
        item["id"] for item in api.as_("national").get("/agreements?year=2025").get_json()["items"]
    }
    assert starts_march_2026.id in ids and ends_june_2025.id not in ids
