"""Sign-in: throttled, the same work for unknown accounts, audited; passwords; the second step."""

import pyotp
import pytest
from sqlalchemy import select

from fundtrack.audit.models import AuditEvent
from fundtrack.auth import passwords
from fundtrack.auth.models import User
from fundtrack.auth.passwords import WeakPassword, check_new_password
from tests import factories

PASSWORD = "correct horse battery"


def _post(client, email, password=PASSWORD):
    return client.post("/login", data={"email": email, "password": password})


def test_the_limiter_answers_429_after_ten_failures_for_one_account(client, session, network):
    factories.user(session, role="auditor", email="a@example.org")
    for _ in range(10):
        assert _post(client, "a@example.org", "wrong wrong wrong").status_code == 401
    assert _post(client, "a@example.org", "wrong wrong wrong").status_code == 429
    # Even the right password waits now.
    assert _post(client, "a@example.org").status_code == 429


def test_the_limiter_counts_per_client_address_across_accounts(app, client, session, network):
    app.config["LOGIN_LIMIT_ADDRESS"] = "5 per 15 minutes"
    try:
        for n in range(5):
            assert _post(client, f"nobody{n}@example.org").status_code == 401
        assert _post(client, "someone-else@example.org").status_code == 429
    finally:
        app.config["LOGIN_LIMIT_ADDRESS"] = "50 per 15 minutes"


def test_an_unknown_address_costs_the_same_hash_as_a_wrong_password(
    client, session, network, monkeypatch
):
    factories.user(session, role="auditor", email="known@example.org")
    calls = []
    real = passwords._hasher

    class Counting:
        def __init__(self, profile):
            self.inner = real(profile)

        def verify(self, stored, password):
            calls.append(stored.split("$")[3])  # the cost parameters
            return self.inner.verify(stored, password)

        def __getattr__(self, name):
            return getattr(self.inner, name)

    monkeypatch.setattr(passwords, "_hasher", Counting)
    known = _post(client, "known@example.org", "wrong password here")
    unknown = _post(client, "unknown@example.org", "wrong password here")
    assert known.status_code == unknown.status_code == 401
    assert known.get_data(as_text=True).count("wrong password") == unknown.get_data(
        as_text=True
    ).count("wrong password")
    assert len(calls) == 2 and calls[0] == calls[1]


def test_failed_and_successful_sign_ins_are_audited(client, session, network):
    factories.user(session, role="auditor", email="a@example.org")
    _post(client, "a@example.org", "wrong wrong wrong")
    _post(client, "ghost@example.org", "wrong wrong wrong")
    _post(client, "a@example.org")
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "users", AuditEvent.action.like("sign-%"))
        .order_by(AuditEvent.id)
    ).all()
    assert [(e.action, e.actor, e.after.get("reason")) for e in events] == [
        ("sign-in-no", "a@example.org", "password"),
        ("sign-in-no", "ghost@example.org", "unknown"),
        ("sign-in", "a@example.org", None),
    ]
    assert all("wrong" not in str(e.after) for e in events)


@pytest.mark.parametrize(
    "password", ["password12", "aaaaaaaaaaaa", "password1234", "qwertyuiop12", "short pw"]
)
def test_common_and_short_passwords_are_refused(password):
    with pytest.raises(WeakPassword):
        check_new_password(password)


def test_a_long_passphrase_is_welcome_and_hashed_with_argon2id(session, network):
    phrase = "the heron waits by the canal in the early morning fog " * 3
    user = factories.user(session, role="auditor", password=phrase)
    assert user.password_hash.startswith("$argon2id$") and user.check_password(phrase)


def test_a_password_like_the_e_mail_address_is_refused():
    with pytest.raises(WeakPassword):
        check_new_password("jan.dewit@example.org", "jan.dewit@example.org")


def test_an_old_werkzeug_hash_is_upgraded_at_the_next_sign_in(client, session, network):
    from werkzeug.security import generate_password_hash

    user = factories.user(session, role="auditor", email="old@example.org")
    user.password_hash = generate_password_hash(PASSWORD)
    session.commit()
    assert _post(client, "old@example.org").status_code == 302
    session.refresh(user)
    assert user.password_hash.startswith("$argon2id$")
    # The same password, stored again: the session just opened stays open.
    assert client.get("/account").status_code == 200


def _enrol(client) -> tuple[str, list[str]]:
    page = client.get("/account/two-step").get_data(as_text=True)
    assert "<svg" in page
    secret = page.split('id="mfa-secret">')[1].split("<")[0]
    done = client.post("/account/two-step", data={"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200
    codes = done.get_data(as_text=True).split('id="recovery-codes">')[1].split("</ul>")[0]
    return secret, [c.split("</code>")[0] for c in codes.split("<code>")[1:]]


def test_an_admin_must_enrol_before_anything_else(client, session, network):
    factories.user(session, role="admin", email="boss@example.org")
    assert _post(client, "boss@example.org").status_code == 302
    response = client.get("/admin/")
    assert response.status_code == 302 and response.headers["Location"] == "/account/two-step"


def test_totp_enrolment_then_sign_in_with_a_code_used_once(app, client, session, network):
    factories.user(session, role="national", email="office@example.org")
    _post(client, "office@example.org")
    secret, codes = _enrol(client)
    assert len(codes) == 10
    client.post("/logout")

    response = _post(client, "office@example.org")
    assert response.headers["Location"] == "/login/code"
    assert client.get("/dashboard").status_code == 302  # the password alone opens nothing
    code = pyotp.TOTP(secret).now()
    user = session.scalars(select(User).where(User.email == "office@example.org")).one()
    user.mfa_last_step = None  # enrolment used this time step's code
    session.commit()
    assert client.post("/login/code", data={"code": code}).status_code == 302
    assert client.get("/dashboard").status_code == 200
    client.post("/logout")
    _post(client, "office@example.org")
    assert client.post("/login/code", data={"code": code}).status_code == 401  # replayed


def test_a_recovery_code_signs_in_once(client, session, network):
    factories.user(session, role="admin", email="boss@example.org")
    _post(client, "boss@example.org")
    _secret, codes = _enrol(client)
    client.post("/logout")
    _post(client, "boss@example.org")
    assert client.post("/login/code", data={"code": codes[0].upper()}).status_code == 302
    client.post("/logout")
    _post(client, "boss@example.org")
    assert client.post("/login/code", data={"code": codes[0]}).status_code == 401


def test_an_admin_resets_a_lost_second_step_from_the_command_line(app, session, network):
    user = factories.user(session, role="national", email="office@example.org")
    factories.enrol_mfa(session, user)
    session.commit()
    result = app.test_cli_runner().invoke(args=["users", "reset-mfa", "office@example.org"])
    assert result.exit_code == 0, result.output
    session.refresh(user)
    assert not user.mfa_enabled
