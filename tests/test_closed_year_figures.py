"""A closed year's figures are final: nothing may turn its income structural or incidental."""

from datetime import date
from decimal import Decimal

import pytest

from fundtrack.centres.models import FiscalYearLock
from fundtrack.errors import Conflict
from fundtrack.income.funders import update_agreement
from fundtrack.income.models import FunderType
from fundtrack.share.rules import closed_years_under_rule, override_agreement
from tests import factories


@pytest.fixture
def closed_2024(session, network):
    centre = factories.centre(session, code="CLS")
    funder = factories.funder(session, type=FunderType.MUNICIPALITY)
    agreement = factories.agreement(session, centre, funder, start_date=date(2024, 1, 1))
    factories.income(
        session, centre, booking_date=date(2024, 3, 1), agreement=agreement, funder=funder,
        category="government_subsidies", amount="2500.00",
    )  # fmt: skip
    session.add(FiscalYearLock(year=2024))
    session.flush()
    return agreement


def test_an_agreement_with_income_in_a_closed_year_cannot_be_overridden(session, closed_2024):
    office = factories.user(session, role="national")
    with pytest.raises(ValueError, match=r"closed fiscal year\(s\) 2024"):
        override_agreement(session, office, closed_2024.id, False, "one-off after all")
    assert closed_2024.structural_override is None


def test_its_recurrence_cannot_change_either(session, closed_2024):
    office = factories.user(session, role="national")
    with pytest.raises(Conflict, match="2024") as refusal:
        update_agreement(session, office, closed_2024, {"recurring": False})
    assert refusal.value.field == "recurring" and closed_2024.recurring is True


def test_its_title_and_amount_may_still_change(session, closed_2024):
    office = factories.user(session, role="national")
    update_agreement(session, office, closed_2024, {"title": "Wmo", "annual_amount": Decimal("1")})
    assert closed_2024.title == "Wmo"


def test_a_rule_change_names_the_closed_years_it_rewrites(session, closed_2024):
    assert closed_years_under_rule(session, "municipality") == [2024]
    assert closed_years_under_rule(session, "foundation") == []


def test_the_rules_screen_warns_when_a_rule_reaches_into_closed_years(
    client, login_as, closed_2024
):
    login_as("national")
    page = client.post(
        "/rules",
        data={"funder_type": "municipality", "structural_by_default": "no", "note": "policy"},
        follow_redirects=True,
    ).get_data(as_text=True)
    assert "This changes the figures of closed fiscal years: 2024." in page


def test_a_treasurer_cannot_end_such_an_agreement_early_through_the_admin(
    client, session, login_as, closed_2024
):
    login_as("treasurer", centre=closed_2024.centre)
    page = client.post(
        f"/admin/funding-agreements/edit/?id={closed_2024.id}",
        data={
            "centre": str(closed_2024.centre_id),
            "funder": str(closed_2024.funder_id),
            "title": "",
            "start_date": "2024-01-01",
            "end_date": "2024-06-30",
            "recurring": "y",
            "annual_amount": "10000.00",
        },
    ).get_data(as_text=True)
    session.expire_all()
    assert closed_2024.end_date is None
    assert "end: agreement" in page and "closed fiscal year(s) 2024" in page
