"""The income form splits a gift over earmarked funds with a row per fund (the inline list's
"Split over another fund" button), saved through the operations; a wrong sum is refused."""

from decimal import Decimal

import pytest
from sqlalchemy import select

from fundtrack.income.models import IncomeLine
from tests import factories


@pytest.fixture
def books(session, network):
    own = factories.centre(session, code="OWN", name="Inloophuis Eigen")
    clothes = factories.fund(session, own, name="Kledingbank")
    camp = factories.fund(session, own, name="Zomerkamp")
    return own, clothes, camp


def _form(own, clothes, camp, first, second, amount="100,00") -> dict:
    return {
        "centre": str(own.id), "booking_date": "01-03-2025", "amount": amount,
        "category": "other", "description": "collecte",
        "fund_parts-0-earmarked_fund": str(clothes.id), "fund_parts-0-amount": first,
        "fund_parts-1-earmarked_fund": str(camp.id), "fund_parts-1-amount": second,
    }  # fmt: skip


def test_the_form_books_a_split_gift(client, session, login_as, books):
    own, clothes, camp = books
    login_as("treasurer", centre=own, locale="nl")
    page = client.get("/admin/income-lines/new/").get_data(as_text=True)
    assert 'data-inline-add="fund_parts"' in page or "fund_parts" in page
    client.post("/admin/income-lines/new/", data=_form(own, clothes, camp, "60,50", "39,50"))
    line = session.scalars(select(IncomeLine)).one()
    assert [(p.earmarked_fund_id, p.amount) for p in line.fund_parts] == [
        (clothes.id, Decimal("60.50")), (camp.id, Decimal("39.50")),
    ]  # fmt: skip


def test_the_form_refuses_parts_that_do_not_add_up_naming_the_funds(
    client, session, login_as, books
):
    own, clothes, camp = books
    login_as("treasurer", centre=own, locale="en")
    page = client.post(
        "/admin/income-lines/new/", data=_form(own, clothes, camp, "60.00", "30.00", "100.00")
    ).get_data(as_text=True)
    assert session.scalars(select(IncomeLine)).first() is None
    assert "Split over earmarked funds: the parts add up to" in page


def test_editing_a_split_line_keeps_changes_and_unsplits(client, session, login_as, books):
    own, clothes, camp = books
    login_as("treasurer", centre=own, locale="en")
    client.post(
        "/admin/income-lines/new/", data=_form(own, clothes, camp, "60.00", "40.00", "100.00")
    )
    line = session.scalars(select(IncomeLine)).one()
    first, second = line.fund_parts
    edit = _form(own, clothes, camp, "70.00", "50.00", "120.00") | {
        "fund_parts-0-id": str(first.id), "fund_parts-1-id": str(second.id),
    }  # fmt: skip
    client.post(f"/admin/income-lines/edit/?id={line.id}", data=edit)
    session.expire_all()
    assert [p.amount for p in line.fund_parts] == [Decimal("70.00"), Decimal("50.00")]
    unsplit = edit | {"earmarked_fund": str(camp.id), "del-fund_parts-0": "y",
                      "del-fund_parts-1": "y"}  # fmt: skip
    client.post(f"/admin/income-lines/edit/?id={line.id}", data=unsplit)
    session.expire_all()
    assert (line.earmarked_fund_id, line.fund_parts) == (camp.id, [])
