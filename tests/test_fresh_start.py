"""A real network from an empty, migrated database: README's production steps, then the screens
and API calls that meet a database without a network."""

import re
from fractions import Fraction

import pytest

from fundtrack.centres.models import Network
from tests import factories


def _cli(app, *args, input=None):
    return app.test_cli_runner().invoke(args=list(args), input=input)


def _sign_in(client, email, password):
    """Password, then (admins and the national office) a code from the authenticator app."""
    response = client.post("/login", data={"email": email, "password": password})
    if response.headers.get("Location") != "/login/code":
        return response
    import pyotp
    from sqlalchemy import select

    from fundtrack.auth.models import User
    from fundtrack.extensions import db

    user = db.session.scalars(select(User).where(User.email == email)).one()
    return client.post("/login/code", data={"code": pyotp.TOTP(user.mfa_secret).now()})


def _enrolled(session, email):
    """The account's authenticator app is set up (README: at the first sign-in)."""
    from sqlalchemy import select

    from fundtrack.auth.models import User

    factories.enrol_mfa(session, session.scalars(select(User).where(User.email == email)).one())
    session.commit()


def test_readme_production_steps_reach_a_booked_line_on_the_dashboard(app, client, session):
    created = _cli(
        app,
        "network",
        "create",
        "--name",
        "Inloophuizen",
        "--currency",
        "EUR",
        "--locale",
        "nl_NL",
        "--fiscal-year-start",
        "1",
        "--target",
        "2/3",
    )
    assert created.exit_code == 0, created.output
    admin = _cli(
        app,
        "users",
        "create",
        "office@inloop.test",
        "--role",
        "admin",
        input="a long admin password\n",
    )
    assert admin.exit_code == 0, admin.output
    token = _cli(
        app, "users", "token", "office@inloop.test", "--name", "set-up", "--scope", "write"
    ).output.strip()
    api = {"Authorization": f"Bearer {token}"}

    assert client.post("/api/v1/regions", json={"code": "N", "name": "Noord"}, headers=api)
    centre = {
        "code": "GRN",
        "name": "Inloophuis Groningen",
        "region": "N",
        "municipality": "Groningen",
    }
    assert client.post("/api/v1/centres", json=centre, headers=api).status_code == 201
    funder = {"name": "Gemeente Groningen", "type": "municipality"}
    funder_id = client.post("/api/v1/funders", json=funder, headers=api).get_json()["id"]
    agreement = {"funder": funder_id, "centre": "GRN", "title": "Subsidie", "start": "2025-01-01",
                 "recurring": True, "annual_amount": "1234.56"}  # fmt: skip
    agreement_id = client.post("/api/v1/agreements", json=agreement, headers=api).get_json()["id"]
    line = {"centre": "GRN", "date": "2025-03-01", "amount": "1234.56",
            "category": "government_subsidies", "agreement": agreement_id}  # fmt: skip
    booked = client.post("/api/v1/income", json=line, headers=api)
    assert booked.status_code == 201, booked.get_json()

    _enrolled(session, "office@inloop.test")
    assert _sign_in(client, "office@inloop.test", "a long admin password").status_code == 302
    page = client.get("/dashboard?year=2025").get_data(as_text=True)
    assert "Inloophuis Groningen" in page
    assert "1.234,56" in page


def test_a_second_network_is_refused_and_the_first_kept(app, session):
    factories.network(session, name="The first")
    session.commit()
    again = _cli(
        app, "network", "create", "--name", "Second", "--currency", "NOK", "--locale", "nb_NO"
    )
    assert again.exit_code != 0
    assert "already exists" in again.output
    assert session.get(Network, 1).name == "The first"
    assert session.get(Network, 1).currency == "EUR"


@pytest.mark.parametrize(
    ("option", "value", "said"),
    [
        ("--target", "3/2", "--target"),
        ("--currency", "EURO", "--currency"),
        ("--locale", "nl", "--locale"),
        ("--fiscal-year-start", "13", "--fiscal-year-start"),
    ],
)
def test_network_create_names_the_option_it_refuses(app, session, option, value, said):
    values = {"--name": "N", "--currency": "EUR", "--locale": "nl_NL", option: value}
    result = _cli(app, "network", "create", *[part for pair in values.items() for part in pair])
    assert result.exit_code != 0
    assert said in result.output
    assert session.get(Network, 1) is None


def test_without_a_network_the_api_says_what_to_do_instead_of_failing(client, session):
    from tests.api_helpers import ApiCaller

    centre_free = ApiCaller(client, session).as_("admin")
    booked = centre_free.post(
        "/income",
        json={"centre": "X", "date": "2025-01-01", "amount": "5.00", "category": "individuals"},
    )
    share = centre_free.get("/funding-share?year=2025")
    settings = centre_free.get("/network")
    for response in (share, settings):
        assert response.status_code == 409
        assert "network create" in response.get_json()["message"]
    assert booked.status_code in (409, 422)


def test_an_admin_without_a_network_signs_in_to_the_form_that_creates_it(client, session):
    factories.user(session, role="admin", email="first@inloop.test", password="first admin pw")
    _enrolled(session, "first@inloop.test")
    signed_in = _sign_in(client, "first@inloop.test", "first admin pw")
    assert signed_in.headers["Location"].endswith("/setup")
    assert client.get("/dashboard").headers["Location"].endswith("/setup")

    refused = client.post(
        "/setup",
        data={
            "name": "Kreft",
            "currency": "NOK",
            "locale": "nb_NO",
            "target": "5/4",
            "fiscal_year_start_month": "1",
        },
    )
    assert refused.status_code == 200
    assert session.get(Network, 1) is None
    assert re.search(r"must lie above 0 and at most 1", refused.get_data(as_text=True))

    made = client.post(
        "/setup",
        data={
            "name": "Kreft",
            "currency": "NOK",
            "locale": "nb_NO",
            "target": "2/3",
            "fiscal_year_start_month": "7",
        },
    )
    assert made.status_code == 302
    network = session.get(Network, 1)
    assert (network.name, network.currency, network.fiscal_year_start_month) == ("Kreft", "NOK", 7)
    assert client.get("/setup").headers["Location"].endswith("/")


def test_other_roles_without_a_network_see_what_is_missing(client, session):
    factories.user(
        session, role="national", email="office@inloop.test", password="national office pw1"
    )
    _enrolled(session, "office@inloop.test")
    _sign_in(client, "office@inloop.test", "national office pw1")
    page = client.get("/dashboard")
    assert page.status_code == 503
    assert "network create" in page.get_data(as_text=True)
    assert client.get("/setup").status_code == 403


def test_the_api_reads_and_changes_the_settings_under_the_screens_rules(client, session):
    from tests.api_helpers import ApiCaller

    factories.network(session)
    api = ApiCaller(client, session)
    national, treasurer = api.as_("national"), api.as_("treasurer", factories.centre(session))
    assert treasurer.get("/network").get_json()["target"] == "2/3"
    assert treasurer.patch("/network", json={"name": "Mine"}).status_code == 403

    changed = national.patch("/network", json={"target": "3/4", "name": "Inloophuizen"})
    assert changed.status_code == 200, changed.get_json()
    assert changed.get_json()["target"] == "3/4"
    assert session.get(Network, 1).structural_target == Fraction(3, 4)
    bad = national.patch("/network", json={"target": "0"})
    assert bad.status_code == 422 and "target" in bad.get_json()["errors"]
    assert (
        national.post(
            "/network", json={"name": "X", "currency": "EUR", "locale": "nl_NL"}
        ).status_code
        == 403
    )


def test_the_first_month_cannot_move_once_income_is_booked(client, session):
    from tests.api_helpers import ApiCaller

    factories.network(session)
    factories.income(session, factories.centre(session))
    national = ApiCaller(client, session).as_("national")
    moved = national.patch("/network", json={"fiscal_year_start_month": 7})
    assert moved.status_code == 422
    assert "fiscal_year_start_month" in moved.get_json()["errors"]
