"""Four eyes on the target: what a treasurer adds that would raise the structural share counts
as incidental until the national office confirms it."""

from datetime import date
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from fundtrack.audit.models import AuditEvent
from fundtrack.auth.access import NotAllowed
from fundtrack.centres.models import FiscalYearLock
from fundtrack.income.funders import create_agreement, update_agreement
from fundtrack.income.models import FunderType, FundingAgreement
from fundtrack.share.classification import explain_agreement, verdict_of_agreement
from fundtrack.share.service import confirm_agreement, funding_share
from fundtrack.share.trace import trace
from tests import factories


@pytest.fixture
def books(session, network):
    """Centre A with 30,000 of costs in 2025, a municipality, a treasurer and the office."""
    centre = factories.centre(session)
    factories.cost(session, centre, "30000.00", year=2025)
    return {
        "centre": centre,
        "municipality": factories.funder(session, FunderType.MUNICIPALITY),
        "treasurer": factories.user(session, "treasurer", centre),
        "national": factories.user(session, "national"),
    }


def _agree(session, user, books, **values):
    return create_agreement(
        session,
        user,
        {
            "funder": books["municipality"].id,
            "centre": books["centre"].code,
            "title": "Social support subsidy",
            "start": date(2025, 1, 1),
            "recurring": True,
            "annual_amount": D("12000.00"),
        }
        | values,
    )


def _structural(session, books) -> D:
    figures = funding_share(session, books["national"], 2025, centre_code=books["centre"].code)
    return figures.centres[0].structural_income


def test_a_treasurers_structural_agreement_counts_only_once_confirmed(session, books):
    agreement = _agree(session, books["treasurer"], books)
    factories.income(
        session, books["centre"], "12000.00", agreement=agreement, funder=books["municipality"]
    )
    assert agreement.awaiting_confirmation
    assert _structural(session, books) == D("0.00")
    why = explain_agreement(session, agreement)
    assert why.startswith("incidental: awaiting confirmation by the national office")

    confirm_agreement(session, books["national"], agreement.id)

    assert not agreement.awaiting_confirmation
    assert _structural(session, books) == D("12000.00")
    assert verdict_of_agreement(session, agreement).structural
    events = session.scalars(
        select(AuditEvent).where(
            AuditEvent.entity == "funding_agreements",
            AuditEvent.entity_id == str(agreement.id),
            AuditEvent.action == "update",
        )
    ).all()
    assert any(e.after == {"awaiting_confirmation": False} for e in events)


def test_the_national_offices_own_agreement_needs_no_confirmation(session, books):
    agreement = _agree(session, books["national"], books)
    assert not agreement.awaiting_confirmation


def test_a_treasurers_incidental_agreement_awaits_nothing(session, books):
    agreement = _agree(session, books["treasurer"], books, recurring=False, end=date(2025, 12, 31))
    assert not agreement.awaiting_confirmation


def test_a_treasurers_change_that_makes_an_agreement_structural_awaits_confirmation(session, books):
    agreement = _agree(session, books["national"], books, recurring=False, end=date(2025, 6, 30))
    update_agreement(session, books["treasurer"], agreement, {"title": "renamed"})
    assert not agreement.awaiting_confirmation
    update_agreement(session, books["treasurer"], agreement, {"recurring": True})
    assert agreement.awaiting_confirmation


def test_a_treasurer_cannot_confirm(session, books):
    agreement = _agree(session, books["treasurer"], books)
    with pytest.raises(NotAllowed):
        confirm_agreement(session, books["treasurer"], agreement.id)
    assert agreement.awaiting_confirmation


def test_confirming_an_agreement_with_income_in_a_closed_year_is_refused(session, books):
    agreement = _agree(session, books["treasurer"], books, start=date(2024, 1, 1))
    factories.income(session, books["centre"], "500.00", agreement=agreement,
                     booking_date=date(2024, 5, 1))  # fmt: skip
    session.add(FiscalYearLock(year=2024))
    session.flush()
    with pytest.raises(ValueError, match="closed fiscal year"):
        confirm_agreement(session, books["national"], agreement.id)
    assert agreement.awaiting_confirmation


def test_the_trace_says_a_line_awaits_confirmation(session, books):
    agreement = _agree(session, books["treasurer"], books)
    factories.income(session, books["centre"], "100.00", agreement=agreement)
    line = trace(session, books["treasurer"], 2025, books["centre"].code).income_lines[0]
    assert line.awaiting and not line.structural
    assert "awaiting confirmation" in line.explanation


# That the figures' SQL, the words, the trace, the import preview and the API agree on every
# agreement is tests/test_structural_rule.py's property test.


# Screens: the office's dashboard lists it with a confirm button, the treasurer's centre page
# and the lines page say it awaits confirmation, and only the office's POST confirms it.


@pytest.fixture
def awaiting(session, books):
    agreement = _agree(session, books["treasurer"], books, title="Awaited subsidy")
    factories.income(session, books["centre"], "12000.00", agreement=agreement,
                     booking_date=date(2025, 2, 1))  # fmt: skip
    session.commit()
    return agreement


def test_the_treasurer_sees_her_agreement_awaiting_on_her_pages(client, login_as, books, awaiting):
    login_as("treasurer", books["centre"])
    code = books["centre"].code
    page = client.get(f"/centres/{code}?year=2025").get_data(as_text=True)
    assert "Awaiting confirmation" in page and "Awaited subsidy" in page
    assert 'action="/agreements/' not in page  # no confirm button for her
    lines = client.get(f"/centres/{code}/lines?year=2025").get_data(as_text=True)
    assert "awaiting confirmation" in lines
    assert client.post(f"/agreements/{awaiting.id}/confirm").status_code == 403
    assert awaiting.awaiting_confirmation


def test_the_national_office_confirms_from_the_dashboard(
    client, login_as, session, books, awaiting
):
    login_as("national")
    page = client.get("/dashboard?year=2025").get_data(as_text=True)
    assert f'data-awaiting="{awaiting.id}"' in page
    assert f'action="/agreements/{awaiting.id}/confirm"' in page
    assert _structural(session, books) == D("0.00")

    response = client.post(f"/agreements/{awaiting.id}/confirm")

    assert response.status_code == 302
    session.expire_all()
    assert not session.get(FundingAgreement, awaiting.id).awaiting_confirmation
    assert _structural(session, books) == D("12000.00")
    page = client.get("/dashboard?year=2025").get_data(as_text=True)
    assert f'data-awaiting="{awaiting.id}"' not in page


def test_confirming_twice_says_why_without_naming_the_field(client, login_as, books, awaiting):
    login_as("national")
    assert client.post(f"/agreements/{awaiting.id}/confirm").status_code == 302

    page = client.post(f"/agreements/{awaiting.id}/confirm", follow_redirects=True)

    text = page.get_data(as_text=True)
    assert f"agreement {awaiting.id} awaits no confirmation" in text
    assert "agreement: agreement" not in text


def test_the_auditor_sees_the_list_without_confirm_buttons(client, login_as, books, awaiting):
    login_as("auditor")
    page = client.get("/dashboard?year=2025").get_data(as_text=True)
    assert f'data-awaiting="{awaiting.id}"' in page
    assert 'action="/agreements/' not in page
    assert client.post(f"/agreements/{awaiting.id}/confirm").status_code == 403


def test_the_confirm_button_needs_its_csrf_token(app, session, books, awaiting):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        factories.signed_in(client, session, books["national"])
        factories.enrol_mfa(session, books["national"])
        session.commit()
        assert client.post(f"/agreements/{awaiting.id}/confirm").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert awaiting.awaiting_confirmation
