"""The TOTP secret is encrypted at rest with keys from the configuration, and recovery codes
are stored salted (argon2id); codes stored unsalted before work once and are replaced."""

import hashlib
import re

import pyotp
import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from flask_migrate import upgrade
from sqlalchemy import select

from fundtrack import create_app
from fundtrack.auth import sealed
from fundtrack.auth.models import RecoveryCode, User
from fundtrack.config import ConfigError, load_config
from fundtrack.extensions import db
from tests import factories
from tests.databases import fresh_database

PASSWORD = "correct horse battery"


def _stored(session, user) -> str | None:
    return session.execute(
        sa.text("SELECT mfa_secret_encrypted FROM users WHERE id = :id"), {"id": user.id}
    ).scalar()


def test_the_totp_secret_is_stored_encrypted_and_still_signs_in(client, session, network):
    user = factories.user(session, role="auditor")
    secret = factories.enrol_mfa(session, user)
    stored = _stored(session, user)
    assert stored and secret not in stored
    columns = {c["name"] for c in sa.inspect(session.connection()).get_columns("users")}
    assert "mfa_secret" not in columns  # no clear-text copy is left beside it
    key = session.get(User, user.id)
    session.expire(key)
    assert key.mfa_secret == secret
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    answer = client.post("/login/code", data={"code": pyotp.TOTP(secret).now()})
    assert answer.status_code == 302 and "/login" not in answer.headers["Location"]


def test_a_secret_made_with_another_key_is_refused_not_read(app, session, network):
    user = factories.user(session, role="auditor")
    other = [Fernet.generate_key().decode()]
    user.mfa_secret_encrypted = sealed.seal(pyotp.random_base32(), other)
    with pytest.raises(ValueError) as refused:
        _ = user.mfa_secret
    assert refused.value.code == "totp_key_unknown"


def test_keys_rotate_an_old_key_still_opens_and_reseal_moves_to_the_new(app, session, network):
    user = factories.user(session, role="auditor")
    secret = factories.enrol_mfa(session, user)
    old = list(app.config["TOTP_SECRET_KEYS"])
    new = Fernet.generate_key().decode()
    app.config["TOTP_SECRET_KEYS"] = [new, *old]
    try:
        assert user.mfa_secret == secret
        assert "under an older key" in app.test_cli_runner().invoke(args=["doctor"]).output
        result = app.test_cli_runner().invoke(args=["users", "reseal"])
        assert result.exit_code == 0, result.output
        assert sealed.unseal(_stored(session, user), [new]) == secret
        app.config["TOTP_SECRET_KEYS"] = [Fernet.generate_key().decode()]
        doctor = app.test_cli_runner().invoke(args=["doctor"])
        assert doctor.exit_code == 1
        assert "secret(s) open with none of the keys" in doctor.output
    finally:
        app.config["TOTP_SECRET_KEYS"] = old


def test_doctor_checks_the_totp_keys(app):
    result = app.test_cli_runner().invoke(args=["doctor"])
    assert "ok   totp keys" in result.output


@pytest.mark.no_db
def test_production_refuses_to_start_without_a_totp_key(monkeypatch, tmp_path):
    monkeypatch.setenv("FUNDTRACK_ENV", "production")
    monkeypatch.delenv("FUNDTRACK_TOTP_KEYS", raising=False)
    with pytest.raises(ConfigError, match="FUNDTRACK_TOTP_KEYS must be set"):
        load_config(str(tmp_path), {"SECRET_KEY": "k" * 40})
    monkeypatch.setenv("FUNDTRACK_TOTP_KEYS", "not a key")
    with pytest.raises(ConfigError, match="no Fernet key"):
        load_config(str(tmp_path), {"SECRET_KEY": "k" * 40})
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("FUNDTRACK_TOTP_KEYS", key)
    assert load_config(str(tmp_path), {"SECRET_KEY": "k" * 40})["TOTP_SECRET_KEYS"] == [key]


@pytest.mark.no_db
def test_development_derives_a_key_from_the_secret_key(tmp_path, monkeypatch):
    monkeypatch.delenv("FUNDTRACK_TOTP_KEYS", raising=False)
    keys = load_config(str(tmp_path), {"SECRET_KEY": "dev"})["TOTP_SECRET_KEYS"]
    assert keys == [sealed.development_key("dev")]


@pytest.mark.no_db
def test_the_migration_encrypts_the_secrets_stored_in_the_clear(app, tmp_path):
    url, drop = fresh_database(app.config["SQLALCHEMY_DATABASE_URI"], "totp", tmp_path)
    fresh = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
    secret = pyotp.random_base32()
    try:
        with fresh.app_context():
            upgrade(revision="0016_recurring_gifts")
            with db.engine.begin() as conn:
                conn.execute(sa.text(
                    "INSERT INTO users (id, email, name, password_hash, role, active,"
                    " mfa_secret, mfa_enabled_at) VALUES (1, 'a@example.org', '', 'x', 'admin',"
                    " true, :secret, CURRENT_TIMESTAMP)"
                ), {"secret": secret})  # fmt: skip
                code = hashlib.sha256(b"abcdefghjk").hexdigest()
                conn.execute(sa.text(
                    "INSERT INTO recovery_codes (user_id, code_hash) VALUES (1, :h)"
                ), {"h": code})  # fmt: skip
            upgrade()
            with db.engine.connect() as conn:
                stored = conn.execute(sa.text("SELECT mfa_secret_encrypted FROM users")).scalar()
                kept = conn.execute(sa.text("SELECT code_hash FROM recovery_codes")).scalar()
            assert secret not in stored
            assert sealed.unseal(stored) == secret
            assert kept == code  # unsalted codes stay until used (then replaced)
    finally:
        with fresh.app_context():
            db.engine.dispose()
        drop()


def test_recovery_codes_are_stored_salted(client, session, network):
    user = factories.user(session, role="auditor")
    secret = factories.enrol_mfa(session, user)
    factories.signed_in(client, session, user)
    page = client.post("/account/two-step/recovery-codes").get_data(as_text=True)
    shown = sorted(set(re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", page)))
    assert len(shown) == 10
    stored = session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id))
    stored = list(stored)
    assert all(h.startswith("$argon2id$") for h in stored)
    assert len({h.split("$")[4] for h in stored}) == 10  # a salt of its own each
    unsalted = {hashlib.sha256(c.replace("-", "").encode()).hexdigest() for c in shown}
    assert unsalted.isdisjoint(stored)
    # And each still signs in once.
    other = client.application.test_client()
    other.post("/login", data={"email": user.email, "password": PASSWORD})
    assert other.post("/login/code", data={"code": shown[0]}).status_code == 302
    other.post("/logout")
    other.post("/login", data={"email": user.email, "password": PASSWORD})
    assert other.post("/login/code", data={"code": shown[0]}).status_code == 401
    assert secret


def test_an_unsalted_recovery_code_works_once_and_the_old_codes_are_replaced(
    client, session, network
):
    user = factories.user(session, role="auditor")
    factories.enrol_mfa(session, user)
    old = ["abcdefghjk", "mnpqrstuvw"]
    for code in old:
        session.add(
            RecoveryCode(user_id=user.id, code_hash=hashlib.sha256(code.encode()).hexdigest())
        )
    session.commit()
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    answer = client.post("/login/code", data={"code": "abcde-fghjk"})
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    assert "Your recovery codes were renewed" in page
    shown = re.findall(r"<code>([a-z0-9]{5}-[a-z0-9]{5})</code>", page)
    assert len(shown) == 10
    stored = session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id))
    assert all(h.startswith("$argon2id$") for h in stored)
    client.post("/logout")
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert client.post("/login/code", data={"code": "mnpqr-stuvw"}).status_code == 401
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert client.post("/login/code", data={"code": shown[1]}).status_code == 302
