"""Batch entry's funds column: one fund by name, or a gift split ("Kledingbank 60;
Zomerkamp 40", amounts as typed in the user's language); refusals beside the row's funds."""

from decimal import Decimal

import pytest

from fundtrack.income.batch import book_batch
from fundtrack.income.batch_rows import Row
from fundtrack.income.funds import fund_balances
from tests import factories


@pytest.fixture
def centre(session, network):
    return factories.centre(session, code="HLM", name="Inloophuis Haarlem")


@pytest.fixture
def treasurer(session, centre):
    return factories.user(session, role="treasurer", centre=centre)


@pytest.fixture
def funds(session, centre):
    return factories.fund(session, centre, name="Kledingbank"), factories.fund(
        session, centre, name="Zomer kamp"
    )


def _row(number, amount, funds_typed):
    return Row(number, "12-6-2025", "", "other", amount, "collecte", funds=funds_typed)


def _book(session, treasurer, centre, rows, total, locale="nl"):
    return book_batch(
        session, treasurer, centre, rows, expected_count=len(rows),
        expected_total=Decimal(total), locale=locale,
    )  # fmt: skip


def test_rows_book_one_fund_or_a_split_in_dutch_amounts(session, centre, treasurer, funds):
    clothes, camp = funds
    rows = [
        _row(1, "1.000,00", "kledingbank 600,50; Zomer kamp"),
        _row(2, "25,00", "Zomer kamp"),
        _row(3, "10,00", ""),
    ]
    result = _book(session, treasurer, centre, rows, "1035.00")
    assert result.booked, result.errors
    split, single, none = result.lines
    assert [(p.earmarked_fund_id, p.amount) for p in split.fund_parts] == [
        (clothes.id, Decimal("600.50")), (camp.id, Decimal("399.50")),
    ]  # fmt: skip
    assert (single.earmarked_fund_id, none.earmarked_fund_id) == (camp.id, None)
    balances = {b.name: b.income_year for b in fund_balances(session, treasurer, centre.id, 2025)}
    assert balances == {"Kledingbank": Decimal("600.50"), "Zomer kamp": Decimal("424.50")}


def test_a_split_that_does_not_add_up_is_refused_beside_the_rows_funds(
    session, centre, treasurer, funds
):
    rows = [
        _row(1, "100,00", "Kledingbank 60; Zomer kamp 30"),
        _row(2, "5,00", "Speeltuin"),
        _row(3, "5,00", "Kledingbank 2.5"),
    ]
    result = _book(session, treasurer, centre, rows, "110.00")
    assert not result.booked and result.lines == []
    assert set(result.errors) == {1, 2, 3}
    assert "not to the line's amount" in result.errors[1]["funds"][0]
    assert "no earmarked fund is called 'Speeltuin'" in result.errors[2]["funds"][0]
    assert list(result.errors[3]) == ["funds"]  # 2.5 is no Dutch amount


def test_the_batch_screen_has_a_funds_column_and_shows_its_refusal(client, login_as, centre, funds):
    login_as("treasurer", centre=centre, locale="en")
    page = client.get("/income/batch").get_data(as_text=True)
    assert 'name="rows-0-funds"' in page and "Kledingbank 60; Zomer kamp 40" in page
    response = client.post(
        "/income/batch",
        data={
            "expected_count": "1", "expected_total": "100.00",
            "rows-0-date": "2025-06-12", "rows-0-category": "other", "rows-0-amount": "100.00",
            "rows-0-funds": "Kledingbank 70; Zomer kamp 40",
        },
        headers={"X-Requested-With": "fetch"},
    )  # fmt: skip
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "the parts add up to" in page
    assert 'value="Kledingbank 70; Zomer kamp 40"' in page
