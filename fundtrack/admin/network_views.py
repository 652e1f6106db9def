"""Screens of the national office: network settings, regions, centres, locks, users, audit."""

from flask_login import current_user
from wtforms import PasswordField
from wtforms.validators import Length, Optional

from fundtrack.admin.base import SecureModelView
from fundtrack.audit.models import AuditEvent
from fundtrack.auth.models import Role, User
from fundtrack.centres.models import Centre, FiscalYearLock, Network, Region

NETWORK_ROLES = (Role.ADMIN, Role.NATIONAL, Role.AUDITOR)
MANAGERS = (Role.ADMIN, Role.NATIONAL)


class NetworkView(SecureModelView):
    roles = NETWORK_ROLES
    writers = MANAGERS
    can_create = False
    can_delete = False
    column_list = [
        "name",
        "currency",
        "locale",
        "target_numerator",
        "target_denominator",
        "fiscal_year_start_month",
    ]
    column_labels = {
        "target_numerator": "Target (numerator)",
        "target_denominator": "Target (denominator)",
        "fiscal_year_start_month": "Fiscal year starts in month",
    }
    form_columns = column_list


class RegionView(SecureModelView):
    roles = NETWORK_ROLES + (Role.TREASURER,)
    writers = MANAGERS
    column_list = ["code", "name"]


class CentreView(SecureModelView):
    writers = MANAGERS
    column_list = ["code", "name", "municipality", "region", "currency", "active"]
    column_searchable_list = ["code", "name", "municipality"]
    column_filters = ["region.name", "active", "currency"]
    column_select_related_list = [Centre.region]
    form_columns = ["code", "name", "municipality", "region", "currency", "active"]


class FiscalYearLockView(SecureModelView):
    """Closing a year adds a lock; reopening it removes the lock (both audited)."""

    roles = NETWORK_ROLES
    writers = MANAGERS
    can_edit = False
    column_list = ["year", "locked_at", "locked_by_id"]
    column_labels = {"locked_by_id": "Locked by (user id)"}
    column_default_sort = ("year", True)
    form_columns = ["year"]

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        model.locked_by_id = current_user.id


class UserView(SecureModelView):
    roles = (Role.ADMIN,)
    writers = (Role.ADMIN,)
    column_list = ["email", "name", "role", "centre", "active", "created_at"]
    column_searchable_list = ["email", "name"]
    column_filters = ["role", "active"]
    column_exclude_list = ["password_hash"]
    column_details_exclude_list = ["password_hash"]
    form_columns = ["email", "name", "role", "centre", "locale", "active"]
    form_extra_fields = {
        "new_password": PasswordField(
            "New password (leave empty to keep)", validators=[Optional(), Length(min=10)]
        )
    }

    def on_model_change(self, form, model, is_created):
        super().on_model_change(form, model, is_created)
        if form.new_password.data:
            model.set_password(form.new_password.data)
        elif is_created:
            raise ValueError("new_password: a new account needs a password")


class AuditEventView(SecureModelView):
    """The audit log, read-only for everybody; a treasurer sees their centre's events."""

    writers = ()
    can_view_details = True
    column_list = ["at", "actor", "action", "entity", "entity_id", "centre_id"]
    column_default_sort = ("at", True)
    column_filters = ["actor", "action", "entity", "entity_id", "centre_id", "at"]
    # Counting a long log on every page load is waste: show next/previous only.
    simple_list_pager = True


VIEWS = [
    (NetworkView, Network, "Network settings", "Network"),
    (RegionView, Region, "Regions", "Network"),
    (CentreView, Centre, "Centres", "Network"),
    (FiscalYearLockView, FiscalYearLock, "Closed years", "Network"),
    (UserView, User, "Users", "Network"),
    (AuditEventView, AuditEvent, "Audit log", "Network"),
]
