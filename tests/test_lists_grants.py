"""The admin's grant list like the books' lists: totals of the awarded amounts of exactly the
filtered applications, filters, search by the funder's name, and exports of those rows."""

import csv
import io
import re

import pytest
from flask_babel import force_locale
from flask_login import login_user
from openpyxl import load_workbook

from fundtrack.income.models import Funder
from tests import factories
from tests.grant_helpers import awarded, grant


@pytest.fixture
def grants(session, network):
    own = factories.centre(session, code="OWN", name="Inloophuis Eigen")
    other = factories.centre(session, code="OTH", name="Inloophuis Ander")
    dam = factories.funder(session, name="Stiftelsen Dam", type="foundation")
    fonds = factories.funder(session, name="Oranje Fonds", type="foundation")
    awarded(session, own, "1000.50", funder=dam, project_name="Companion service")
    awarded(session, own, "250.25", funder=fonds, project_name="Summer camp")
    grant(session, own, funder=fonds, project_name="Draft idea")
    awarded(session, other, "99.99", funder=dam, project_name="Their project")
    return own, other


def _arg(app, user, group: str) -> str:
    with app.test_request_context():
        login_user(user)
        view = next(v for v in app.extensions["admin"][0]._views if v.endpoint == "admin_grants")
        with force_locale("en"):
            return view._get_filter_groups()[group][0]["arg"]


def _totals(page: str) -> dict[str, str]:
    return {
        k: v.replace("\xa0", " ") for k, v in re.findall(r'data-currency="(\w+)">([^<]+)<', page)
    }


def test_the_grant_list_totals_the_awarded_amounts(client, login_as, grants):
    login_as("national")
    page = client.get("/admin/grants/").get_data(as_text=True)
    assert 'id="list-count">4 lines' in page
    # 1,000.50 + 250.25 + 99.99 (the draft has nothing awarded)
    assert _totals(page)["EUR"] == "€ 1.350,74"


def test_the_state_filter_narrows_the_rows_and_their_total(app, client, login_as, grants):
    user = login_as("national")
    state = _arg(app, user, "State")
    page = client.get("/admin/grants/", query_string={f"flt0_{state}": "draft"})
    text = page.get_data(as_text=True)
    assert "Draft idea" in text and "Summer camp" not in text
    assert 'id="list-count">1 line' in text


def test_the_centre_filter_and_a_treasurer_see_their_own(app, client, login_as, grants):
    own, _other = grants
    user = login_as("national")
    centre = _arg(app, user, "Applicant")
    page = client.get("/admin/grants/", query_string={f"flt0_{centre}": own.id})
    assert _totals(page.get_data(as_text=True))["EUR"] == "€ 1.250,75"
    login_as("treasurer", centre=own)
    assert "Their project" not in client.get("/admin/grants/").get_data(as_text=True)


def test_searching_a_funders_name_finds_its_applications(client, login_as, grants):
    login_as("national")
    text = client.get("/admin/grants/?search=dam").get_data(as_text=True)
    assert "Companion service" in text and "Summer camp" not in text
    assert 'id="list-count">2 lines' in text


def test_the_csv_export_holds_exactly_the_filtered_rows(app, client, session, login_as, grants):
    user = login_as("national", locale="nl")
    funder = _arg(app, user, "Funder")
    fonds = factories.first(session, Funder, name="Oranje Fonds")
    response = client.get("/admin/grants/download/csv/", query_string={f"flt0_{funder}": fonds.id})
    assert response.status_code == 200
    rows = list(
        csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    header, body = rows[0], rows[1:]
    assert sorted(row[header.index("Project")] for row in body) == ["Draft idea", "Summer camp"]
    assert "250,25" in {row[header.index("Toegekend")] for row in body}


def test_the_xlsx_export_has_amounts_as_numbers(client, login_as, grants):
    login_as("auditor")
    response = client.get("/admin/grants/download/xlsx/")
    sheet = load_workbook(io.BytesIO(response.data)).active
    header = [cell.value for cell in sheet[1]]
    awarded_amounts = [
        row[header.index("Awarded")] for row in sheet.iter_rows(min_row=2, values_only=True)
    ]
    assert sorted(a for a in awarded_amounts if a is not None) == [99.99, 250.25, 1000.5]
