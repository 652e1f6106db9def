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


def test_the_list_shows_a_split_and_its_funds_filter_finds_it(
    app, client, session, login_as, books
):
    from flask_login import login_user

    from tests.test_lists_filters import _list_views

    own, clothes, camp = books
    user = login_as("treasurer", centre=own, locale="en")
    client.post(
        "/admin/income-lines/new/", data=_form(own, clothes, camp, "60.00", "40.00", "100.00")
    )
    factories.income(session, own, "7.00", earmarked_fund=clothes, description="own-fund")
    factories.income(session, own, "9.00", description="no-fund")
    with app.test_request_context():
        login_user(user)
        view = next(v for v in _list_views(app) if v.endpoint == "admin_income_lines")
        groups = view._get_filter_groups()
    fund = next(iter(groups["Earmarked fund"]))
    page = client.get("/admin/income-lines/").get_data(as_text=True)
    # Money as the network writes it (a Dutch network here).
    assert "Kledingbank € 60,00; Zomerkamp € 40,00" in page.replace("\xa0", " ")
    for chosen, shown in ((camp, {"collecte"}), (clothes, {"collecte", "own-fund"})):
        found = client.get("/admin/income-lines/", query_string={f"flt0_{fund['arg']}": chosen.id})
        text = found.get_data(as_text=True)
        assert f'id="list-count">{len(shown)} line' in text
        assert "no-fund" not in text


def test_the_download_names_a_split_lines_parts_as_the_list_does(client, session, login_as, books):
    own, clothes, camp = books
    login_as("treasurer", centre=own, locale="nl")
    client.post("/admin/income-lines/new/", data=_form(own, clothes, camp, "60,50", "39,50"))
    factories.income(session, own, "5.00", earmarked_fund_id=camp.id, reference="los")
    listed = client.get("/admin/income-lines/").get_data(as_text=True)
    download = client.get("/admin/income-lines/download/csv/").get_data(as_text=True)
    for words in ("Kledingbank € 60,50; Zomerkamp € 39,50", "Zomerkamp"):
        assert words in listed.replace("\xa0", " ")
        assert words in download.replace("\xa0", " ")
