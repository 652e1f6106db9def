"""Screen, API, export and PDF report the same basis and the same warnings for a figure."""

import csv
import io

import pytest
from sqlalchemy import select

from fundtrack.centres.closing import close_year
from fundtrack.costs.models import ActualsDeclaration, CostKind
from fundtrack.reports.centre_report import centre_pdf
from tests import factories
from tests.api_helpers import ApiCaller
from tests.cost_basis_case import running_year_with_one_actual_line
from tests.reports_helpers import pdf_text


@pytest.fixture
def books(session):
    return running_year_with_one_actual_line(session)


@pytest.fixture
def api(client, session):
    return ApiCaller(client, session)


def _export(client, running) -> dict:
    rows = list(
        csv.reader(
            io.StringIO(client.get("/centres/HLM/figures.csv").get_data().decode("utf-8-sig"))
        )
    )
    header = rows[0]
    mine = next(row for row in rows[1:] if str(running) in row)
    return dict(zip(header, mine, strict=True))


def _declare(session, centre, year):
    session.add(ActualsDeclaration(centre_id=centre.id, year=year))
    session.flush()


def test_every_path_says_the_running_year_stands_on_its_budget(client, session, login_as, books):
    centre, running = books
    treasurer = login_as("treasurer", centre=centre)
    html = client.get(f"/centres/HLM?year={running}").get_data(True)
    assert "€\xa0106.100,00" in html and 'id="costs-basis">budget</a>' in html
    assert "Actual costs booked: €\xa02.000,00" in html
    assert "49,2%" in html and "⚠" not in html

    exported = _export(client, running)
    assert (exported["Costs basis"], exported["Structural share"]) == ("budget", "0.492460")
    assert exported["Check"] == ""

    body = ApiCaller(client, session).as_("national").get(
        f"/funding-share?year={running}&centre=HLM"
    ).get_json()  # fmt: skip
    figures = body["centres"][0]
    assert (figures["costs"], figures["costs_basis"], figures["warnings"]) == (
        "106100.00", "budget", []
    )  # fmt: skip
    assert (figures["budget_costs"], figures["actual_costs"]) == ("106100.00", "2000.00")

    text = pdf_text(centre_pdf(session, treasurer, "HLM", running, "en"))
    assert "€ 106.100,00 (budget)" in text and "49,2%" in text


def test_every_path_warns_once_the_incomplete_actuals_are_declared(
    client, session, login_as, books
):
    centre, running = books
    treasurer = login_as("treasurer", centre=centre)
    _declare(session, centre, running)
    html = client.get(f"/centres/HLM?year={running}").get_data(True)
    assert 'data-warning="share_above_costs" data-cause="costs_incomplete"' in html
    assert "at target" not in html  # never a bare "meets the target"

    exported = _export(client, running)
    assert exported["Costs basis"] == "actual costs"
    assert exported["Check"].startswith("Check: structural income exceeds all the costs")

    figures = ApiCaller(client, session).as_("national").get(
        f"/funding-share?year={running}&centre=HLM"
    ).get_json()["centres"][0]  # fmt: skip
    assert figures["costs_basis"] == "actual"
    assert figures["warnings"] == [
        {"code": "share_above_costs", "cause": "costs_incomplete", "previous_share": None}
    ]

    text = pdf_text(centre_pdf(session, treasurer, "HLM", running, "en"))
    assert "structural income exceeds all the costs" in text
    assert "at target" not in text


def test_the_declaration_page_shows_both_totals_and_switches_the_basis(
    client, session, login_as, books
):
    centre, running = books
    login_as("treasurer", centre=centre)
    page = client.get(f"/centres/HLM/costs/{running}").get_data(True)
    assert 'data-kind="budget">€\xa0106.100,00' in page
    assert 'data-kind="actual">€\xa02.000,00' in page
    assert 'id="declare"' in page

    answer = client.post(f"/centres/HLM/costs/{running}")
    assert answer.status_code == 302
    assert session.scalar(select(ActualsDeclaration.year).filter_by(centre_id=centre.id)) == running
    page = client.get(f"/centres/HLM/costs/{running}").get_data(True)
    assert 'id="withdraw"' in page
    client.post(f"/centres/HLM/costs/{running}")
    assert session.scalar(select(ActualsDeclaration.id).filter_by(centre_id=centre.id)) is None


def test_another_centres_treasurer_and_an_auditor_cannot_declare(client, session, login_as, books):
    centre, running = books
    login_as("treasurer", centre=factories.centre(session, code="ASN"))
    assert client.get(f"/centres/HLM/costs/{running}").status_code == 404
    assert client.post(f"/centres/HLM/costs/{running}").status_code == 404
    login_as("auditor")
    page = client.get(f"/centres/HLM/costs/{running}").get_data(True)
    assert 'id="declare"' not in page
    assert client.post(f"/centres/HLM/costs/{running}").status_code == 403
    assert session.scalar(select(ActualsDeclaration.id)) is None


def test_the_api_declares_and_withdraws_and_refuses_a_closed_year(api, session, books):
    centre, running = books
    treasurer = api.as_("treasurer", centre=centre)
    body = treasurer.get(f"/cost-basis/HLM/{running}").get_json()
    assert (body["basis"], body["budget"], body["actual"], body["declared"]) == (
        "budget", "106100.00", "2000.00", False
    )  # fmt: skip
    declared = treasurer.patch(f"/cost-basis/HLM/{running}", json={"declared": True})
    assert declared.status_code == 200 and declared.get_json()["basis"] == "actual"
    again = treasurer.patch(f"/cost-basis/HLM/{running}", json={"declared": True})
    assert again.status_code == 409 and "year" in again.get_json()["errors"]
    withdrawn = treasurer.patch(f"/cost-basis/HLM/{running}", json={"declared": False})
    assert withdrawn.get_json()["basis"] == "budget"

    factories.cost(session, centre, "90000.00", kind=CostKind.ACTUAL, year=running - 1)
    close_year(session, factories.user(session, "national"), running - 1)
    refused = treasurer.patch(f"/cost-basis/HLM/{running - 1}", json={"declared": False})
    assert refused.status_code == 422 and "closed" in refused.get_json()["errors"]["year"][0]


def test_the_api_answers_another_centres_year_as_unknown(api, session, books):
    _centre, running = books
    stranger = api.as_("treasurer", centre=factories.centre(session, code="ASN"))
    assert stranger.get(f"/cost-basis/HLM/{running}").status_code == 404
    assert stranger.patch(f"/cost-basis/HLM/{running}", json={"declared": True}).status_code == 404


def test_the_national_office_gets_the_ended_years_still_on_budget(api, session, books):
    centre, running = books
    factories.cost(session, centre, "100000.00", kind=CostKind.BUDGET, year=running - 1)
    body = api.as_("national").get("/cost-basis/still-on-budget").get_json()
    assert body == {
        "total": 1,
        "items": [{"centre": "HLM", "year": running - 1, "budget": "100000.00", "actual": "0.00"}],
    }
