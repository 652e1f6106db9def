"""Sent is sent, grant report downloads and their scoping, and long budget tables."""

import csv
import hashlib
import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import gettext
from pypdf import PdfReader

from fundtrack.errors import Conflict
from fundtrack.grants import parts
from fundtrack.reports.grant_report import grant_pdf, grant_report
from fundtrack.reports.render import in_language, render_pdf
from fundtrack.reports.sending import save_draft, send_report, sent_report
from tests import factories, grant_report_example
from tests.api_helpers import ApiCaller
from tests.reports_helpers import keep, pdf_pages, pdf_text


@pytest.fixture
def example(session):
    return grant_report_example.build(session)


def test_a_sent_report_stays_as_sent_when_the_books_change(session, example):
    sent = send_report(session, example.office, example.grant.id, example.obligation.id)
    assert sent.sha256 == hashlib.sha256(sent.pdf).hexdigest() and sent.size == len(sent.pdf)
    assert sent.sent_by_id == example.office.id and example.obligation.sent_on == date.today()
    factories.income(session, example.centre, "99999.00", funder=example.funder,
                     grant=example.grant, booking_date=date(2025, 11, 1))  # fmt: skip
    again = sent_report(session, example.office, example.grant.id, example.obligation.id)
    assert again.pdf == sent.pdf and "€ 585.000,00" in pdf_text(again.pdf)
    with pytest.raises(Conflict):
        send_report(session, example.office, example.grant.id, example.obligation.id)
    with pytest.raises(Conflict):
        save_draft(session, example.office, example.grant.id, example.obligation.id, "x", "nl")


def test_treasurer_cannot_open_another_centres_grant_report(client, login_as, session, example):
    other = factories.centre(session)
    login_as("treasurer", other)
    grant_id = example.grant.id
    assert client.get(f"/grants/{grant_id}/report.pdf").status_code == 404
    assert client.get(f"/grants/{grant_id}/reports").status_code == 404
    api = ApiCaller(client, session).as_("treasurer", other)
    assert api.get(f"/grants/{grant_id}/report.pdf").status_code == 404
    url = f"/grants/{grant_id}/reports/{example.obligation.id}/send"
    assert api.post(url, json={}).status_code == 404


def test_treasurer_writes_sends_and_downloads_their_grant_report(client, login_as, example):
    login_as("treasurer", example.centre)
    grant_id, obligation_id = example.grant.id, example.obligation.id
    page = client.get(f"/grants/{grant_id}/reports")
    assert page.status_code == 200
    client.post(f"/grants/{grant_id}/reports", data={"obligation": obligation_id,
                "narrative": "We *did* it.", "lang": "en", "action": "save"})  # fmt: skip
    preview = client.get(f"/grants/{grant_id}/report.pdf")
    assert "We did it." in pdf_text(preview.data)
    client.post(f"/grants/{grant_id}/reports", data={"obligation": obligation_id,
                "action": "send"})  # fmt: skip
    first = client.get(f"/grants/{grant_id}/reports/{obligation_id}/sent.pdf")
    second = client.get(f"/grants/{grant_id}/reports/{obligation_id}/sent.pdf")
    assert first.status_code == 200 and first.data == second.data
    assert hashlib.sha256(first.data).hexdigest() in client.get(
        f"/grants/{grant_id}/reports"
    ).get_data(as_text=True)


def test_api_sends_and_serves_the_grant_report(client, session, example):
    api = ApiCaller(client, session).as_("national")
    grant_id, obligation_id = example.grant.id, example.obligation.id
    current = api.get(f"/grants/{grant_id}/report.pdf?lang=nb")
    assert current.status_code == 200 and "Kari Nordmann" in pdf_text(current.data)
    sent = api.post(f"/grants/{grant_id}/reports/{obligation_id}/send", json={"lang": "nl"})
    assert sent.status_code == 201
    body = sent.get_json()
    stored = api.get(f"/grants/{grant_id}/reports/{obligation_id}/sent.pdf")
    assert hashlib.sha256(stored.data).hexdigest() == body["sha256"]
    assert body["sent_by"] == api.user.email and body["language"] == "nl"


def test_a_budget_of_200_lines_breaks_between_rows_with_the_header_repeated(session, example):
    with in_language("en"):
        data = grant_report(session, example.office, example.grant.id)
        data["budget"] = [
            {
                "category": "other",
                "label": f"Line {n:03}",
                "description": "Volunteer travel",
                "budgeted": Decimal("1000.00") + n,
                "spent": Decimal("900.00"),
                "difference": Decimal("100.00") + n,
            }  # fmt: skip
            for n in range(1, 201)
        ]
        pdf = render_pdf("reports/grant.html", lang="en", **data)
        header = [gettext("Budget line"), gettext("Budget"), gettext("Spent")]
    keep(pdf, "grant-budget-200.pdf")
    pages = pdf_pages(pdf)
    with_lines = [p for p in pages if "Line 1" in p or "Line 0" in p or "Line 2" in p]
    assert len(with_lines) >= 4
    for page in with_lines:
        assert " ".join(header) in page  # the header on every page the table spans
    seen = []
    for page in with_lines:
        for n in range(1, 201):
            row = f"Line {n:03}: Volunteer travel € {1000 + n:,}.00 € 900.00".replace(",", ".")
            if f"Line {n:03}" in page:
                # never split: the whole row (label and all three amounts) on one page
                assert f"Line {n:03}: Volunteer travel" in page and page.count(f"Line {n:03}") == 1
                seen.append(n)
                assert row.split(" € ")[0] in page
    assert seen == list(range(1, 201))


def test_the_grant_page_offers_the_report(client, login_as, example):
    login_as("treasurer", example.centre)
    page = client.get(f"/grants/{example.grant.id}").get_data(as_text=True)
    assert f"/grants/{example.grant.id}/report.pdf" in page


def test_the_grant_reports_page_does_not_grow_with_its_reports(
    client, login_as, session, example, count_queries
):
    login_as("treasurer", example.centre)
    url = f"/grants/{example.grant.id}/reports"
    client.get(url)
    with count_queries() as one_report:
        assert client.get(url).status_code == 200
    for month in (4, 5, 6):
        values = {"kind": "interim", "due_date": date(2026, month, 1)}
        duty = parts.add_obligation(session, example.office, example.grant, values)
        save_draft(session, example.office, example.grant.id, duty.id, f"Draft {month}", "en")
    with count_queries() as four_reports:
        page = client.get(url)
    assert page.status_code == 200 and "Draft 6" in page.get_data(as_text=True)
    assert len(four_reports) == len(one_report)


def _catalogue(pdf: bytes):
    """The PDF's document catalogue and its XMP metadata ('' when it has none)."""
    root = PdfReader(io.BytesIO(pdf)).trailer["/Root"]
    xmp = root["/Metadata"].get_data().decode() if "/Metadata" in root else ""
    return root, xmp


def test_a_sent_report_is_kept_as_tagged_pdf_a_3b_and_its_bytes_never_change(session, example):
    sent = send_report(session, example.office, example.grant.id, example.obligation.id)
    root, xmp = _catalogue(sent.pdf)
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="B"' in xmp
    assert "/StructTreeRoot" in root and "/OutputIntents" in root  # tagged; sRGB intent
    stored = bytes(sent.pdf)
    session.expire_all()
    for _ in range(2):
        again = sent_report(session, example.office, example.grant.id, example.obligation.id)
        assert bytes(again.pdf) == stored
        assert hashlib.sha256(again.pdf).hexdigest() == again.sha256 == sent.sha256


def test_a_preview_is_an_ordinary_pdf_not_the_archival_form(session, example):
    pdf = grant_pdf(session, example.office, example.grant.id, example.obligation.id, "en")
    _root, xmp = _catalogue(pdf)
    assert "pdfaid" not in xmp


def test_the_national_office_downloads_a_years_sent_reports_as_one_zip_with_their_hashes(
    session, client, example
):
    api = ApiCaller(client, session)
    sent = send_report(session, example.office, example.grant.id, example.obligation.id)
    year = sent.sent_at.year
    national = api.as_("national")
    first = national.get(f"/reports/sent/{year}.zip")
    assert first.status_code == 200 and first.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(first.data))
    pdf_name = sent.filename
    assert sorted(archive.namelist()) == sorted([pdf_name, "SHA256SUMS", "manifest.csv"])
    assert archive.read(pdf_name) == bytes(sent.pdf)
    assert archive.read("SHA256SUMS").decode() == f"{sent.sha256}  {pdf_name}\n"
    [row] = list(csv.DictReader(io.StringIO(archive.read("manifest.csv").decode())))
    assert (row["file"], row["sha256"], row["size"]) == (pdf_name, sent.sha256, str(sent.size))
    assert row["funder"] == "Stiftelsen Dam" and row["report"] == "final"
    # The same year gives the same bytes, whenever it is downloaded.
    assert national.get(f"/reports/sent/{year}.zip").data == first.data
    empty = zipfile.ZipFile(io.BytesIO(national.get(f"/reports/sent/{year - 5}.zip").data))
    assert sorted(empty.namelist()) == ["SHA256SUMS", "manifest.csv"]
    for outside in (1900, 2999):  # years a ZIP cannot date: still a ZIP
        far = zipfile.ZipFile(io.BytesIO(national.get(f"/reports/sent/{outside}.zip").data))
        assert far.read("SHA256SUMS") == b""
    treasurer = api.as_("treasurer", example.centre)
    assert treasurer.get(f"/reports/sent/{year}.zip").status_code == 403
