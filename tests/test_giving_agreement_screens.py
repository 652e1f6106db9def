"""Signed agreements on screen and in the API: recorded in Dutch, listed with their years,
the form downloaded as a PDF; another centre's are unknown; a bad RSIN is refused."""

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from fundtrack.centres.operations import update_centre
from fundtrack.errors import ValidationError
from fundtrack.giving.agreements import create_gift_agreement
from tests import factories
from tests.api_helpers import ApiCaller


@pytest.fixture
def centre(session, network):
    return factories.centre(session, code="HLM", rsin="002425695")


def test_a_treasurer_records_an_agreement_and_downloads_its_form(client, session, centre, login_as):
    donor = factories.donor(session, centre, name="Joke Jansen")
    login_as("treasurer", centre, locale="nl")
    response = client.post("/giving/agreements", data={
        "kind": "periodic_gift", "donor": donor.id, "amount": "300,00", "years": "5",
        "start": "15-01-2026", "donor_signed_on": "20-12-2025", "centre_signed_on": "",
        "centre_signatory": "A. de Boer", "transaction_number": "", "fund": "0",
        "payment_method": "bank_transfer",
    })  # fmt: skip
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2026-0001" in page and page.count('data-state="') == 5
    listed = client.get("/giving/agreements").get_data(as_text=True)
    assert "Joke Jansen" in listed and "2026-0001" in listed
    agreement_id = int(listed.split('data-agreement="')[1].split('"')[0])
    pdf = client.get(f"/giving/agreements/{agreement_id}/form.pdf")
    assert pdf.mimetype == "application/pdf"
    assert "2026-0001" in pdf.headers["Content-Disposition"]
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "Joke Jansen" in text and "002425695" in text

    short = client.post("/giving/agreements", data={
        "kind": "periodic_gift", "donor": donor.id, "amount": "300,00", "years": "3",
        "start": "15-01-2026", "donor_signed_on": "20-12-2025", "fund": "0",
        "payment_method": "bank_transfer",
    })  # fmt: skip
    assert short.status_code == 200 and 'class="error"' in short.get_data(as_text=True)


def test_the_api_records_and_lists_agreements_and_hides_another_centres(client, session, centre):
    caller = ApiCaller(client, session).as_("treasurer", centre)
    donor = factories.donor(session, centre)
    created = caller.post("/gift-agreements", json={
        "kind": "periodic_gift", "donor": donor.id, "amount": "300.00", "years": 5,
        "start": "2026-01-15", "donor_signed_on": "2025-12-20",
    })  # fmt: skip
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["years"] == 5 and body["end"] == "2031-01-14"
    years = caller.get(f"/gift-agreements/{body['id']}/years").get_json()["items"]
    assert len(years) == 5 and years[0]["expected"] == "300.00"
    signed = caller.patch(f"/gift-agreements/{body['id']}", json={"centre_signed_on": "2026-01-02"})
    assert signed.get_json()["centre_signed_on"] == "2026-01-02"
    pdf = caller.get(f"/gift-agreements/{body['id']}/form.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert caller.get("/gift-agreements").get_json()["total"] == 1

    other = ApiCaller(client, session).as_("treasurer", factories.centre(session, code="ZWL"))
    assert other.get(f"/gift-agreements/{body['id']}").status_code == 404
    assert other.get(f"/gift-agreements/{body['id']}/form.pdf").status_code == 404
    assert other.get("/gift-agreements").get_json()["total"] == 0
    assert other.delete(f"/gift-agreements/{body['id']}").status_code == 404
    assert caller.delete(f"/gift-agreements/{body['id']}").status_code == 204


def test_a_centres_rsin_is_checked_with_the_eleven_test(session, centre, network):
    office = factories.user(session, "national")
    with pytest.raises(ValidationError) as error:
        update_centre(session, office, centre, {"rsin": "002425694"})
    assert error.value.field == "rsin"
    update_centre(session, office, centre, {"rsin": "0024.25.695"})
    assert centre.rsin == "002425695"


def test_a_screen_of_another_centres_agreement_is_not_found(client, session, centre, login_as):
    donor = factories.donor(session, centre)
    office = factories.user(session, "national")
    agreement = create_gift_agreement(session, office, {
        "kind": "periodic_gift", "donor": donor.id, "amount": Decimal("300.00"), "years": 5,
        "start": date(2026, 1, 15), "donor_signed_on": date(2025, 12, 20),
    })  # fmt: skip
    login_as("treasurer", factories.centre(session, code="ZWL"))
    assert client.get(f"/giving/agreements/{agreement.id}").status_code == 404
    assert client.get(f"/giving/agreements/{agreement.id}/form.pdf").status_code == 404


def test_an_id_beyond_the_databases_range_is_not_found(client, session, centre, login_as):
    caller = ApiCaller(client, session).as_("treasurer", centre)
    huge = 2**40
    assert caller.get(f"/gift-agreements/{huge}/years").status_code == 404
    assert caller.get(f"/gift-agreements/{huge}/form.pdf").status_code == 404
    login_as("treasurer", centre)
    for path in (f"/giving/agreements/{huge}", f"/giving/agreements/{huge}/form.pdf",
                 f"/giving/collections/{huge}/pain008.xml"):  # fmt: skip
        assert client.get(path).status_code == 404, path
