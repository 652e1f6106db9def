"""Getting reports: centre PDFs on screen and over the API, the national report as a job."""

import pytest

from fundtrack.reports.models import JobState, ReportJob
from tests import share_network
from tests.api_helpers import ApiCaller
from tests.reports_helpers import pdf_text


@pytest.fixture
def books(session):
    return share_network.build(session)


@pytest.fixture
def api(client, session):
    return ApiCaller(client, session)


def test_treasurer_downloads_their_centres_report(client, login_as, books):
    login_as("treasurer", books.a)
    response = client.get("/centres/A/report.pdf?year=2025&lang=nl")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "€ 90.000,00" in pdf_text(response.data)


def test_treasurer_cannot_open_another_centres_report(client, login_as, books):
    login_as("treasurer", books.a)
    assert client.get("/centres/B/report.pdf?year=2025").status_code == 404
    assert client.get("/centres/NOPE/report.pdf?year=2025").status_code == 404


def test_centre_page_and_dashboard_offer_the_pdfs(client, login_as, books):
    login_as("national")
    page = client.get("/centres/A?year=2025").get_data(as_text=True)
    assert "/centres/A/report.pdf?year=2025" in page
    dashboard = client.get("/dashboard?year=2025").get_data(as_text=True)
    assert 'action="/reports/national?year=2025' in dashboard


def test_api_serves_a_centres_report_and_hides_another_centres(api, books):
    treasurer = api.as_("treasurer", books.a)
    response = treasurer.get("/centres/A/report.pdf?year=2025&lang=nb")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert "Centre A" in pdf_text(response.data)
    assert treasurer.get("/centres/B/report.pdf?year=2025").status_code == 404
    assert treasurer.get("/centres/A/report.pdf").status_code == 422  # the year is required


def test_national_report_runs_as_a_job_with_a_progress_page(client, login_as, session, books):
    user = login_as("national")
    response = client.post("/reports/national?year=2025&lang=en")
    assert response.status_code == 302
    job = session.query(ReportJob).filter_by(user_id=user.id).one()
    assert job.state == JobState.DONE and (job.done, job.total) == (4, 4)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"/reports/jobs/{job.id}/report.pdf" in page
    pdf = client.get(f"/reports/jobs/{job.id}/report.pdf")
    assert "National funding report 2025" in pdf_text(pdf.data)


def test_treasurer_may_not_start_the_national_report(client, login_as, books):
    login_as("treasurer", books.a)
    assert client.post("/reports/national?year=2025").status_code == 403


def test_someone_elses_job_is_unknown(client, login_as, session, books):
    others = ReportJob(id="a" * 32, kind="national", year=2025, language="en",
                       user_id=books.national.id, state=JobState.DONE, pdf=b"%PDF-")  # fmt: skip
    session.add(others)
    login_as("national")
    assert client.get(f"/reports/jobs/{others.id}").status_code == 404
    assert client.get(f"/reports/jobs/{others.id}/report.pdf").status_code == 404


def test_api_answers_202_with_the_jobs_url(api, books):
    national = api.as_("national")
    response = national.post("/reports/national", json={"year": 2025, "lang": "nl"})
    assert response.status_code == 202
    job = response.get_json()
    assert response.headers["Location"].endswith(job["url"])
    status = national.get(job["url"].removeprefix("/api/v1")).get_json()
    assert status["state"] == "done" and status["done"] == status["total"] == 4
    pdf = national.get(status["pdf_url"].removeprefix("/api/v1"))
    assert pdf.status_code == 200 and "€ 170.000,00" in pdf_text(pdf.data)
    treasurer = api.as_("treasurer", books.a)
    assert treasurer.post("/reports/national", json={"year": 2025}).status_code == 403
    assert treasurer.get(job["url"].removeprefix("/api/v1")).status_code == 404
