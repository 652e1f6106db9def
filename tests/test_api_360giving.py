"""/api/v1/grants/360giving: the screens' 360Giving package and CSV, for the same users."""

import csv
import io
import json

import pytest

from fundtrack.auth.tokens import issue_token
from fundtrack.grants import giving360
from tests import factories
from tests.api_helpers import ApiCaller
from tests.grant_helpers import awarded, grant


@pytest.fixture
def api(client, session, network):
    return ApiCaller(client, session)


@pytest.fixture
def funded(session, network):
    """Two centres' awarded grants, a draft, and the national office's awarded grant."""
    own = factories.centre(session, code="OWN", name="Inloophuis Eigen")
    other = factories.centre(session, code="OTHER", name="Inloophuis Ander")
    dam = factories.funder(session, type="foundation", name="Stiftelsen Dam")
    mine = awarded(session, own, amount="500000.00", funder=dam, project_name="Eigen project")
    factories.income(session, own, "200000.00", funder=dam, grant=mine)
    theirs = awarded(session, other, amount="1000.50", funder=dam, project_name="Ander project")
    grant(session, own, project_name="Still a draft")
    national = awarded(session, None, amount="2000.00", project_name="Landelijk project")
    return {"own": mine, "other": theirs, "national": national}


def _without_modified(package: dict) -> dict:
    # Stamped with the moment of the request: the screen's and the API's differ by a second.
    return package | {"grants": [g | {"dateModified": None} for g in package["grants"]]}


def _screen_and_token(client, session, role):
    """A user of `role` signed in to the screens, and a token of the same user."""
    user = factories.user(session, role=role)
    if role in client.application.config["MFA_REQUIRED_ROLES"]:
        factories.enrol_mfa(session, user)
    factories.signed_in(client, session, user)
    _row, token = issue_token(session, user, "360giving test")
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("role", ["national", "auditor", "admin"])
def test_the_apis_package_is_the_screens_for_the_same_user(client, session, funded, role):
    headers = _screen_and_token(client, session, role)

    screen = json.loads(client.get("/grants/360giving.json").get_data(as_text=True))
    response = client.get("/api/v1/grants/360giving", headers=headers)

    assert response.status_code == 200 and response.mimetype == "application/json"
    assert _without_modified(response.get_json()) == _without_modified(screen)
    assert giving360.validation_errors(response.get_json()) == []
    titles = {g["title"] for g in response.get_json()["grants"]}
    assert titles == {"Eigen project", "Ander project", "Landelijk project"}


def test_the_csv_parses_and_holds_the_screens_rows(client, session, funded):
    headers = _screen_and_token(client, session, "national")

    response = client.get("/api/v1/grants/360giving.csv", headers=headers)

    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    screen = client.get("/grants/360giving.csv").get_data(as_text=True)
    expected = list(csv.DictReader(io.StringIO(screen)))
    assert [r["Identifier"] for r in rows] == [r["Identifier"] for r in expected]
    own = next(r for r in rows if r["Title"] == "Eigen project")
    assert own["Recipient Org:Identifier"] == "360G-fundtrack-centre-OWN"
    assert own["Amount Awarded"] == "500000" and own["Amount Disbursed"] == "200000"


def test_a_treasurer_is_refused_as_on_the_screen(client, api, session, funded, login_as):
    caller = api.as_("treasurer", funded["own"].centre)

    for path in ("/grants/360giving", "/grants/360giving.csv"):
        response = caller.get(path)
        assert response.status_code == 403
        assert response.get_json()["code"] == 403 and "leak" not in response.get_data(as_text=True)
    login_as("treasurer", funded["own"].centre)
    assert client.get("/grants/360giving.json").status_code == 403


def test_without_a_token_the_export_is_401(client, session, funded):
    for path in ("/api/v1/grants/360giving", "/api/v1/grants/360giving.csv"):
        response = client.get(path)
        assert response.status_code == 401 and response.get_json()["code"] == 401


def test_an_invalid_export_is_422_with_the_schemas_errors(api, session, network):
    grant(session, factories.centre(session), project_name="Only a draft")
    caller = api.as_("national")

    for path in ("/grants/360giving", "/grants/360giving.csv"):
        response = caller.get(path)
        assert response.status_code == 422
        body = response.get_json()
        assert body["status"] == "Unprocessable Entity" and "360Giving" in body["message"]
        assert any("grants" in error for error in body["errors"]["grants"]), body
