"""Every file of a centre, downloaded through gunicorn: whole, and named as RFC 6266 says."""

from urllib.parse import quote

import pytest
import requests

from tests.served.conftest import signed_in

TIMEOUT = 60


def _check_file(response: requests.Response, kind: str) -> None:
    assert response.status_code == 200, (response.url, response.status_code)
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment; filename="), disposition
    assert disposition.endswith(f".{kind}") or f".{kind}" in disposition
    length = response.headers.get("Content-Length")
    assert length is None or int(length) == len(response.content)
    assert len(response.content) > 0


@pytest.mark.parametrize("code", ["SO-1", "ØST-🌱"])
def test_an_auditor_downloads_every_file_of_a_centre(served, code):
    browser = signed_in(served, served.auditor)
    path = quote(code)
    for url, kind in (
        (f"/centres/{path}/figures.csv", "csv"),
        (f"/centres/{path}/figures.xlsx", "xlsx"),
        (f"/centres/{path}/report.pdf?year=2025&lang=nb", "pdf"),
        ("/dashboard.csv?year=2025&region=SOROST", "csv"),
        ("/dashboard.xlsx?year=2025", "xlsx"),
        ("/grants/360giving.csv", "csv"),
        ("/grants/360giving.json", "json"),
    ):
        _check_file(browser.get(served.url + url, timeout=TIMEOUT), kind)


def test_a_legacy_code_goes_out_as_an_ascii_name_and_a_utf8_one(served):
    browser = signed_in(served, served.auditor)
    url = f"{served.url}/centres/{quote('ØST-🌱')}/figures.csv"
    # The name is in the reader's language (an auditor without one: the browser's).
    for language, name in (("en", "structural-funding"), ("nl", "structurele-financiering")):
        response = browser.get(url, timeout=TIMEOUT, headers={"Accept-Language": language})
        disposition = response.headers["Content-Disposition"]
        assert f"filename*=UTF-8''{name}-%C3%98ST-%F0%9F%8C%B1.csv" in disposition
        assert f"filename={name}-ST-.csv" in disposition


def test_the_treasurer_downloads_her_centres_files(served):
    browser = signed_in(served, served.treasurer)
    for url, kind in (
        ("/centres/SO-1/figures.csv", "csv"),
        ("/centres/SO-1/figures.xlsx", "xlsx"),
        ("/centres/SO-1/report.pdf?year=2025&lang=nl", "pdf"),
        (f"/grants/{served.grant}/report.pdf?lang=nb", "pdf"),
    ):
        _check_file(browser.get(served.url + url, timeout=TIMEOUT), kind)


def test_the_api_sends_the_same_files(served):
    headers = {"Authorization": f"Bearer {served.token}"}
    for url, kind in (
        (f"/api/v1/centres/{quote('ØST-🌱')}/report.pdf?year=2025", "pdf"),
        (f"/api/v1/grants/{served.grant}/report.pdf", "pdf"),
        ("/api/v1/grants/360giving.csv", "csv"),
    ):
        _check_file(requests.get(served.url + url, headers=headers, timeout=TIMEOUT), kind)
