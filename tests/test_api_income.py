"""/api/v1/income: booking by role, batches all-or-nothing, duplicates, locks and bad input."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from fundtrack.audit.models import AuditEvent
from fundtrack.centres.models import FiscalYearLock
from fundtrack.income.models import FunderType, IncomeLine, IncomeSource, StructuralRule
from tests import factories
from tests.api_helpers import ApiCaller, count


@pytest.fixture
def api(client, session, network):
    return ApiCaller(client, session)


@pytest.fixture
def two(session, network):
    own = factories.centre(session, code="OWN")
    other = factories.centre(session, code="OTHER")
    return own, other


def line(**overrides) -> dict:
    return {
        "centre": "OWN",
        "date": "2025-03-01",
        "amount": "125.50",
        "category": "individuals",
        "external_id": "gift-1",
    } | overrides


def test_treasurer_books_a_donation_for_their_centre(api, session, two):
    caller = api.as_("treasurer", two[0])
    response = caller.post("/income", json=line(currency="EUR", reference="iDEAL 123"))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["amount"] == "125.50" and body["currency"] == "EUR"
    assert body["centre"] == "OWN" and body["fiscal_year"] == 2025 and body["source"] == "api"
    assert body["structural"] is False
    assert body["structural_reason"] == "incidental: no funding agreement"
    stored = session.get(IncomeLine, body["id"])
    assert stored.amount == Decimal("125.50") and stored.source == IncomeSource.API


def test_income_under_a_recurring_municipal_agreement_is_structural(api, session, two):
    session.merge(StructuralRule(funder_type=FunderType.MUNICIPALITY, structural_by_default=True))
    funder = factories.funder(session, type=FunderType.MUNICIPALITY)
    agreement = factories.agreement(session, two[0], funder, recurring=True)
    caller = api.as_("treasurer", two[0])
    body = caller.post(
        "/income", json=line(agreement=agreement.id, category="government_subsidies")
    ).get_json()
    assert body["structural"] is True and body["funder"] == funder.id
    assert body["structural_reason"].startswith("structural: municipality income")
    listed = caller.get("/income?structural=true").get_json()
    assert [item["id"] for item in listed["items"]] == [body["id"]]
    assert caller.get("/income?structural=false").get_json()["total"] == 0


def test_treasurer_cannot_book_for_another_centre(api, session, two):
    caller = api.as_("treasurer", two[0])
    response = caller.post("/income", json=line(centre="OTHER"))
    assert response.status_code == 422
    assert "centre" in response.get_json()["errors"]
    assert count(session, IncomeLine) == 0


def test_auditor_may_read_but_not_book(api, session, two):
    factories.income(session, two[0])
    caller = api.as_("auditor")
    assert caller.get("/income").get_json()["total"] == 1
    response = caller.post("/income", json=line())
    assert response.status_code == 403
    assert count(session, IncomeLine) == 1


@pytest.mark.parametrize("role", ["national", "admin"])
def test_network_roles_book_for_any_centre(api, session, two, role):
    response = api.as_(role).post("/income", json=line(centre="OTHER"))
    assert response.status_code == 201


def test_treasurer_lists_and_reads_only_their_own_lines(api, session, two):
    mine = factories.income(session, two[0])
    theirs = factories.income(session, two[1])
    caller = api.as_("treasurer", two[0])
    page = caller.get("/income").get_json()
    assert [item["id"] for item in page["items"]] == [mine.id]
    assert caller.get(f"/income/{theirs.id}").status_code == 404
    assert caller.patch(f"/income/{theirs.id}", json={"amount": "1.00"}).status_code == 404
    assert caller.delete(f"/income/{theirs.id}").status_code == 404
    assert session.get(IncomeLine, theirs.id).amount == Decimal("100.00")


def test_duplicate_external_id_is_409_and_a_retry_books_nothing_twice(api, session, two):
    caller = api.as_("treasurer", two[0])
    first = caller.post("/income", json=line())
    assert first.status_code == 201
    retry = caller.post("/income", json=line())
    assert retry.status_code == 409
    assert retry.get_json()["existing_id"] == first.get_json()["id"]
    assert "external_id" in retry.get_json()["errors"]
    assert count(session, IncomeLine) == 1


def test_same_external_id_at_another_centre_is_a_different_line(api, session, two):
    caller = api.as_("national")
    assert caller.post("/income", json=line()).status_code == 201
    assert caller.post("/income", json=line(centre="OTHER")).status_code == 201


def test_batch_books_every_line(api, session, two):
    caller = api.as_("treasurer", two[0])
    batch = [line(external_id=f"gift-{n}", amount=f"{n}0.00") for n in range(1, 4)]
    response = caller.post("/income", json=batch)
    assert response.status_code == 201
    assert [item["amount"] for item in response.get_json()["items"]] == [
        "10.00",
        "20.00",
        "30.00",
    ]
    assert count(session, IncomeLine) == 3


def test_batch_with_one_bad_item_books_nothing_and_names_the_item(api, session, two):
    caller = api.as_("treasurer", two[0])
    before = count(session, AuditEvent)
    batch = [line(external_id="a"), line(external_id="b", amount="-5.00"), line(external_id="c")]
    response = caller.post("/income", json=batch)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"1": {"amount": ["must be more than 0"]}}
    assert count(session, IncomeLine) == 0
    assert count(session, AuditEvent) == before


def test_batch_with_a_schema_error_names_index_and_field(api, session, two):
    batch = [line(external_id="a"), line(external_id="b", amount=12.5)]
    response = api.as_("treasurer", two[0]).post("/income", json=batch)
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["1"]
    assert "amount" in response.get_json()["errors"]["1"]
    assert count(session, IncomeLine) == 0


def test_batch_repeating_an_external_id_books_nothing(api, session, two):
    batch = [line(external_id="same"), line(external_id="same", amount="2.00")]
    response = api.as_("treasurer", two[0]).post("/income", json=batch)
    assert response.status_code == 422
    assert response.get_json()["errors"]["1"]["external_id"] == ["repeats item 0 of this batch"]
    assert count(session, IncomeLine) == 0


def test_batch_retried_after_success_is_refused_whole(api, session, two):
    caller = api.as_("treasurer", two[0])
    batch = [line(external_id="x1"), line(external_id="x2")]
    assert caller.post("/income", json=batch).status_code == 201
    response = caller.post("/income", json=batch)
    assert response.status_code == 409 and "0" in response.get_json()["errors"]
    assert count(session, IncomeLine) == 2


def test_closed_year_refuses_booking_changing_and_deleting(api, session, two):
    old = factories.income(session, two[0], booking_date=date(2023, 6, 1))
    session.add(FiscalYearLock(year=2023))
    caller = api.as_("treasurer", two[0])
    response = caller.post("/income", json=line(date="2023-05-01"))
    assert response.status_code == 409 and "date" in response.get_json()["errors"]
    assert caller.patch(f"/income/{old.id}", json={"amount": "1.00"}).status_code == 409
    assert caller.patch(f"/income/{old.id}", json={"date": "2025-01-01"}).status_code == 409
    assert caller.delete(f"/income/{old.id}").status_code == 409
    assert count(session, IncomeLine) == 1
    assert session.get(IncomeLine, old.id).amount == Decimal("100.00")


def test_batch_touching_a_closed_year_books_nothing(api, session, two):
    session.add(FiscalYearLock(year=2023))
    batch = [line(external_id="ok"), line(external_id="locked", date="2023-12-31")]
    response = api.as_("treasurer", two[0]).post("/income", json=batch)
    assert response.status_code == 409 and list(response.get_json()["errors"]) == ["1"]
    assert count(session, IncomeLine) == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"amount": 12.5}, "amount"),
        ({"amount": 12}, "amount"),
        ({"amount": "12.345"}, "amount"),
        ({"amount": "1e3"}, "amount"),
        ({"amount": "NaN"}, "amount"),
        ({"amount": "0"}, "amount"),
        ({"amount": "0.00"}, "amount"),
        ({"amount": "-10.00"}, "amount"),
        ({"amount": "1000000000000.00"}, "amount"),
        ({"amount": "9" * 400}, "amount"),
        ({"currency": "XYZ"}, "currency"),
        ({"currency": "NOK"}, "currency"),
        ({"currency": "eur"}, "currency"),
        ({"date": "2025-13-45"}, "date"),
        ({"date": "0001-01-01"}, "date"),
        ({"date": "99999-01-01"}, "date"),
        ({"date": 20250301}, "date"),
        ({"category": "lottery"}, "category"),
        ({"category": None}, "category"),
        ({"funder": "1"}, "funder"),
        ({"funder": 10**30}, "funder"),
        ({"donor": 2**31}, "donor"),
        ({"funder": 999999}, "funder"),
        ({"external_id": "x" * 201}, "external_id"),
        ({"reference": "nul\x00byte"}, "reference"),
        ({"description": "\ud800"}, "description"),
        ({"surprise": True}, "surprise"),
        ({"centre": 12}, "centre"),
        ({"centre": "NOPE"}, "centre"),
    ],
)
def test_bad_values_get_422_naming_the_field_and_book_nothing(api, session, two, change, field):
    response = api.as_("treasurer", two[0]).post("/income", json=line(**change))
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]
    assert count(session, IncomeLine) == 0


@pytest.mark.parametrize("missing", ["centre", "date", "amount", "category"])
def test_missing_fields_are_named(api, session, two, missing):
    values = line()
    del values[missing]
    response = api.as_("treasurer", two[0]).post("/income", json=values)
    assert response.status_code == 422 and missing in response.get_json()["errors"]


@pytest.mark.parametrize(
    "body", ['{"centre": "OWN",', "not json", "[1, 2", "\xff\xfe", '"just a string"', "42", "[]"]
)
def test_malformed_or_wrong_shaped_bodies_are_a_clear_4xx(api, session, two, body):
    response = api.as_("treasurer", two[0]).post(
        "/income", data=body.encode("utf-8", "surrogateescape"), content_type="application/json"
    )
    assert response.status_code in (400, 422)
    assert response.get_json()["code"] == response.status_code
    assert count(session, IncomeLine) == 0


def test_body_that_is_not_json_at_all_gets_415(api, two):
    response = api.as_("admin").post("/income", data="amount=1", content_type="text/plain")
    assert response.status_code == 415 and response.is_json


def test_funder_and_donor_together_are_refused(api, session, two):
    funder = factories.funder(session)
    donor = factories.donor(session, two[0])
    response = api.as_("treasurer", two[0]).post(
        "/income", json=line(funder=funder.id, donor=donor.id)
    )
    assert response.status_code == 422 and "donor" in response.get_json()["errors"]


def test_references_must_belong_to_the_lines_centre(api, session, two):
    own, other = two
    funder, another = factories.funder(session), factories.funder(session)
    their_agreement = factories.agreement(session, other, funder)
    my_agreement = factories.agreement(session, own, funder)
    their_donor = factories.donor(session, other)
    their_fund = factories.fund(session, other)
    caller = api.as_("national")
    cases = [
        ({"agreement": their_agreement.id}, "agreement"),
        ({"donor": their_donor.id}, "donor"),
        ({"fund": their_fund.id}, "fund"),
        ({"agreement": my_agreement.id, "funder": another.id}, "funder"),
    ]
    for change, field in cases:
        response = caller.post("/income", json=line(**change))
        assert response.status_code == 422 and field in response.get_json()["errors"], change
    assert count(session, IncomeLine) == 0


def test_treasurer_cannot_see_another_centres_donor_by_reference(api, session, two):
    their_donor = factories.donor(session, two[1])
    response = api.as_("treasurer", two[0]).post("/income", json=line(donor=their_donor.id))
    assert response.status_code == 422
    assert response.get_json()["errors"]["donor"] == [f"no donor with id {their_donor.id}"]


def test_patch_changes_a_line_and_keeps_the_rest(api, session, two):
    caller = api.as_("treasurer", two[0])
    created = caller.post("/income", json=line()).get_json()
    response = caller.patch(f"/income/{created['id']}", json={"amount": "99.99"})
    assert response.status_code == 200
    assert response.get_json()["amount"] == "99.99"
    assert response.get_json()["external_id"] == "gift-1"
    moved = caller.patch(f"/income/{created['id']}", json={"centre": "OTHER"})
    assert moved.status_code == 422


def test_patch_to_an_existing_external_id_is_409(api, session, two):
    caller = api.as_("treasurer", two[0])
    first = caller.post("/income", json=line(external_id="one")).get_json()
    second = caller.post("/income", json=line(external_id="two")).get_json()
    response = caller.patch(f"/income/{second['id']}", json={"external_id": "one"})
    assert response.status_code == 409 and response.get_json()["existing_id"] == first["id"]


def test_delete_removes_the_line(api, session, two):
    caller = api.as_("treasurer", two[0])
    created = caller.post("/income", json=line()).get_json()
    assert caller.delete(f"/income/{created['id']}").status_code == 204
    assert caller.get(f"/income/{created['id']}").status_code == 404


def test_auditor_cannot_change_or_delete(api, session, two):
    existing = factories.income(session, two[0])
    caller = api.as_("auditor")
    assert caller.patch(f"/income/{existing.id}", json={"amount": "1.00"}).status_code == 403
    assert caller.delete(f"/income/{existing.id}").status_code == 403
    assert session.get(IncomeLine, existing.id) is not None


def test_list_filters_and_pages_in_a_stable_order(api, app, session, two):
    own, other = two
    for day in (1, 2, 3, 4, 5):
        factories.income(session, own, booking_date=date(2025, 1, day), external_id=f"d{day}")
    factories.income(session, own, booking_date=date(2024, 6, 1))
    factories.income(session, other, booking_date=date(2025, 1, 1))
    caller = api.as_("national")
    page = caller.get("/income?centre=OWN&year=2025&page=2&page_size=2").get_json()
    assert [item["external_id"] for item in page["items"]] == ["d3", "d2"]
    assert (page["total"], page["pages"], page["page"], page["page_size"]) == (5, 3, 2, 2)
    ranged = caller.get("/income?date_from=2025-01-02&date_to=2025-01-03").get_json()
    assert ranged["total"] == 2
    assert caller.get("/income?external_id=d4").get_json()["total"] == 1
    assert caller.get("/income?category=companies").get_json()["total"] == 0
    capped = caller.get("/income?page_size=100000").get_json()
    assert capped["page_size"] == app.config["API_PAGE_SIZE_MAX"]


@pytest.mark.parametrize(
    "query",
    [
        "year=abc",
        "year=99999999999999999999",
        "page=0",
        "page=-1",
        "page_size=0",
        "date_from=2025-02-30",
        "funder=99999999999999",
        "category=nope",
        "structural=maybe",
    ],
)
def test_bad_query_parameters_get_422(api, two, query):
    response = api.as_("admin").get(f"/income?{query}")
    assert response.status_code == 422 and response.get_json()["errors"]


def test_huge_ids_in_the_path_are_404(api, two):
    assert api.as_("admin").get(f"/income/{10**30}").status_code == 404


def test_api_bookings_are_audited(api, session, two):
    caller = api.as_("treasurer", two[0])
    created = caller.post("/income", json=line()).get_json()
    event = session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity == "income_lines", AuditEvent.entity_id == str(created["id"])
        )
    ).one()
    assert event.user_id == caller.user.id and event.after["amount"] == "125.50"
