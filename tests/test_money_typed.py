"""Money as people type it: the user's language decides the separators, cents are exact."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from fundtrack.errors import ValidationError
from fundtrack.income.models import IncomeLine
from fundtrack.income.operations import book_income
from fundtrack.money import parse_amount
from tests import factories


@pytest.mark.no_db
@pytest.mark.parametrize(
    ("locale", "typed", "amount"),
    [
        ("nl", "1.234,56", "1234.56"),
        ("nl", "1234,56", "1234.56"),
        ("nl", "12,5", "12.50"),
        ("nl", "1.234", "1234.00"),
        ("nb", "1 234,56", "1234.56"),
        ("nb", "1\u00a0234,56", "1234.56"),
        ("nb", "1234,56", "1234.56"),
        ("en", "1,234.56", "1234.56"),
        ("en", "  99.9 ", "99.90"),
    ],
)
def test_an_amount_is_read_as_written_in_the_users_language(locale, typed, amount):
    assert parse_amount(typed, locale) == Decimal(amount)


@pytest.mark.no_db
@pytest.mark.parametrize(
    ("locale", "typed"),
    [
        ("nl", "1,2345"),
        ("nl", "12.345,678"),
        ("nl", "1e3"),
        ("nl", "1234.56"),
        ("nl", "12.5"),
        ("nl", "€ 5"),
        ("nl", "1.23.4"),
        ("nl", "1.000.000.000.000,00"),
        ("nb", "1.234,56"),
        ("en", "1.234,56"),
        ("en", "NaN"),
        ("en", ""),
    ],
)
def test_ambiguous_or_malformed_amounts_are_refused_naming_the_field(locale, typed):
    with pytest.raises(ValidationError) as refused:
        parse_amount(typed, locale, field="annual_amount")
    assert refused.value.field == "annual_amount"


@pytest.mark.parametrize(
    ("language", "typed"),
    [("nl", "1.234,56"), ("nl", "1234,56"), ("nb", "1 234,56"), ("en", "1,234.56")],
)
def test_the_admin_books_what_a_user_types_in_their_language(
    client, session, login_as, language, typed
):
    centre = factories.centre(session)
    login_as("treasurer", centre, locale=language)
    form = client.get("/admin/income-lines/new/").get_data(as_text=True)
    assert 'inputmode="decimal"' in form and 'type="number"' not in form
    response = client.post(
        "/admin/income-lines/new/",
        data={"centre": str(centre.id), "booking_date": "2025-05-01", "amount": typed,
              "category": "individuals", "reference": f"typed-{language}"},
    )  # fmt: skip
    assert response.status_code == 302
    line = factories.first(session, IncomeLine, reference=f"typed-{language}")
    assert line.amount == Decimal("1234.56")


@pytest.mark.parametrize("typed", ["1,2345", "12.345,678", "1e3", "1,234"])
def test_the_admin_refuses_what_is_not_an_amount_in_dutch_and_saves_nothing(
    client, session, login_as, typed
):
    centre = factories.centre(session)
    login_as("treasurer", centre, locale="nl")
    page = client.post(
        "/admin/income-lines/new/",
        data={"centre": str(centre.id), "booking_date": "2025-05-01", "amount": typed,
              "category": "individuals"},
    ).get_data(as_text=True)  # fmt: skip
    assert session.scalar(select(IncomeLine.id).where(IncomeLine.centre_id == centre.id)) is None
    # Batch entry's refusals, in Dutch as there.
    assert "heeft meer dan twee decimalen" in page or "is geen bedrag" in page
    assert "is not an amount" not in page and "two decimals" not in page


def test_an_edit_form_shows_the_amount_in_the_users_language(client, session, login_as):
    centre = factories.centre(session)
    line = factories.income(session, centre, amount=Decimal("1234.50"))
    login_as("treasurer", centre, locale="nl")
    page = client.get(f"/admin/income-lines/edit/?id={line.id}").get_data(as_text=True)
    assert 'value="1.234,50"' in page


def test_three_decimals_are_refused_by_the_operations_on_every_path(session, network):
    centre = factories.centre(session)
    national = factories.user(session, role="national")
    values = {"centre": centre.code, "date": date(2025, 5, 1), "category": "individuals"}
    with pytest.raises(ValidationError) as refused:
        book_income(session, national, values | {"amount": Decimal("1.234")})
    assert refused.value.field == "amount"
    with pytest.raises(ValidationError):
        book_income(session, national, values | {"amount": Decimal("1000000000000.00")})


def test_the_api_refuses_three_decimals_naming_the_field(client, session, network):
    from tests.api_helpers import ApiCaller

    centre = factories.centre(session)
    api = ApiCaller(client, session).as_("treasurer", centre)
    response = api.post("/income", json={"centre": centre.code, "date": "2025-05-01",
                                         "amount": "1.234", "category": "individuals"})  # fmt: skip
    assert response.status_code == 422
    assert "amount" in response.get_json()["errors"]
    assert session.scalar(select(IncomeLine.id).where(IncomeLine.centre_id == centre.id)) is None
