"""No silent incidental: a line booked to a funder gets its running agreement, or a question."""

from datetime import date
from decimal import Decimal

import pytest

from fundtrack.income.agreements import (
    CentreAgreements,
    IncidentalUnconfirmed,
    structural_agreements,
)
from fundtrack.income.models import FunderType
from fundtrack.income.operations import book_income, book_income_batch
from tests import factories


@pytest.fixture
def centre(session, network):
    return factories.centre(session, code="HLM")


@pytest.fixture
def treasurer(session, centre):
    return factories.user(session, role="treasurer", centre=centre)


@pytest.fixture
def town(session):
    return factories.funder(session, name="Gemeente Haarlem", type=FunderType.MUNICIPALITY)


def line(**values) -> dict:
    return {"centre": "HLM", "date": date(2026, 3, 15), "amount": Decimal("500.00")} | values


def one_off(session, centre, funder, title, start=date(2026, 1, 1), end=date(2026, 6, 30)):
    """An agreement of half a year, not recurring: incidental by the rule."""
    return factories.agreement(session, centre, funder, title=title, start_date=start,
                               end_date=end, recurring=False)  # fmt: skip


def test_a_funder_with_one_running_agreement_gets_it_filled_in(session, centre, treasurer, town):
    factories.agreement(session, centre, town, title="Subsidie 2024", start_date=date(2024, 1, 1),
                        end_date=date(2025, 12, 31))  # fmt: skip
    running = factories.agreement(session, centre, town, title="Subsidie 2026",
                                  start_date=date(2026, 1, 1))  # fmt: skip
    booked = book_income(session, treasurer, line(funder=town.id))
    assert booked.agreement_id == running.id and booked.funder_id == town.id
    assert structural_agreements(session, [booked.agreement_id]) == {running.id}


def test_an_incidental_agreement_running_alone_is_filled_in_too(session, centre, treasurer, town):
    project = one_off(session, centre, town, "Project voorjaar")
    booked = book_income(session, treasurer, line(funder=town.id))
    assert booked.agreement_id == project.id
    assert structural_agreements(session, [project.id]) == set()


def test_a_funder_without_a_running_agreement_is_booked_to_the_funder_alone(
    session, centre, treasurer, town
):
    one_off(session, centre, town, "Project 2025", date(2025, 1, 1), date(2025, 6, 30))
    booked = book_income(session, treasurer, line(funder=town.id))
    assert booked.agreement_id is None


def test_several_running_with_a_structural_one_ask_a_confirmation_that_names_it(
    session, centre, treasurer, town
):
    structural = factories.agreement(session, centre, town, title="Subsidie 2026",
                                     start_date=date(2026, 1, 1))  # fmt: skip
    one_off(session, centre, town, "Project voorjaar")
    with pytest.raises(IncidentalUnconfirmed) as asked:
        book_income(session, treasurer, line(funder=town.id))
    assert asked.value.field == "agreement"
    assert asked.value.message == (
        "Gemeente Haarlem has a structural agreement 'Subsidie 2026' running on Mar 15, 2026:"
        " book the line to it, or confirm it is incidental"
    )
    assert [a.id for a in asked.value.agreements] == [structural.id]
    confirmed = book_income(session, treasurer, line(funder=town.id), confirm_incidental=True)
    assert confirmed.agreement_id is None and confirmed.funder_id == town.id
    assert structural_agreements(session, [confirmed.agreement_id]) == set()


def test_several_running_without_a_structural_one_pick_none_silently(
    session, centre, treasurer, town
):
    one_off(session, centre, town, "Project voorjaar")
    one_off(session, centre, town, "Project zomer", date(2026, 3, 1), date(2026, 8, 31))
    assert book_income(session, treasurer, line(funder=town.id)).agreement_id is None


def test_the_confirmation_books_the_funder_alone_even_with_one_running_agreement(
    session, centre, treasurer, town
):
    factories.agreement(session, centre, town, title="Subsidie 2026", start_date=date(2026, 1, 1))
    booked = book_income(session, treasurer, line(funder=town.id), confirm_incidental=True)
    assert booked.agreement_id is None


def test_a_batch_item_carries_its_own_confirmation_and_the_refusal_names_its_index(
    session, centre, treasurer, town
):
    factories.agreement(session, centre, town, title="Subsidie 2026", start_date=date(2026, 1, 1))
    one_off(session, centre, town, "Project voorjaar")
    items = [line(category="other"), line(funder=town.id, amount=Decimal("7.00"))]
    with pytest.raises(IncidentalUnconfirmed) as asked, session.begin_nested():
        book_income_batch(session, treasurer, items)
    assert asked.value.errors == {"1": {"agreement": [asked.value.message]}}
    items[1]["confirm_incidental"] = True
    booked = book_income_batch(session, treasurer, items)
    assert booked[1].agreement_id is None


def test_another_centres_agreements_are_not_this_centres(session, centre, treasurer, town):
    other = factories.centre(session, code="ZWL")
    factories.agreement(session, other, town, title="Subsidie Zwolle", start_date=date(2026, 1, 1))
    assert book_income(session, treasurer, line(funder=town.id)).agreement_id is None


def test_pickers_offer_the_agreements_running_on_the_day_first(session, centre, town):
    old = factories.agreement(session, centre, town, title="Subsidie 2020",
                              start_date=date(2020, 1, 1), end_date=date(2020, 12, 31))  # fmt: skip
    running = factories.agreement(session, centre, town, title="Subsidie 2026",
                                  start_date=date(2026, 1, 1))  # fmt: skip
    offered = CentreAgreements.load(session, centre.id).offered(date(2026, 3, 15))
    assert [a.id for a in offered] == [running.id, old.id]
    assert offered[0].label == "Gemeente Haarlem: Subsidie 2026" and offered[0].structural
