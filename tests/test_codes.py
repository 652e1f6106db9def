"""Region and centre codes have one alphabet, checked on every way in; names keep any Unicode."""

import pytest

from fundtrack.centres.codes import CODE_PATTERN, is_code
from fundtrack.centres.models import Centre, Region
from fundtrack.centres.operations import create_centre, create_region, update_centre
from fundtrack.errors import ValidationError
from tests import factories
from tests.api_helpers import ApiCaller
from tests.test_imports_onboarding import ROWS, filled, template, upload

OUTSIDE = ["sør", "HLM/1", "A B", "-HLM", "HLM-", 'HL"M', "Ø", "X" * 21, "HLM\u200b", ""]


@pytest.fixture
def instance(app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))  # uploads go here


@pytest.fixture
def national(session, network):
    return factories.user(session, role="national")


@pytest.mark.parametrize("code", ["HLM", "DK-NORD", "N101", "A", "X" * 20])
def test_codes_in_the_alphabet_are_codes(code):
    assert is_code(code)


@pytest.mark.parametrize("code", OUTSIDE)
def test_a_code_outside_the_alphabet_is_refused_naming_the_field(session, national, code):
    region = factories.region(session, code="R")
    with pytest.raises(ValidationError) as centre:
        create_centre(session, national, {"code": code, "name": "X", "region": "R",
                                          "municipality": "X"})  # fmt: skip
    assert centre.value.field == "code"
    with pytest.raises(ValidationError) as refused:
        create_region(session, national, {"code": code, "name": f"Region {code}"})
    assert refused.value.field == "code"
    assert region.code == "R"


def test_a_name_keeps_norwegian_dutch_and_emoji(session, national):
    factories.region(session, code="SOROST")
    name = "Sør-Øst 🌱 Zuid-Holland ĳsselmonde"
    values = {"code": "SO-1", "name": name, "region": "SOROST", "municipality": "Ås"}
    centre = create_centre(session, national, values)
    assert centre.name == name


def test_a_stored_code_from_before_may_stay_while_the_name_changes(session, national):
    old = factories.centre(session, code="oud 1")
    update_centre(session, national, old, {"name": "Nieuwe naam"})
    assert (old.code, old.name) == ("oud 1", "Nieuwe naam")
    with pytest.raises(ValidationError):
        update_centre(session, national, old, {"code": "oud 2"})


def test_the_api_refuses_it_and_publishes_the_pattern(client, session, network):
    api = ApiCaller(client, session).as_("national")
    factories.region(session, code="R")
    answer = api.post("/centres", json={"code": "Sør", "name": "Sør", "region": "R",
                                        "municipality": "Ås"})  # fmt: skip
    assert answer.status_code == 422 and "code" in answer.get_json()["errors"]
    assert api.post("/regions", json={"code": "r/1", "name": "R1"}).status_code == 422
    document = client.get("/api/v1/openapi.json").get_json()
    schemas = document["components"]["schemas"]
    assert schemas["CentreIn"]["properties"]["code"]["pattern"] == CODE_PATTERN
    assert schemas["RegionIn"]["properties"]["code"]["pattern"] == CODE_PATTERN


def test_the_admin_form_refuses_it_at_the_field(client, session, login_as):
    region = factories.region(session, code="R")
    login_as("national")
    page = client.post(
        "/admin/centres/new/",
        data={"code": "hlm 2", "name": "Haarlem", "municipality": "Haarlem",
              "region": str(region.id), "currency": "EUR", "active": "y"},
    ).get_data(as_text=True)  # fmt: skip
    assert "is not a code" in page
    assert session.query(Centre).filter_by(name="Haarlem").count() == 0


def test_the_onboarding_workbook_refuses_it_naming_the_row(
    client, login_as, session, network, instance
):
    login_as("national", locale="en")
    rows = ROWS | {"Regions": [["nørd", "North"]]}
    response = upload(client, filled(template(client), rows))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'data-errors="0"' not in page and "is not a code" in page
    assert session.query(Region).count() == 0


def test_flask_codes_check_reports_stored_codes_outside_the_alphabet(app, session, network):
    factories.centre(session, code="HLM")
    legacy = factories.centre(session, code="Sør 1")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["codes", "check"])
    assert result.exit_code == 1
    assert f"centre {legacy.id}: 'Sør 1'" in result.output and "HLM" not in result.output
    legacy.code = "SOR-1"
    session.flush()
    assert runner.invoke(args=["codes", "check"]).exit_code == 0
