"""Four eyes on the amount: a treasurer who raises a confirmed structural agreement's annual
amount waits for the national office again; lowering it, or renaming it, waits for nothing."""

from datetime import date
from decimal import Decimal as D

import pytest

from fundtrack.income.funders import create_agreement, update_agreement
from fundtrack.income.models import FunderType
from fundtrack.share.service import confirm_agreement, funding_share
from tests import factories
from tests.api_helpers import ApiCaller


@pytest.fixture
def books(session, network):
    centre = factories.centre(session)
    factories.cost(session, centre, "72000.00", year=2025)
    national = factories.user(session, "national")
    municipality = factories.funder(session, FunderType.MUNICIPALITY)
    agreement = create_agreement(
        session,
        national,
        {
            "funder": municipality.id,
            "centre": centre.code,
            "title": "Social support subsidy",
            "start": date(2025, 1, 1),
            "recurring": True,
            "annual_amount": D("48000.00"),
        },
    )
    assert not agreement.awaiting_confirmation
    return {
        "centre": centre,
        "agreement": agreement,
        "national": national,
        "treasurer": factories.user(session, "treasurer", centre),
    }


def _secured(session, books) -> D:
    figures = funding_share(session, books["national"], 2025, centre_code=books["centre"].code)
    return figures.centres[0].secured_next_year


def test_raising_a_confirmed_structural_amount_waits_for_the_national_office(session, books):
    assert _secured(session, books) == D("48000.00")
    agreement = books["agreement"]
    update_agreement(session, books["treasurer"], agreement, {"annual_amount": D("943200.00")})
    assert agreement.awaiting_confirmation
    assert _secured(session, books) == D("0.00")
    confirm_agreement(session, books["national"], agreement.id)
    assert _secured(session, books) == D("943200.00")


def test_raising_the_amount_through_the_api_waits_too(client, session, books):
    treasurer = ApiCaller(client, session).as_("treasurer", books["centre"])
    agreement = books["agreement"]
    answer = treasurer.patch(f"/agreements/{agreement.id}", json={"annual_amount": "943200.00"})
    assert answer.status_code == 200, answer.get_json()
    session.refresh(agreement)
    assert agreement.awaiting_confirmation
    assert _secured(session, books) == D("0.00")


def test_lowering_the_amount_or_renaming_waits_for_nothing(session, books):
    agreement = books["agreement"]
    update_agreement(session, books["treasurer"], agreement, {"annual_amount": D("40000.00")})
    update_agreement(session, books["treasurer"], agreement, {"title": "Wmo"})
    assert not agreement.awaiting_confirmation
    assert _secured(session, books) == D("40000.00")


def test_the_national_office_raises_an_amount_without_confirming_itself(session, books):
    agreement = books["agreement"]
    update_agreement(session, books["national"], agreement, {"annual_amount": D("60000.00")})
    assert not agreement.awaiting_confirmation
    assert _secured(session, books) == D("60000.00")
