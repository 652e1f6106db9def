"""The income form and the income list: a funder's running agreement is filled in or asked
about, and every listed line says whether it is structural or incidental."""

from datetime import date

import pytest
from sqlalchemy import select

from fundtrack.income.models import FunderType, IncomeLine
from tests import factories


@pytest.fixture
def centre(session, network):
    return factories.centre(session, code="HLM", name="Inloophuis Haarlem")


@pytest.fixture
def town(session):
    return factories.funder(session, name="Gemeente Haarlem", type=FunderType.MUNICIPALITY)


@pytest.fixture
def agreements(session, centre, town):
    subsidy = factories.agreement(session, centre, town, title="Subsidie 2026",
                                  start_date=date(2026, 1, 1))  # fmt: skip
    project = factories.agreement(session, centre, town, title="Project voorjaar",
                                  start_date=date(2026, 1, 1), end_date=date(2026, 6, 30),
                                  recurring=False)  # fmt: skip
    return subsidy, project


def booked(session, reference) -> IncomeLine | None:
    return session.scalar(select(IncomeLine).where(IncomeLine.reference == reference))


def form(centre, town, reference, **extra) -> dict:
    return {
        "centre": str(centre.id), "booking_date": "2026-03-15", "amount": "500.00",
        "funder": str(town.id), "reference": reference,
    } | extra  # fmt: skip


def test_the_income_form_fills_in_a_funders_only_running_agreement(
    client, session, login_as, centre, town
):
    subsidy = factories.agreement(session, centre, town, title="Subsidie 2026",
                                  start_date=date(2026, 1, 1))  # fmt: skip
    login_as("treasurer", centre=centre, locale="en")
    response = client.post("/admin/income-lines/new/", data=form(centre, town, "march"))
    assert response.status_code == 302
    assert booked(session, "march").agreement_id == subsidy.id


def test_the_income_form_asks_before_booking_a_funder_alone_and_books_it_once_confirmed(
    client, session, login_as, centre, town, agreements
):
    login_as("treasurer", centre=centre, locale="en")
    asked = client.post("/admin/income-lines/new/", data=form(centre, town, "march"),
                        follow_redirects=True)  # fmt: skip
    page = asked.get_data(as_text=True)
    assert booked(session, "march") is None
    assert ("Gemeente Haarlem has a structural agreement &#39;Subsidie 2026&#39; running on"
            " Mar 15, 2026: book the line to it, or confirm it is incidental") in page  # fmt: skip
    assert 'name="confirm_incidental"' in page
    confirmed = client.post(
        "/admin/income-lines/new/", data=form(centre, town, "march", confirm_incidental="y")
    )
    assert confirmed.status_code == 302
    line = booked(session, "march")
    assert line.funder_id == town.id and line.agreement_id is None


def test_the_agreement_picker_offers_the_running_agreements_first(
    client, session, login_as, centre, town, agreements
):
    factories.agreement(session, centre, town, title="Subsidie 2019", start_date=date(2019, 1, 1),
                        end_date=date(2019, 12, 31))  # fmt: skip
    login_as("treasurer", centre=centre, locale="en")
    with client.session_transaction() as cookie:
        cookie["fundtrack_last_booking_date"] = "2026-03-15"
    page = client.get("/admin/income-lines/new/").get_data(as_text=True)
    picker = page[page.index('id="agreement"') :]
    picker = picker[: picker.index("</select>")]
    assert picker.index("Subsidie 2026") < picker.index("Subsidie 2019")
    assert picker.index("Project voorjaar") < picker.index("Subsidie 2019")


def test_the_income_list_says_structural_or_incidental_per_line(
    client, session, login_as, centre, town, agreements
):
    subsidy, project = agreements
    factories.income(session, centre, "500.00", funder=town, agreement=subsidy,
                     category="government_subsidies", reference="under-subsidy")  # fmt: skip
    factories.income(session, centre, "40.00", funder=town, agreement=project,
                     category="government_subsidies", reference="under-project")  # fmt: skip
    factories.income(session, centre, "25.00", category="individuals", reference="a-gift")
    login_as("treasurer", centre=centre, locale="en")
    page = " ".join(client.get("/admin/income-lines/").get_data(as_text=True).split())
    assert "Structural or incidental" in page
    rows = {}
    for reference in ("under-subsidy", "under-project", "a-gift"):
        start = page.rindex("<tr", 0, page.index(reference))
        rows[reference] = page[start : page.index("</tr>", start)]
    assert '<td class="col-structural"> structural </td>' in rows["under-subsidy"]
    assert '<td class="col-structural"> incidental </td>' in rows["under-project"]
    assert '<td class="col-structural"> incidental </td>' in rows["a-gift"]
