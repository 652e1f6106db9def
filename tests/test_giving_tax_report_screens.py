"""On screen: a treasurer records a donor's number and consent on the donor's page, sees it
in full where an auditor sees it masked, sees who the year's report names and leaves out,
and downloads the file; a treasurer of another centre is refused."""

from datetime import date

from lxml import etree

from fundtrack.giving import national_ids
from fundtrack.giving.tax_models import GiftReportRun
from tests import factories
from tests.test_giving_national_ids import FNR, ORGNR

NS = {"g": "urn:ske:fastsetting:innsamling:gavefrivilligorganisasjon:v2"}


def test_a_treasurer_records_a_number_and_makes_the_years_file(client, session, network, login_as):
    centre = factories.centre(session, code="OSL", currency="NOK", organisation_number=ORGNR)
    donor = factories.donor(session, centre, name="Kari Nordmann")
    factories.income(session, centre, "750.00", donor=donor, booking_date=date(2025, 5, 1))
    factories.donor(session, centre, name="Ola Uten")
    factories.income(session, centre, "900.00", donor=factories.first(
        session, type(donor), name="Ola Uten"), booking_date=date(2025, 5, 1))  # fmt: skip
    login_as("treasurer", centre)
    page = f"/admin/donors/national-id/?id={donor.id}"
    refused = client.post(page, data={"id": donor.id, "kind": "fodselsnummer",
                                      "number": "12345678901"})  # fmt: skip
    assert refused.status_code == 200 and "is not a valid" in refused.get_data(as_text=True)
    saved = client.post(page, data={"id": donor.id, "kind": "fodselsnummer", "number": FNR,
                                    "consent_to_report": "y"})  # fmt: skip
    assert saved.status_code == 302
    assert FNR in client.get(page).get_data(as_text=True)

    listed = client.get("/giving/tax-report?centre=OSL&year=2025").get_data(as_text=True)
    reported = listed.split('id="reported"')[1].split("</table>")[0]
    left_out = listed.split('id="left-out"')[1].split("</table>")[0]
    assert "Kari Nordmann" in reported and "********" + FNR[-3:] in reported
    assert FNR not in listed
    assert "Ola Uten" in left_out and "no national identity number" in left_out
    made = client.post("/giving/tax-report?centre=OSL", data={
        "year": "2025", "contact_name": "Kari Kasserer", "contact_phone": "80080000",
        "contact_email": "k@example.org"})  # fmt: skip
    assert made.status_code == 200 and made.mimetype == "application/xml"
    root = etree.fromstring(made.data)
    assert root.findtext(".//g:oppgaveeier/g:foedselsnummer", namespaces=NS) == FNR
    assert root.findtext(".//g:beloep", namespaces=NS) == "750"
    assert session.query(GiftReportRun).count() == 1
    again = client.get("/giving/tax-report?centre=OSL&year=2025").get_data(as_text=True)
    assert "correction" in again


def test_others_see_the_number_masked_or_not_at_all(client, session, network, login_as):
    centre = factories.centre(session, code="OSL", currency="NOK", organisation_number=ORGNR)
    donor = factories.donor(session, centre, name="Kari Nordmann")
    national_ids.set_national_id(session, factories.user(session, role="national"), donor,
                                 {"kind": "fodselsnummer", "number": FNR})  # fmt: skip
    login_as("auditor")
    page = client.get(f"/admin/donors/national-id/?id={donor.id}").get_data(as_text=True)
    assert "********" + FNR[-3:] in page and FNR not in page and "national-id-form" not in page
    assert client.get("/giving/tax-report?centre=OSL").status_code == 403
    login_as("treasurer", factories.centre(session, code="BRG", currency="NOK"))
    assert client.get(f"/admin/donors/national-id/?id={donor.id}").status_code == 404
    assert client.get("/giving/tax-report?centre=OSL").status_code == 404


def test_no_export_but_the_tax_offices_file_carries_the_number(client, session, network, login_as):
    centre = factories.centre(session, code="OSL", currency="NOK", organisation_number=ORGNR)
    donor = factories.donor(session, centre, name="Kari Nordmann")
    factories.income(session, centre, "750.00", donor=donor, booking_date=date(2025, 5, 1))
    login_as("treasurer", centre)
    values = {"id": donor.id, "kind": "fodselsnummer", "number": FNR, "consent_to_report": "y"}
    saved = client.post(f"/admin/donors/national-id/?id={donor.id}", data=values)
    assert saved.status_code == 302
    exports = ""
    for url in (
        "/admin/donors/download/csv/",
        "/admin/income-lines/download/csv/",
        "/admin/audit-events/download/csv/",
        f"/admin/donors/gdpr/export/?id={donor.id}",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        exports += response.get_data(as_text=True)
    assert FNR not in exports and "Kari Nordmann" in exports
    assert "********" + FNR[-3:] in exports  # the donor's own export, masked
