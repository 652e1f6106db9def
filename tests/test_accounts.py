"""Signing in, the home page per role, CSRF, the users CLI, and production settings."""

import pytest
from sqlalchemy import select

from fundtrack import create_app
from fundtrack.auth.models import User
from fundtrack.config import ConfigError
from tests import factories


def test_login_with_the_right_password_opens_the_home_page(client, session, network):
    centre = factories.centre(session, name="Inloophuis De Boei")
    factories.user(session, role="treasurer", centre=centre, email="t@example.org")
    response = client.post(
        "/login", data={"email": "T@example.org", "password": "correct horse battery"}
    )
    assert response.status_code == 302
    page = client.get("/").get_data(as_text=True)
    assert "t@example.org" in page and "Inloophuis De Boei" in page and "treasurer" in page


def test_wrong_password_is_refused_without_saying_which_part_was_wrong(client, session, network):
    factories.user(session, role="admin", email="a@example.org")
    response = client.post("/login", data={"email": "a@example.org", "password": "nope nope"})
    assert response.status_code == 401
    assert "Unknown e-mail address or wrong password" in response.get_data(as_text=True)


def test_home_needs_a_login(client):
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "/\\/evil.example"]
)
def test_login_never_redirects_off_site(client, session, network, target):
    # Browsers read a backslash as a slash: "/\evil.example" is "//evil.example".
    factories.user(session, role="admin", email="a@example.org")
    response = client.post(
        "/login", query_string={"next": target},
        data={"email": "a@example.org", "password": "correct horse battery"},
    )  # fmt: skip
    assert response.headers["Location"] == "/"


def test_a_deactivated_user_is_signed_out_at_the_next_request(client, session, login_as):
    user = login_as("national")
    assert client.get("/").status_code == 200
    user.active = False
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


@pytest.mark.parametrize("role", ["admin", "national", "auditor"])
def test_home_page_says_who_you_are(client, login_as, role):
    user = login_as(role)
    page = client.get("/").get_data(as_text=True)
    assert user.email in page and role in page


def test_forms_refuse_a_post_without_csrf_token(app, session, network):
    csrf_app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": "x",
        }
    )
    response = csrf_app.test_client().post(
        "/login", data={"email": "a@example.org", "password": "whatever"}
    )
    assert response.status_code == 400


def test_users_create_reads_the_password_from_stdin(app, session, network):
    centre = factories.centre(session, code="AMS")
    result = app.test_cli_runner().invoke(
        args=["users", "create", "new@example.org", "--role", "treasurer", "--centre", "AMS"],
        input="a very long password\n",
    )
    assert result.exit_code == 0, result.output
    user = session.scalars(select(User).where(User.email == "new@example.org")).one()
    assert user.centre_id == centre.id and user.check_password("a very long password")
    listing = app.test_cli_runner().invoke(args=["users", "list"])
    assert "new@example.org" in listing.output and "AMS" in listing.output


def test_users_create_names_the_problem(app, session, network):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "x@example.org", "--role", "treasurer"], input="long password 1\n"
    )
    # The option at fault, then the account rule's own words (auth.operations), in English.
    assert result.exit_code != 0
    assert "--centre: a treasurer belongs to one centre" in result.output, result.output
    assert session.scalars(select(User).where(User.email == "x@example.org")).first() is None


def test_production_refuses_the_default_secret_key(monkeypatch):
    monkeypatch.setenv("FUNDTRACK_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        create_app()


def test_a_user_chooses_the_ui_language_and_dates_follow_it(client, session, login_as):
    user = login_as("national")
    response = client.post("/account/language", data={"locale": "en"})
    assert response.status_code == 302
    session.refresh(user)
    assert user.locale == "en"
    assert '<option selected value="en">' in client.get("/").get_data(as_text=True)
    with client.application.test_request_context():
        from datetime import date

        from flask_babel import format_date, refresh
        from flask_login import login_user

        login_user(user)
        refresh()
        assert format_date(date(2025, 3, 1), "long") == "March 1, 2025"


def test_an_unknown_language_is_refused_by_name(client, session, login_as):
    user = login_as("national")
    client.post("/account/language", data={"locale": "xx"})
    session.refresh(user)
    assert user.locale is None


def test_a_treasurer_lands_on_their_centres_figures_after_signing_in(client, session, network):
    centre = factories.centre(session, code="LND")
    factories.user(session, role="treasurer", centre=centre, email="land@example.org")
    response = client.post(
        "/login", data={"email": "land@example.org", "password": "correct horse battery"}
    )
    assert response.headers["Location"] == "/my-centre"


def test_the_national_office_lands_on_the_dashboard(client, session, network):
    factories.user(session, role="national", email="office@example.org")
    response = client.post(
        "/login", data={"email": "office@example.org", "password": "correct horse battery"}
    )
    assert response.headers["Location"] == "/dashboard"
