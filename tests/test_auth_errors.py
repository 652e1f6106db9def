"""The accounts' refusals are of the one error family: a lazy message made where it is
raised (put into words in the reader's language), a stable code for programs, and no
e-mail address or raw code in the words."""

import pytest
from flask_babel import LazyString

from fundtrack.auth.access import require_manage, require_network_manager
from fundtrack.auth.models import Role
from fundtrack.auth.operations import create_account_at_console, reset_second_step
from fundtrack.auth.passwords import check_new_password
from fundtrack.auth.tokens import issue_token
from fundtrack.errors import DomainError, NotAllowed, ValidationError
from tests import factories


def _refusal(call) -> DomainError:
    with pytest.raises(DomainError) as refused:
        call()
    return refused.value


def test_not_allowed_refusals_carry_a_code_and_no_e_mail(session, network):
    mine, theirs = factories.centre(session), factories.centre(session)
    treasurer = factories.user(session, role="treasurer", centre=mine)
    auditor = factories.user(session, role="auditor")
    cases = [
        (lambda: require_manage(treasurer, theirs.id), "not_your_centre"),
        (lambda: require_network_manager(treasurer), "national_office_only"),
        (lambda: reset_second_step(session, auditor, treasurer), "admin_only"),
    ]
    for call, code in cases:
        error = _refusal(call)
        assert isinstance(error, NotAllowed) and error.code == code
        assert isinstance(error.message, LazyString)
        assert "@" not in str(error.message)


def test_validation_refusals_carry_a_field_a_code_and_lazy_words(session, network):
    def console(**given):
        values = {"email": "t@example.org", "role": Role.AUDITOR, "password": "x"} | given
        return create_account_at_console(session, values)

    centre = factories.centre(session)
    inactive = factories.user(session, role="auditor", active=False)
    active = factories.user(session, role="auditor", email="taken@example.org")
    cases = [
        (lambda: issue_token(session, inactive), "user", "inactive_user"),
        (lambda: issue_token(session, active, scope="all"), "scope", "unknown_scope"),
        (lambda: issue_token(session, active, days=400), "days", "token_days"),
        (lambda: check_new_password("short"), "password", "too_short"),
        (lambda: check_new_password("x" * 300), "password", "too_long"),
        (lambda: check_new_password("password1234"), "password", "too_guessable"),
        (lambda: console(email=active.email), "email", "email_taken"),
        (lambda: console(role=Role.TREASURER), "centre", "centre_required"),
        (lambda: console(role=Role.TREASURER, centre="NOPE"), "centre", "unknown_centre"),
        (lambda: console(centre=centre.code), "centre", "centre_not_allowed"),
    ]  # fmt: skip
    for call, field, code in cases:
        error = _refusal(call)
        assert isinstance(error, ValidationError)
        assert (error.field, error.code) == (field, code), str(error)
        assert isinstance(error.message, LazyString), str(error)
    assert "auditor" in str(_refusal(cases[-1][0]).message)  # the role in words


def test_a_refusal_is_said_in_the_readers_language(app, session, network):
    treasurer = factories.user(session, role="treasurer", centre=factories.centre(session))
    error = _refusal(lambda: require_network_manager(treasurer))
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert str(error.message) == "only the national office may change the network's settings"
