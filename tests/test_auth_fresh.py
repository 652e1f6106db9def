"""Setting up the second step and making new recovery codes need a fresh sign-in: a session
resumed from "keep me signed in", or one signed in long ago, confirms the password first."""

import pyotp
from sqlalchemy import select

from fundtrack.auth.models import RecoveryCode
from tests import factories

PASSWORD = "correct horse battery"


def test_setting_up_the_second_step_needs_a_fresh_sign_in(client, session, network):
    user = factories.user(session, role="auditor")
    factories.signed_in(client, session, user, fresh=False)
    answer = client.get("/account/two-step")
    assert answer.status_code == 302 and "/account/confirm" in answer.headers["Location"]
    confirmed = client.post("/account/confirm?next=/account/two-step", data={"password": PASSWORD})
    assert confirmed.headers["Location"] == "/account/two-step"
    assert client.get("/account/two-step").status_code == 200


def test_a_wrong_password_does_not_make_the_session_fresh(client, session, network):
    factories.signed_in(client, session, factories.user(session, role="auditor"), fresh=False)
    wrong = client.post("/account/confirm", data={"password": "not my password at all"})
    assert wrong.status_code == 401
    assert client.get("/account/two-step").status_code == 302


def test_new_recovery_codes_need_a_fresh_sign_in_with_the_second_step(client, session, network):
    user = factories.user(session, role="auditor")
    secret = factories.enrol_mfa(session, user)
    factories.signed_in(client, session, user, fresh=False)
    answer = client.post("/account/two-step/recovery-codes")
    assert answer.status_code == 302 and "/account/confirm" in answer.headers["Location"]
    assert session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all() == []
    client.post("/account/confirm", data={"password": PASSWORD, "code": pyotp.TOTP(secret).now()})
    assert client.post("/account/two-step/recovery-codes").status_code == 200
    codes = session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    assert len(codes) == 10
