"""Grants are found from every page: in the header, a new application from the grants page,
the treasurer's own centre as its applicant and no funder picked for her, and a line booked
from a grant's page comes back to that grant."""

import re

from fundtrack.grants.models import Grant
from fundtrack.income.models import IncomeLine
from tests import factories
from tests.grant_helpers import grant


def _select(page: str, name: str) -> str:
    return re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)


def test_treasurers_find_grants_in_the_header_and_start_an_application_there(
    client, session, login_as
):
    centre = factories.centre(session)
    login_as("treasurer", centre)
    page = client.get("/my-centre").get_data(as_text=True)
    assert '<a href="/grants">' in re.search(r"<header.*?</header>", page, re.S).group(0)
    grants = client.get("/grants").get_data(as_text=True)
    assert 'id="new-application"' in grants and "/admin/grants/new/?url=/grants" in grants


def test_the_national_office_finds_them_too_and_an_auditor_cannot_apply(client, login_as):
    login_as("national")
    header = client.get("/dashboard").get_data(as_text=True)
    assert '<a href="/grants">' in header
    assert 'id="new-application"' in client.get("/grants").get_data(as_text=True)
    client.get("/logout")
    login_as("auditor")
    assert 'id="new-application"' not in client.get("/grants").get_data(as_text=True)


def test_a_treasurers_application_is_her_centres_and_names_no_funder_until_she_does(
    client, session, login_as
):
    centre = factories.centre(session)
    factories.funder(session, name="Aardvark Fund")
    login_as("treasurer", centre)
    page = client.get("/admin/grants/new/").get_data(as_text=True)
    applicant = _select(page, "centre")
    assert re.findall(r"<option selected value=\"([^\"]*)\"", applicant) == [str(centre.id)]
    assert "__None" not in applicant  # the national office's choice is not hers
    funder = _select(page, "funder")
    assert re.findall(r"<option selected value=\"([^\"]*)\"", funder) == ["__None"]
    assert "Choose the funder" in funder


def test_the_national_office_starts_with_no_applicant_centre_and_no_funder(
    client, session, login_as
):
    factories.centre(session)
    factories.funder(session)
    login_as("national")
    page = client.get("/admin/grants/new/").get_data(as_text=True)
    for name in ("centre", "funder"):
        assert re.findall(r"<option selected value=\"([^\"]*)\"", _select(page, name)) == ["__None"]


def test_a_line_booked_from_a_grant_returns_to_the_grant(client, session, login_as):
    centre = factories.centre(session)
    application = grant(session, centre)
    session.commit()
    login_as("treasurer", centre)
    page = client.get(f"/grants/{application.id}").get_data(as_text=True)
    link = re.search(r'<a href="([^"]+)" id="book-income"', page).group(1).replace("&amp;", "&")
    assert link.endswith(f"url=/grants/{application.id}")
    form = client.get(link).get_data(as_text=True)
    action = re.search(r'<form action="([^"]*)" method="POST"', form).group(1)
    saved = client.post(
        action.replace("&amp;", "&") or link,
        data={
            "centre": str(centre.id),
            "booking_date": "2025-04-01",
            "amount": "250",
            "category": "other_nonprofits",
            "funder": str(application.funder_id),
            "grant": str(application.id),
            "reference": "from-the-grant",
        },
    )
    refusals = re.findall(
        r"text-danger[^>]*>\s*<li>([^<]+)|alert-danger[^>]*>.*?</button>\s*([^<]+)",
        saved.get_data(as_text=True),
        re.S,
    )
    assert saved.status_code == 302, refusals
    assert saved.headers["Location"].endswith(f"/grants/{application.id}")
    line = factories.first(session, IncomeLine, reference="from-the-grant")
    assert line.grant_id == application.id
    assert session.get(Grant, application.id) is not None


def test_an_application_without_a_funder_is_refused_beside_the_field(client, session, login_as):
    centre = factories.centre(session)
    login_as("national")
    page = client.post(
        "/admin/grants/new/",
        data={"centre": str(centre.id), "funder": "__None", "project_name": "No funder",
              "start_date": "2025-01-01", "end_date": "2025-12-31", "amount_requested": "100"},
    ).get_data(as_text=True)  # fmt: skip
    assert factories.first(session, Grant, project_name="No funder") is None
    funder = re.search(r'name="funder".*?</ul>', page, re.S).group(0)
    assert "This field is required." in funder
