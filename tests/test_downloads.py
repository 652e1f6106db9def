"""Every file goes out through fundtrack.downloads: RFC 6266 names, whatever a code holds."""

import pytest

from fundtrack.downloads import file_name
from tests import factories


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("funding report", "SØR/ØST", 2026), "funding-report-SØR-ØST-2026.pdf"),
        (("../../etc/passwd",), "etc-passwd.pdf"),
        (('a"b', "c\r\nd", "e\x00f"), "a-b-c-d-e-f.pdf"),
        (("", None, "  "), "download.pdf"),
        (("🌱 Zuid-Holland",), "🌱-Zuid-Holland.pdf"),
    ],
)
def test_a_file_name_is_cleaned_of_paths_quotes_and_control_characters(parts, expected):
    assert file_name(*parts, kind="pdf") == expected


def test_a_code_outside_latin_1_downloads_with_an_ascii_name_and_a_utf8_one(
    client, session, login_as, network
):
    # A code stored before the alphabet: the header must still be one a server can send.
    centre = factories.centre(session, code="ØST-🌱", name="Sør-Øst 🌱")
    factories.cost(session, centre, "100.00")
    login_as("national")
    for url in ("/centres/ØST-🌱/figures.csv", "/centres/ØST-🌱/figures.xlsx",
                "/centres/ØST-🌱/report.pdf?year=2025"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        disposition = response.headers["Content-Disposition"]
        disposition.encode("latin-1")  # what a WSGI server must be able to write
        assert disposition.startswith("attachment; filename=")
        assert "filename*=UTF-8''" in disposition and "%C3%98ST-%F0%9F%8C%B1" in disposition
        assert response.headers["Cache-Control"] == "private, no-store"
