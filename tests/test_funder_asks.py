"""What a funder asks to see: the applicant's organisation number (KvK, Norwegian
organisation number), the funder's case number, the award date and the signatory in the
grant report, and org-id.guide identifiers with a publisher block in the 360Giving export."""

from datetime import date

import pytest

from fundtrack.centres.orgnumbers import check_organisation_number, org_id
from fundtrack.errors import ValidationError
from fundtrack.grants import giving360, operations
from fundtrack.reports.grant_report import grant_pdf
from tests import factories, grant_report_example
from tests.api_helpers import ApiCaller
from tests.grant_helpers import awarded
from tests.reports_helpers import pdf_text


@pytest.fixture
def api(client, session):
    return ApiCaller(client, session)


def test_organisation_numbers_follow_the_networks_register():
    assert check_organisation_number("923 609 016", "nb_NO") == "923609016"
    assert org_id("923609016", "nb_NO") == "NO-BRC-923609016"
    assert check_organisation_number("4123.4567", "nl_NL") == "41234567"
    assert org_id("41234567", "nl_NL") == "NL-KVK-41234567"
    assert check_organisation_number("", "nl_NL") == "" and org_id("", "nl_NL") is None
    for number, locale in (("923609017", "nb_NO"), ("1234567", "nl_NL"), ("12345678X", "nb_NO")):
        with pytest.raises(ValidationError) as refused:
            check_organisation_number(number, locale)
        assert refused.value.field == "organisation_number"


def test_a_centres_organisation_number_is_checked_and_kept_through_the_api(api, session):
    factories.network(session, locale="nb_NO", currency="NOK")
    factories.centre(session, code="OSL", currency="NOK")
    national = api.as_("national")
    wrong = national.patch("/centres/OSL", json={"organisation_number": "923609017"})
    assert wrong.status_code == 422 and "organisation_number" in wrong.json["errors"]
    right = national.patch("/centres/OSL", json={"organisation_number": "923 609 016"})
    assert right.status_code == 200 and right.json["organisation_number"] == "923609016"


def test_the_grant_report_names_the_case_number_award_date_organisation_number_and_signatory(
    session,
):
    case = grant_report_example.build(session, norwegian=True)
    case.centre.organisation_number = "923609016"
    asks = {"funder_reference": "HDIR 25/1234", "signatory": "Kari Nordmann"}
    operations.update_grant(session, case.office, case.grant, asks)
    text = pdf_text(grant_pdf(session, case.office, case.grant.id, language="en"))
    assert "Funder's case number HDIR 25/1234" in text
    assert "Organisation number 923609016" in text
    assert "Awarded on Dec 1, 2024" in text  # tests/grant_helpers.awarded moves it then
    assert "Name Kari Nordmann" in text
    with pytest.raises(ValidationError) as refused:
        operations.update_grant(session, case.office, case.grant, {"signatory": "x" * 201})
    assert refused.value.field == "signatory"


def test_360giving_uses_org_id_identifiers_where_numbers_are_known_and_names_its_publisher(
    session,
):
    network = factories.network(session, name="Inloophuizen", locale="nl_NL")
    network.organisation_number = "41234567"
    known = factories.centre(session, code="UTR", name="Inloophuis Utrecht")
    known.organisation_number = "87654321"
    unknown = factories.centre(session, code="AMS", name="Inloophuis Amsterdam")
    office = factories.user(session, role="national")
    funder = factories.funder(session, type="foundation", name="KWF")
    first = awarded(session, known, amount="1000.00", funder=funder)
    second = awarded(session, unknown, amount="2000.00", funder=funder)
    package = giving360.package(session, office)
    recipients = {r["id"]: r["recipientOrganization"][0]["id"] for r in package["grants"]}
    assert recipients[f"360G-fundtrack-grant-{first.id}"] == "NL-KVK-87654321"
    assert recipients[f"360G-fundtrack-grant-{second.id}"] == "360G-fundtrack-centre-AMS"
    assert package["publisher"] == {"identifier": "NL-KVK-41234567", "name": "Inloophuizen"}
    assert giving360.validation_errors(package) == []
    assert date.fromisoformat(package["grants"][0]["awardDate"]) == date(2024, 12, 1)
