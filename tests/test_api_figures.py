"""/api/v1/funding-share: the same figures as the service the dashboard uses, as JSON."""

from decimal import Decimal

import pytest

from fundtrack.auth.models import User
from fundtrack.centres.models import Centre
from fundtrack.share.service import funding_share
from tests import factories, share_network
from tests.api_helpers import ApiCaller

D = Decimal


@pytest.fixture
def api(client, session):
    return ApiCaller(client, session)


@pytest.fixture
def net(session):
    return share_network.build(session)


def by_code(items: list[dict]) -> dict[str, dict]:
    return {item["code"]: item for item in items}


def test_network_figures_for_2025_as_worked_out_by_hand(api, net):
    body = api.as_("national").get("/funding-share?year=2025").get_json()
    assert (body["year"], body["currency"]) == (2025, "EUR")
    assert (body["target"], body["target_fraction"]) == ("0.666667", "2/3")
    network = body["network"]
    assert network["costs"] == "170000.00"  # 90,000 + 30,000 + 50,000 + 0
    assert network["costs_basis"] == "mixed"
    assert network["structural_income"] == "81000.00"  # 48,000 + 24,000 + 0 + 9,000
    assert network["incidental_income"] == "54000.00"  # 25,000 + 0 + 29,000 + 0
    assert network["share"] == "0.476471"  # 81,000 / 170,000
    assert network["gap"] == "45333.33"  # 12,000 + 0 + 33,333.33 + 0
    assert network["secured_next_year"] == "72000.00"  # 48,000 + 12,000 + 12,000
    a, b, c, d = (by_code(body["centres"])[code] for code in "ABCD")
    assert (a["costs"], a["costs_basis"], a["share"], a["gap"]) == (
        "90000.00",
        "actual",
        "0.533333",
        "12000.00",
    )
    assert a["income_by_category"]["government_subsidies"] == "48000.00"
    assert a["region"] == "NORTH" and a["meets_target"] is False
    assert (b["costs_basis"], b["share"], b["gap"], b["meets_target"]) == (
        "budget",
        "0.800000",
        "0.00",
        True,
    )
    assert c["gap"] == "33333.33" and c["structural_income"] == "0.00"
    assert (d["costs"], d["costs_basis"], d["share"], d["gap"]) == ("0.00", "none", None, "0.00")
    north, south = (by_code(body["regions"])[code] for code in ("NORTH", "SOUTH"))
    assert (north["share"], north["gap"], north["centres_total"]) == ("0.600000", "12000.00", 2)
    assert (south["share"], south["gap"]) == ("0.180000", "33333.33")


def test_region_and_centre_narrow_the_figures(api, net):
    caller = api.as_("auditor")
    south = caller.get("/funding-share?year=2025&region=SOUTH").get_json()
    assert [c["code"] for c in south["centres"]] == ["C", "D"]
    assert south["network"]["gap"] == "33333.33"
    only_b = caller.get("/funding-share?year=2025&centre=B").get_json()
    assert [c["code"] for c in only_b["centres"]] == ["B"]


def test_treasurer_gets_only_their_centre_and_404_for_another(api, session, net):
    caller = api.as_("treasurer", net.a)
    body = caller.get("/funding-share?year=2025").get_json()
    assert [c["code"] for c in body["centres"]] == ["A"]
    assert body["network"]["costs"] == "90000.00"
    assert caller.get("/funding-share?year=2025&centre=B").status_code == 404
    assert caller.get("/funding-share?year=2025&region=SOUTH").status_code == 404


@pytest.mark.parametrize(
    "query", ["", "year=abc", "year=1899", "year=3000", "year=2025&centre=" + "x" * 21]
)
def test_bad_year_or_codes_are_422(api, net, query):
    response = api.as_("admin").get(f"/funding-share?{query}")
    assert response.status_code == 422 and response.get_json()["errors"]


def test_unknown_centre_or_region_is_404(api, net):
    caller = api.as_("admin")
    assert caller.get("/funding-share?year=2025&centre=NOPE").status_code == 404
    assert caller.get("/funding-share?year=2025&region=NOPE").status_code == 404


def assert_same_figures(json_figures: dict, figures) -> None:
    """Every number the API shows equals the service's (money to the cent, shares to 6 places)."""
    for name in ("costs", "structural_income", "incidental_income", "gap", "secured_next_year"):
        assert D(json_figures[name]) == getattr(figures, name), name
    assert json_figures["costs_basis"] == figures.costs_basis
    for name in ("share", "secured_share"):
        value = getattr(figures, name)
        expected = None if value is None else str(value.quantize(D("0.000001")))
        assert json_figures[name] == expected, name
    assert {k: D(v) for k, v in json_figures["income_by_category"].items()} == {
        k: v for k, v in figures.income_by_category.items()
    }


def compare_with_service(api_caller, session, user: User, year: int) -> int:
    body = api_caller.get(f"/funding-share?year={year}").get_json()
    expected = funding_share(session, user, year)
    assert body["target_fraction"] == f"{expected.target.numerator}/{expected.target.denominator}"
    assert body["centres_at_target"] == expected.centres_at_target
    assert_same_figures(body["network"], expected.network)
    assert [r["code"] for r in body["regions"]] == [r.code for r in expected.regions]
    for json_region, region in zip(body["regions"], expected.regions, strict=True):
        assert_same_figures(json_region, region)
        assert json_region["centres_at_target"] == region.centres_at_target
    assert [c["code"] for c in body["centres"]] == [c.code for c in expected.centres]
    for json_centre, centre in zip(body["centres"], expected.centres, strict=True):
        assert_same_figures(json_centre, centre)
        assert json_centre["meets_target"] == centre.meets_target
    return len(expected.centres)


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_api_figures_equal_the_services_for_the_hand_built_network(api, session, net, year):
    caller = api.as_("national")
    assert compare_with_service(caller, session, caller.user, year) == 4


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_api_figures_equal_the_dashboards_for_the_demo_network(api, session, year):
    demo = pytest.importorskip("fundtrack.demo.build")
    demo.build_demo(session, "nl")
    caller = api.as_("national")
    assert compare_with_service(caller, session, caller.user, year) > 10
    treasurer = api.as_("treasurer", factories.first(session, Centre))
    assert compare_with_service(treasurer, session, treasurer.user, year) == 1
