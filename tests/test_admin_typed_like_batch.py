"""The admin's forms read days and amounts as batch entry does, in the user's language, and
refuse them in batch entry's words: one message per field, none in English."""

import re
from datetime import date
from decimal import Decimal

from fundtrack.grants.models import Grant
from fundtrack.income.models import IncomeLine
from tests import factories


def _errors(page: str) -> list[str]:
    """The messages under the form's fields and in its flashes."""
    found = re.findall(r'class="form-text text-danger[^"]*">\s*<li>(.*?)</li>', page, re.S)
    found += re.findall(r'class="alert alert-danger[^"]*"[^>]*>.*?</button>(.*?)</div>', page, re.S)
    return [" ".join(text.split()) for text in found]


def _book(client, centre, day: str, amount: str, reference: str):
    return client.post(
        "/admin/income-lines/new/",
        data={
            "booking_date": day,
            "amount": amount,
            "category": "individuals",
            "centre": str(centre.id),
            "reference": reference,
        },
    )


def test_a_dutch_treasurer_types_day_and_amount_in_the_admin_as_in_batch_entry(
    client, session, login_as
):
    centre = factories.centre(session)
    login_as("treasurer", centre, locale="nl")
    assert _book(client, centre, "15-04-2026", "1.234,56", "nl-typed").status_code == 302
    line = factories.first(session, IncomeLine, reference="nl-typed")
    assert (line.booking_date, line.amount) == (date(2026, 4, 15), Decimal("1234.56"))

    page = client.get(f"/admin/income-lines/edit/?id={line.id}").get_data(as_text=True)
    assert 'value="15-04-2026"' in page and 'value="1.234,56"' in page
    assert 'placeholder="dd-mm-jjjj"' in page and 'data-role="datepicker"' not in page


def test_a_norwegian_treasurer_types_them_with_points_and_spaces(client, session, login_as):
    centre = factories.centre(session)
    login_as("treasurer", centre, locale="nb")
    assert _book(client, centre, "15.04.2026", "1 234,56", "nb-typed").status_code == 302
    line = factories.first(session, IncomeLine, reference="nb-typed")
    assert (line.booking_date, line.amount) == (date(2026, 4, 15), Decimal("1234.56"))
    page = client.get(f"/admin/income-lines/edit/?id={line.id}").get_data(as_text=True)
    assert 'value="15.04.2026"' in page


def test_a_wrong_day_and_amount_are_refused_in_batch_entrys_dutch_words_once(
    client, session, login_as
):
    centre = factories.centre(session)
    login_as("treasurer", centre, locale="nl")
    page = _book(client, centre, "31-02-2026", "1234.56", "nl-wrong").get_data(as_text=True)
    assert factories.first(session, IncomeLine, reference="nl-wrong") is None
    assert _errors(page) == [
        "is geen datum",
        "&#39;1234.56&#39; is geen bedrag zoals het hier geschreven wordt (decimalen na „,”);"
        " bedoelt u 1.234,56?",
        "Niet opgeslagen.",
    ]


def test_a_zero_amount_is_refused_by_the_operation_in_its_own_words(client, session, login_as):
    centre = factories.centre(session)
    login_as("treasurer", centre, locale="nl")
    page = _book(client, centre, "15-04-2026", "0", "nl-zero").get_data(as_text=True)
    assert factories.first(session, IncomeLine, reference="nl-zero") is None
    assert _errors(page) == ["Bedrag: moet meer dan 0 zijn"]


def test_a_grant_and_its_report_duty_take_dutch_days(client, session, login_as):
    centre = factories.centre(session)
    funder = factories.funder(session)
    login_as("national", locale="nl")
    response = client.post(
        "/admin/grants/new/",
        data={
            "centre": str(centre.id),
            "funder": str(funder.id),
            "project_name": "Dutch days",
            "start_date": "1-1-2026",
            "end_date": "31.12.2026",
            "amount_requested": "12.500,00",
            "obligations-0-kind": "final",
            "obligations-0-due_date": "31-3-2027",
        },
    )
    assert response.status_code == 302, _errors(response.get_data(as_text=True))
    grant = factories.first(session, Grant, project_name="Dutch days")
    assert (grant.start_date, grant.end_date) == (date(2026, 1, 1), date(2026, 12, 31))
    assert grant.amount_requested == Decimal("12500.00")
    assert [o.due_date for o in grant.obligations] == [date(2027, 3, 31)]


def test_a_page_that_needs_signing_in_says_so_in_our_words(client, network):
    page = client.get("/account", follow_redirects=True).get_data(as_text=True)
    assert "Please sign in to see this page." in page
    assert "Please log in to access this page." not in page


ENGLISH = ("This field", "Not a valid", " is not ", "must be", "Failed", "required", "Invalid")


def test_every_admin_form_refuses_wrong_input_in_dutch_only(client, session):
    """Empty, and with a wrong amount, day and e-mail address: every message is Dutch."""
    import pytest

    from fundtrack.auth.models import Role, User

    pytest.importorskip("fundtrack.demo.build").build_demo(session, "nl")
    admin = factories.first(session, User, role=Role.ADMIN)
    admin.locale = "nl"
    factories.enrol_mfa(session, admin)
    factories.signed_in(client, session, admin)
    wrong = {"amount": "12,345", "annual_amount": "1e3", "booking_date": "2026-13-01",
             "start_date": "x", "end_date": "31-02-2026", "email": "nope"}  # fmt: skip
    said = set()
    for view in client.application.extensions["admin"][0]._views:
        if not hasattr(view, "create_view"):
            continue
        for data in ({}, wrong):
            response = client.post(f"{view.url.rstrip('/')}/new/", data=data)
            if response.status_code == 200:
                said.update(_errors(response.get_data(as_text=True)))
    assert "is geen datum" in said and "Dit veld is vereist." in said
    assert [m for m in said if any(word in m for word in ENGLISH)] == []
