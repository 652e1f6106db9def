"""API tokens: issuing, hashing, revoking, the CLI, the page, and what a request needs."""

import hashlib

import pytest
from sqlalchemy import select

from fundtrack.auth.models import ApiToken
from fundtrack.auth.tokens import PREFIX, issue_token, revoke_token, user_for_token
from fundtrack.centres.models import Region
from tests import factories
from tests.api_helpers import ApiCaller, count


@pytest.fixture
def api(client, session, network):
    return ApiCaller(client, session)


def test_issued_token_is_stored_only_as_its_sha256_hash(session, network):
    user = factories.user(session, role="admin")
    row, token = issue_token(session, user, "platform")
    assert token.startswith(PREFIX) and len(token) > 40
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    stored = session.scalars(select(ApiToken.token_hash)).all()
    assert token not in stored
    assert user_for_token(session, token) is user


def test_revoked_or_unknown_tokens_name_nobody(session, network):
    user = factories.user(session, role="admin")
    row, token = issue_token(session, user)
    revoke_token(session, row)
    assert user_for_token(session, token) is None
    assert user_for_token(session, PREFIX + "guessed") is None
    assert user_for_token(session, "") is None


def test_token_of_an_inactive_user_is_refused(api, session):
    caller = api.as_("admin")
    caller.user.active = False
    assert caller.get("/regions").status_code == 401


def test_request_without_a_token_is_refused_with_json_401(api, client):
    response = client.get("/api/v1/income")
    assert response.status_code == 401
    assert response.get_json()["code"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "header",
    ["Bearer ", "Bearer ft_nope", "Basic dXNlcjpwYXNz", "ft_only-the-token", "Bearer \x7f"],
)
def test_bad_authorization_headers_get_401(api, client, header):
    response = client.get("/api/v1/regions", headers={"Authorization": header})
    assert response.status_code == 401


def test_a_signed_in_browser_session_alone_does_not_authenticate_api_writes(
    api, client, login_as, session
):
    login_as("admin")
    before = count(session, Region)
    response = client.post("/api/v1/regions", json={"code": "X", "name": "X region"})
    assert response.status_code == 401
    assert count(session, Region) == before


def test_api_writes_need_no_csrf_token_with_csrf_switched_on(app, session, network):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        caller = ApiCaller(app.test_client(), session).as_("admin")
        response = caller.post("/regions", json={"code": "CSRF", "name": "No CSRF needed"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 201


def test_using_a_token_notes_when_it_was_last_used(api, session):
    caller = api.as_("auditor")
    row = session.scalars(select(ApiToken).where(ApiToken.user_id == caller.user.id)).one()
    assert row.last_used_at is None
    assert caller.get("/regions").status_code == 200
    assert row.last_used_at is not None


def test_api_changes_are_audited_as_the_tokens_user(api, session):
    from fundtrack.audit.models import AuditEvent

    caller = api.as_("national")
    response = caller.post("/regions", json={"code": "AUD", "name": "Audited region"})
    assert response.status_code == 201
    event = session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "regions", AuditEvent.action == "create")
    ).one()
    assert event.user_id == caller.user.id and event.actor == f"{caller.user.email} (api)"


def test_users_token_command_prints_a_working_token(app, session, network):
    user = factories.user(session, role="auditor", email="reader@example.org")
    session.commit()
    result = app.test_cli_runner().invoke(
        args=["users", "token", "reader@example.org", "--name", "spreadsheet"]
    )
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    assert user_for_token(session, token) == user
    assert session.scalars(select(ApiToken.name).where(ApiToken.user_id == user.id)).one() == (
        "spreadsheet"
    )


def test_users_token_command_refuses_an_unknown_email(app, session, network):
    result = app.test_cli_runner().invoke(args=["users", "token", "nobody@example.org"])
    assert result.exit_code != 0 and "no account" in result.output


def test_token_page_creates_a_token_shown_once_and_revokes_it(client, login_as, session):
    user = factories.user(session, centre=factories.centre(session))
    factories.enrol_mfa(session, user)
    factories.signed_in(client, session, user)
    page = client.post("/account/tokens", data={"name": "donation platform"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    row = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).one()
    token = html.split('<code id="new-token">')[1].split("</code>")[0]
    assert user_for_token(session, token) == user and "donation platform" in html
    listing = client.get("/account/tokens").get_data(as_text=True)
    assert token not in listing and "donation platform" in listing
    response = client.post(f"/account/tokens/{row.id}/revoke")
    assert response.status_code == 302
    assert row.revoked_at is not None and user_for_token(session, token) is None


def test_nobody_revokes_someone_elses_token(client, login_as, session):
    other = factories.user(session, role="admin")
    row, token = issue_token(session, other)
    login_as("national")
    assert client.post(f"/account/tokens/{row.id}/revoke").status_code == 404
    assert user_for_token(session, token) == other


def test_token_page_needs_a_csrf_token(app, client, login_as, session):
    login_as("admin")
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post("/account/tokens", data={"name": "x"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert response.status_code == 400
    assert session.scalars(select(ApiToken)).all() == []


def test_openapi_document_is_public_and_says_3_1(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    assert "/api/v1/funding-share" in document["paths"]
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    assert client.get("/api/v1/docs").status_code == 200


def test_screens_keep_html_error_pages(client):
    response = client.get("/no-such-page")
    assert response.status_code == 404 and response.mimetype == "text/html"


def test_api_paths_answer_errors_in_json(api):
    response = api.as_("admin").get("/no-such-resource")
    assert response.status_code == 404 and response.get_json()["code"] == 404


def test_nullable_fields_are_written_the_openapi_3_1_way(client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert '"nullable"' not in str(document).replace("'", '"')
    income = document["components"]["schemas"]["Income"]["properties"]
    assert income["external_id"]["type"] == ["string", "null"]
    assert income["amount"]["type"] == "string" and income["amount"]["pattern"]
