"""Giving statements on screen: a treasurer issues a donor's, downloads it, corrects it; the
batch issues the rest; another centre's are unknown; the donor's language on the form and
in the API."""

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from fundtrack.formatting import network_today
from fundtrack.giving.statement_models import GivingStatement
from fundtrack.giving.statements import issue_statement
from fundtrack.income.gdpr import erase_donor
from fundtrack.income.operations import book_income
from tests import factories
from tests.api_helpers import ApiCaller


@pytest.fixture
def centre(session, network):
    return factories.centre(session, code="HLM", rsin="002425695", name="Inloophuis Haarlem")


def _gift(session, centre, donor, amount="25.00"):
    treasurer = factories.user(session, "treasurer", centre)
    year = network_today().year - 1
    values = {"centre": centre.code, "date": date(year, 6, 1), "amount": Decimal(amount),
              "donor": donor.id}  # fmt: skip
    return book_income(session, treasurer, values)


def _statements(session, donor) -> list[GivingStatement]:
    return session.scalars(select(GivingStatement).where(
        GivingStatement.donor_id == donor.id).order_by(GivingStatement.id)).all()  # fmt: skip


def test_a_treasurer_issues_downloads_and_corrects_a_donors_statement(
    client, session, centre, login_as
):
    donor = factories.donor(session, centre, name="Joke Jansen", language="en")
    _gift(session, centre, donor)
    login_as("treasurer", centre, locale="nl")
    year = network_today().year - 1
    page = client.get(f"/giving/statements/donor/{donor.id}").get_data(as_text=True)
    assert 'id="statement-issue"' in page and "English" in page
    issued = client.post(f"/giving/statements/donor/{donor.id}", data={"year": str(year)})
    assert issued.status_code == 302
    (statement,) = _statements(session, donor)
    pdf = client.get(f"/giving/statements/{statement.id}/statement.pdf")
    assert pdf.mimetype == "application/pdf" and pdf.data == statement.pdf
    assert (
        f"Yearly giving statement {year}" in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    )
    again = client.post(f"/giving/statements/donor/{donor.id}", data={"year": str(year)})
    assert again.status_code == 200 and len(_statements(session, donor)) == 1
    corrected = client.post(f"/giving/statements/{statement.id}/reissue",
                            data={"reason": "adres verkeerd"})  # fmt: skip
    assert corrected.status_code == 302
    first, second = _statements(session, donor)
    assert first.live is None and second.live and second.replaces_id == first.id
    listed = client.get(f"/giving/statements?year={year}").get_data(as_text=True)
    assert listed.count("data-statement=") == 2 and "adres verkeerd" in listed


def test_the_batch_issues_every_donor_of_the_centre_once(client, session, centre, login_as):
    donors = [factories.donor(session, centre, name=f"Gever {n}") for n in range(3)]
    for donor in donors:
        _gift(session, centre, donor)
    login_as("treasurer", centre)
    year = network_today().year - 1
    response = client.post("/giving/statements", data={"year": str(year)})
    assert response.status_code == 302
    assert [len(_statements(session, donor)) for donor in donors] == [1, 1, 1]
    client.post("/giving/statements", data={"year": str(year)})
    assert [len(_statements(session, donor)) for donor in donors] == [1, 1, 1]


def test_another_centres_statements_are_unknown_and_auditors_only_read(
    client, session, centre, login_as
):
    donor = factories.donor(session, centre)
    _gift(session, centre, donor)
    national = factories.user(session, "national")
    statement = issue_statement(session, national, donor, network_today().year - 1)
    login_as("treasurer", factories.centre(session))
    assert client.get(f"/giving/statements/{statement.id}/statement.pdf").status_code == 404
    assert client.get(f"/giving/statements/donor/{donor.id}").status_code == 404
    assert client.post(f"/giving/statements/{statement.id}/void",
                       data={"reason": "x"}).status_code == 404  # fmt: skip
    login_as("auditor")
    page = client.get(f"/giving/statements/donor/{donor.id}").get_data(as_text=True)
    assert "statement-issue" not in page and f'data-statement="{statement.id}"' in page
    assert client.post(f"/giving/statements/{statement.id}/void",
                       data={"reason": "x"}).status_code == 403  # fmt: skip


def test_erasing_the_donor_removes_the_pdf_and_keeps_the_record(session, centre):
    donor = factories.donor(session, centre, name="Joke Jansen")
    _gift(session, centre, donor)
    national = factories.user(session, "national")
    statement = issue_statement(session, national, donor, network_today().year - 1)
    erase_donor(session, national, donor)
    session.refresh(statement)
    assert statement.pdf is None and statement.live and len(statement.sha256) == 64


def test_the_donors_language_in_the_api(client, session, centre):
    caller = ApiCaller(client, session).as_("treasurer", centre)
    created = caller.post("/donors", json={"centre": "HLM", "kind": "person", "name": "Ola",
                                           "language": "nb"})  # fmt: skip
    assert created.status_code == 201 and created.get_json()["language"] == "nb"
    donor_id = created.get_json()["id"]
    refused = caller.patch(f"/donors/{donor_id}", json={"language": "de"})
    assert refused.status_code == 422
    cleared = caller.patch(f"/donors/{donor_id}", json={"language": None})
    assert cleared.get_json()["language"] is None
