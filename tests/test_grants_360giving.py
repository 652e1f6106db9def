"""The 360Giving export: awarded grants only, valid against the standard's schema, offline."""

import copy
import csv
import io
import json
from datetime import UTC, datetime

import pytest

from fundtrack.grants import giving360
from tests import factories
from tests.grant_helpers import awarded, grant

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def national(session, network):
    return factories.user(session, role="national")


@pytest.fixture
def funded(session, national):
    own = factories.centre(session, code="OWN", name="Inloophuis Eigen")
    dam = factories.funder(session, type="foundation", name="Stiftelsen Dam")
    row = awarded(session, own, amount="500000.00", funder=dam, programme="Helse",
                  summary="A companion service")  # fmt: skip
    factories.income(session, own, "200000.00", funder=dam, grant=row)
    factories.income(session, own, "12.50", grant=row)  # co-funding: not disbursed by Dam
    grant(session, own, project_name="Still a draft")
    network_grant = awarded(session, None, amount="1000.50", funder=dam)
    return row, network_grant


def test_the_package_holds_the_awarded_grants_and_validates(session, national, funded):
    row, network_grant = funded
    package = giving360.package(session, national, now=NOW)

    assert giving360.validation_errors(package) == []
    assert package["version"] == "1.4"
    [first, second] = package["grants"]
    assert first == {
        "id": f"360G-fundtrack-grant-{row.id}",
        "title": "Companion service",
        "description": "A companion service",
        "currency": "EUR",
        "amountAppliedFor": 700000,
        "amountAwarded": 500000,
        "amountDisbursed": 200000,
        "awardDate": "2024-12-01",
        "plannedDates": [{"startDate": "2025-01-01", "endDate": "2025-12-31", "duration": 12}],
        "recipientOrganization": [{"id": "360G-fundtrack-centre-OWN", "name": "Inloophuis Eigen"}],
        "fundingOrganization": [
            {"id": f"360G-fundtrack-funder-{row.funder_id}", "name": "Stiftelsen Dam"}
        ],
        "grantProgramme": [{"title": "Helse"}],
        "dateModified": "2025-06-01T12:00:00+00:00",
    }
    assert second["amountAwarded"] == 1000.5 and second["amountDisbursed"] == 0
    assert second["recipientOrganization"][0]["id"] == "360G-fundtrack-network"


@pytest.mark.parametrize(
    "break_it, where",
    [
        (lambda g: g.pop("title"), "grants/0: 'title' is a required property"),
        (lambda g: g.update(amountAwarded="500000"), "grants/0/amountAwarded"),
        (lambda g: g.update(currency="EURO"), "grants/0/currency"),
        (lambda g: g.update(awardDate="1 Dec 2024"), "grants/0/awardDate"),
        (lambda g: g["recipientOrganization"][0].pop("id"), "grants/0/recipientOrganization/0"),
    ],
)
def test_a_broken_package_is_caught(session, national, funded, break_it, where):
    package = copy.deepcopy(giving360.package(session, national, now=NOW))
    break_it(package["grants"][0])

    errors = giving360.validation_errors(package)
    assert any(error.startswith(where) for error in errors), errors
    with pytest.raises(giving360.InvalidExport):
        giving360.validate(package)


def test_no_awarded_grant_is_no_package(session, national):
    grant(session, factories.centre(session))
    with pytest.raises(giving360.InvalidExport, match="grants"):
        giving360.package(session, national)


def test_validation_never_downloads(session):
    with pytest.raises(Exception, match="Unresolvable|NoSuchResource|example.org"):
        validator = giving360.Draft202012Validator(
            {"$ref": "https://example.org/elsewhere.json"}, registry=giving360._registry()
        )
        validator.validate({})


def test_the_flattened_csv_uses_the_standards_titles(session, national, funded):
    row, _ = funded
    text = giving360.flattened_csv(giving360.package(session, national, now=NOW))
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2
    first = rows[0]
    assert first["Identifier"] == f"360G-fundtrack-grant-{row.id}"
    assert first["Amount Awarded"] == "500000" and first["Award Date"] == "2024-12-01"
    assert first["Recipient Org:Identifier"] == "360G-fundtrack-centre-OWN"
    assert first["Funding Org:Name"] == "Stiftelsen Dam"
    assert first["Planned Dates:Start Date"] == "2025-01-01"
    assert first["Grant Programme:Title"] == "Helse"


def test_the_national_office_downloads_and_a_treasurer_is_refused(
    client, session, funded, login_as
):
    row, _ = funded
    login_as("treasurer", row.centre)
    assert client.get("/grants/360giving.json").status_code == 403
    assert client.get("/grants/360giving.csv").status_code == 403
    assert "360giving" not in client.get("/grants").get_data(as_text=True)

    login_as("national")
    assert "/grants/360giving.csv" in client.get("/grants").get_data(as_text=True)
    response = client.get("/grants/360giving.json")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    package = json.loads(response.get_data(as_text=True))
    assert giving360.validation_errors(package) == []
    assert {g["title"] for g in package["grants"]} == {"Companion service"}
    lines = client.get("/grants/360giving.csv").get_data(as_text=True).splitlines()
    assert lines[0].startswith("Identifier,Title,Description,Currency") and len(lines) == 3
