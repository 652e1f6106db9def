"""Direct debit on screen and through /api/v1/mandates: a treasurer records a mandate, makes
a collection, downloads its pain.008 and the notices, books the credit; another centre's
mandates and collections are unknown."""

import io
from datetime import date, timedelta
from decimal import Decimal

from lxml import etree
from pypdf import PdfReader

from fundtrack.giving import operations
from tests import factories
from tests.api_helpers import ApiCaller

CREDITOR_ID = "NL56ZZZ404817180000"


def _centre(session):
    return factories.centre(session, code="HLM", creditor_id=CREDITOR_ID,
                            iban="NL44RABO0123456789")  # fmt: skip


def test_a_mandate_through_the_api_and_a_collection_on_screen(client, session, network, login_as):
    centre = _centre(session)
    caller = ApiCaller(client, session).as_("treasurer", centre)
    donor = factories.donor(session, centre, name="Joke Jansen", iban="NL91ABNA0417164300")
    start = date.today().replace(day=1)
    operations.create_recurring_gift(session, caller.user, {
        "donor": donor.id, "amount": Decimal("25.00"), "frequency": "monthly", "start": start,
        "payment_method": "direct_debit",
    })  # fmt: skip
    made = caller.post("/mandates", json={"donor": donor.id, "signed_on": "2025-12-01"})
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["iban"] == "NL91ABNA0417164300"
    assert made.get_json()["reference"] == "HLM-M00001"

    login_as("treasurer", centre, locale="nl")
    day = (start + timedelta(days=4)).strftime("%d-%m-%Y")
    response = client.post("/giving/collections", data={"collection_date": day})
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get("/giving/collections").get_data(as_text=True)
    collection_id = int(page.split('data-collection="')[1].split('"')[0])
    listed = client.get("/giving/mandates").get_data(as_text=True)
    assert "HLM-M00001" in listed and "NL** **** 4300" in listed and "NL91ABNA" not in listed
    again = client.post("/giving/collections", data={"collection_date": day})
    assert again.status_code == 200 and 'class="error"' in again.get_data(as_text=True)

    xml = client.get(f"/giving/collections/{collection_id}/pain008.xml")
    assert xml.mimetype == "application/xml"
    root = etree.fromstring(xml.data)
    assert root.findtext(".//{*}SeqTp") == "FRST" and root.findtext(".//{*}CtrlSum") == "25.00"
    notices = client.get(f"/giving/collections/{collection_id}/notices.pdf")
    text = PdfReader(io.BytesIO(notices.data)).pages[0].extract_text()
    assert "Joke Jansen" in text and CREDITOR_ID in text and "HLM-M00001" in text
    booked = client.post(f"/giving/collections/{collection_id}/book", data={"booking_date": day})
    assert booked.status_code == 302


def test_another_centres_mandates_and_collections_are_unknown(client, session, network, login_as):
    centre = _centre(session)
    caller = ApiCaller(client, session).as_("treasurer", centre)
    donor = factories.donor(session, centre, iban="NL91ABNA0417164300")
    mandate = caller.post("/mandates", json={"donor": donor.id, "signed_on": "2025-12-01"})
    mandate_id = mandate.get_json()["id"]
    other = ApiCaller(client, session).as_("treasurer", factories.centre(session, code="ZWL"))
    assert other.get(f"/mandates/{mandate_id}").status_code == 404
    assert (
        other.patch(f"/mandates/{mandate_id}", json={"revoked_on": "2026-01-01"}).status_code == 404
    )
    assert other.get("/mandates").get_json()["total"] == 0
    revoked = caller.patch(f"/mandates/{mandate_id}", json={"revoked_on": "2026-01-01"})
    assert revoked.get_json()["revoked_on"] == "2026-01-01"
    login_as("treasurer", factories.centre(session, code="AMS"))
    assert client.get("/giving/collections?centre=HLM").status_code == 404
