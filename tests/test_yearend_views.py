"""The statement's screens and downloads, and the office's mapping page: who may open what,
and that each answers with the statement's figures."""

import io
from decimal import Decimal as D

from openpyxl import load_workbook
from pypdf import PdfReader

from fundtrack.centres.models import Centre
from fundtrack.yearend.mappings import expense_groups
from tests import factories
from tests.test_yearend_statement import books  # noqa: F401  (the hand-worked books)


def test_the_office_opens_the_network_and_a_region_and_downloads_them(
    client,
    session,
    login_as,
    books,  # noqa: F811
):
    login_as("national")
    page = client.get("/statement?year=2025", headers={"Accept-Language": "nl"})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Eliminaties" in text or "Eliminations" in text
    assert 'data-centre="C"' in text and "/centres/A/statement?year=2025" in text
    region = client.get("/statement?year=2025&region=N").get_data(as_text=True)
    assert 'data-centre="C"' not in region and 'data-centre="B"' in region
    assert client.get("/statement?year=2025&region=NOPE").status_code == 404
    pdf = client.get("/statement.pdf?year=2025&lang=en")
    assert pdf.headers["Content-Type"] == "application/pdf"
    words = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "Statement of income and expenditure 2025" in words
    sheet = load_workbook(io.BytesIO(client.get("/statement.xlsx?year=2025").data))
    assert len(sheet.sheetnames) == 3  # the statement, the funds, the consolidation


def test_a_treasurer_opens_their_centre_and_its_journal_but_nothing_else(
    client,
    session,
    login_as,
    books,  # noqa: F811
):
    a = factories.first(session, Centre, code="A")
    login_as("treasurer", centre=a)
    page = client.get("/centres/A/statement?year=2025")
    assert page.status_code == 200
    assert 'data-line="result"' in page.get_data(as_text=True)
    assert client.get("/centres/B/statement?year=2025").status_code == 404
    assert client.get("/centres/B/journal.csv?year=2025").status_code == 404
    assert client.get("/statement?year=2025").status_code == 403
    assert client.get("/statement.pdf?year=2025").status_code == 403
    assert client.get("/statement/settings").status_code == 403
    journal = client.get("/centres/A/journal.csv?year=2025")
    assert journal.headers["Content-Type"].startswith("text/csv")
    assert "journal-A-2025.csv" in journal.headers["Content-Disposition"]
    foot = journal.get_data(as_text=True).strip().splitlines()[-1].split(",")
    assert D(foot[4]) == D(foot[5]) == D("66850.49")
    book = load_workbook(io.BytesIO(client.get("/centres/A/statement.xlsx?year=2025").data))
    values = [row[1] for row in book.active.iter_rows(values_only=True) if row and len(row) > 1]
    assert D("4650.49") in [D(str(v)) for v in values if isinstance(v, int | float)]
    assert client.get("/centres/A/statement.pdf?year=2025").status_code == 200


def test_the_office_changes_the_mappings_on_its_page(
    client,
    session,
    login_as,
    books,  # noqa: F811
):
    login_as("national")
    page = client.get("/statement/settings", headers={"Accept-Language": "nl"})
    assert page.status_code == 200
    form = {"part": "settings", "clearing_account": "1010", "national_office_funder": ""}
    form |= {f"group-{c}": "objectives" for c in ("staff", "housing", "activities", "volunteers",
                                                  "communication", "other")}  # fmt: skip
    form["group-administration"] = "administration"
    response = client.post("/statement/settings", data=form)
    assert response.status_code == 302
    session.expire_all()
    assert {g.value for g in expense_groups(session).values()} == {"objectives", "administration"}
    response = client.post("/statement/settings", data={**form, "group-staff": "holidays"})
    assert response.status_code == 200  # said on the page, nothing saved
    unknown_fund = {"part": "fund", "side": "cost", "fund": "999999", "account": "1"}
    refused = client.post("/statement/settings", data=unknown_fund)
    assert refused.status_code == 200


def test_the_api_gives_the_same_statement(client, session, books):  # noqa: F811
    from tests.api_helpers import ApiCaller

    api = ApiCaller(client, session).as_("national")
    body = api.get("/statement?year=2025&centre=A").get_json()
    assert (body["scope"], body["layout"], body["currency"]) == ("centre", "rj650", "EUR")
    lines = {line["key"]: line for line in body["lines"]}
    assert (lines["result"]["actual"], lines["result"]["previous"]) == ("4650.49", "2400.00")
    assert lines["objectives"]["budget"] == "21000.00" and lines["result"]["budget"] is None
    network = api.get("/statement?year=2025").get_json()
    assert [e["key"] for e in network["eliminations"]] == ["affiliated"]
    assert network["eliminations"][0]["actual"] == "6000.00"
    assert api.get("/statement?year=2025&region=NOPE").status_code == 404
    a = factories.first(session, Centre, code="A")
    treasurer = ApiCaller(client, session).as_("treasurer", centre=a)
    assert treasurer.get("/statement?year=2025&centre=A").status_code == 200
    assert treasurer.get("/statement?year=2025&centre=B").status_code == 404
    assert treasurer.get("/statement?year=2025").status_code == 403
