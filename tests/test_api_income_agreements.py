"""/api/v1/income: a funder's running agreement is filled in, or the booking asks on `agreement`."""

from datetime import date

import pytest

from fundtrack.income.models import FunderType
from tests import factories
from tests.api_helpers import ApiCaller


@pytest.fixture
def centre(session, network):
    return factories.centre(session, code="HLM")


@pytest.fixture
def town(session):
    return factories.funder(session, name="Gemeente Haarlem", type=FunderType.MUNICIPALITY)


@pytest.fixture
def caller(client, session, centre):
    return ApiCaller(client, session).as_("treasurer", centre)


def line(town, **overrides) -> dict:
    return {"centre": "HLM", "date": "2026-03-15", "amount": "500.00", "funder": town.id,
            "category": "government_subsidies"} | overrides  # fmt: skip


def test_a_line_to_a_funder_with_one_running_agreement_is_booked_under_it(
    caller, session, centre, town
):
    subsidy = factories.agreement(session, centre, town, title="Subsidie 2026",
                                  start_date=date(2026, 1, 1))  # fmt: skip
    response = caller.post("/income", json=line(town))
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["agreement"] == subsidy.id and body["structural"] is True
    assert "confirm_incidental" not in body


def test_a_structural_agreement_among_several_is_asked_about_on_agreement_until_confirmed(
    caller, session, centre, town
):
    factories.agreement(session, centre, town, title="Subsidie 2026", start_date=date(2026, 1, 1))
    factories.agreement(session, centre, town, title="Project voorjaar", recurring=False,
                        start_date=date(2026, 1, 1), end_date=date(2026, 6, 30))  # fmt: skip
    asked = caller.post("/income", json=line(town))
    assert asked.status_code == 422
    assert asked.get_json()["errors"] == {"agreement": [
        "Gemeente Haarlem has a structural agreement 'Subsidie 2026' running on 2026-03-15:"
        " book the line to it, or confirm it is incidental"
    ]}  # fmt: skip
    in_batch = caller.post("/income", json=[line(town, amount="1.00"), line(town)])
    assert in_batch.status_code == 422 and list(in_batch.get_json()["errors"]) == ["0"]
    confirmed = caller.post("/income", json=line(town, confirm_incidental=True))
    assert confirmed.status_code == 201, confirmed.get_json()
    body = confirmed.get_json()
    assert body["agreement"] is None and body["structural"] is False
    items = [line(town, amount=amount, confirm_incidental=True) for amount in ("2.00", "3.00")]
    both = caller.post("/income", json=items)
    assert both.status_code == 201, both.get_json()
    assert [item["structural"] for item in both.get_json()["items"]] == [False, False]
