"""Accounts are created and changed by fundtrack.auth.operations: admins only, a centre
exactly for a treasurer, one account per email, a password to start with; audited."""

import pytest
from sqlalchemy import select

from fundtrack.audit.models import AuditEvent
from fundtrack.auth.access import NotAllowed
from fundtrack.auth.models import Role, User
from fundtrack.auth.operations import create_user, delete_user, update_user
from fundtrack.errors import ValidationError
from tests import factories

PASSWORD = "a long enough passphrase"


def test_an_admin_creates_a_treasurer_of_a_centre_who_can_sign_in(session, network):
    admin = factories.user(session, role="admin")
    centre = factories.centre(session)
    made = create_user(session, admin, {"email": " New@Example.org ", "role": "treasurer",
                                        "centre": centre.code, "password": PASSWORD})  # fmt: skip
    assert (made.email, made.role, made.centre_id) == ("new@example.org", Role.TREASURER, centre.id)
    assert made.check_password(PASSWORD) and made.can_manage(centre.id)


@pytest.mark.parametrize("role", ["national", "auditor", "treasurer"])
def test_only_admins_manage_accounts(session, network, role):
    centre = factories.centre(session)
    acting = factories.user(session, role=role, centre=centre if role == "treasurer" else None)
    other = factories.user(session, role="auditor")
    with pytest.raises(NotAllowed):
        create_user(session, acting, {"email": "x@example.org", "role": "auditor",
                                      "password": PASSWORD})  # fmt: skip
    with pytest.raises(NotAllowed):
        update_user(session, acting, other, {"role": "admin"})
    assert other.role == Role.AUDITOR


@pytest.mark.parametrize(
    ("values", "field", "code"),
    [
        ({"role": "treasurer"}, "centre", "centre_required"),
        ({"role": "auditor", "centre": "OWN"}, "centre", "centre_not_allowed"),
        ({"role": "auditor", "email": "TAKEN@example.org"}, "email", "email_taken"),
        ({"role": "auditor", "password": ""}, "password", "password_required"),
        ({"role": "dictator"}, "role", "unknown_role"),
        ({"role": "auditor", "password": "short"}, "password", None),
    ],
)
def test_an_account_that_breaks_a_rule_is_refused_naming_the_field(
    session, network, values, field, code
):
    admin = factories.user(session, role="admin")
    factories.centre(session, code="OWN")
    factories.user(session, role="auditor", email="taken@example.org")
    given = {"email": "new@example.org", "password": PASSWORD} | values
    with pytest.raises(ValidationError) as refused:
        create_user(session, admin, given)
    assert refused.value.field == field
    assert code is None or refused.value.code == code
    assert session.scalars(select(User).where(User.email == "new@example.org")).first() is None


def test_a_treasurer_made_national_leaves_her_centre_and_the_change_is_audited(session, network):
    admin = factories.user(session, role="admin")
    centre = factories.centre(session)
    treasurer = factories.user(session, role="treasurer", centre=centre)
    with pytest.raises(ValidationError) as refused:
        update_user(session, admin, treasurer, {"role": "national"})
    assert refused.value.code == "centre_not_allowed"
    update_user(session, admin, treasurer, {"role": "national", "centre": None})
    assert (treasurer.role, treasurer.centre) == (Role.NATIONAL, None)
    assert treasurer.sees_all_centres and treasurer.can_manage_network
    session.flush()
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "users",
                                 AuditEvent.entity_id == str(treasurer.id))
    ).all()  # fmt: skip
    assert any(e.after and e.after.get("role") == "national" for e in events)


def test_an_admin_cannot_remove_their_own_account(session, network):
    admin = factories.user(session, role="admin")
    with pytest.raises(ValidationError) as refused:
        delete_user(session, admin, admin)
    assert refused.value.code == "own_account"
