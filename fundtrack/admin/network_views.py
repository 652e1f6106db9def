"""Screens of the national office: network settings, regions, centres, locks, users, audit."""

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.model.template import EndpointLinkRowAction
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import PasswordField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from fundtrack.admin.base import SecureModelView, label_column
from fundtrack.admin.lists import (
    ListFeatures,
    MonthFilter,
    centre_filter,
    kind_filter,
    row_filter,
    year_filter,
)
from fundtrack.admin.operations_view import (
    CentreOperations,
    NetworkOperations,
    OperationsView,
    RegionOperations,
)
from fundtrack.audit.models import AuditEvent
from fundtrack.auth import operations as accounts
from fundtrack.auth.access import NotAllowed, load_visible
from fundtrack.auth.forms import ButtonForm
from fundtrack.auth.models import User
from fundtrack.centres import closing
from fundtrack.centres.models import Centre, FiscalYearLock, Network, Region
from fundtrack.errors import DomainError
from fundtrack.extensions import db
from fundtrack.formatting import format_moment
from fundtrack.forms import MoneyField
from fundtrack.labels import COLUMN_LABELS, language_name, refusal_text


class NetworkView(NetworkOperations, SecureModelView):
    def may_open(self, user) -> bool:
        return user.sees_all_centres

    def may_write(self, user) -> bool:
        return user.can_manage_network

    can_create = False
    can_delete = False
    column_list = [
        "name",
        "currency",
        "locale",
        "target_numerator",
        "target_denominator",
        "fiscal_year_start_month",
        "organisation_number",
        "volunteer_hour_rate",
    ]
    column_formatters = {"locale": lambda _v, _c, model, _n: language_name(model.locale)}
    form_columns = column_list
    form_overrides = {"volunteer_hour_rate": MoneyField}
    form_args = {
        "volunteer_hour_rate": {
            "validators": [Optional()],
            # On the form, not the list: a list's column description is a javascript: link.
            "description": _l(
                "In the network's currency: what grant reports count an hour of volunteer work "
                "as, shown as in-kind co-funding apart from money"
            ),
        }
    }
    column_labels = SecureModelView.column_labels | {
        "volunteer_hour_rate": _l("Value of a volunteer hour")
    }


class RegionView(RegionOperations, SecureModelView):
    def may_write(self, user) -> bool:
        return user.can_manage_network

    column_list = ["code", "name"]
    form_columns = ["code", "name"]


class CentreView(CentreOperations, SecureModelView):
    def may_write(self, user) -> bool:
        return user.can_manage_network

    column_list = ["code", "name", "municipality", "region", "currency", "active"]
    column_searchable_list = ["code", "name", "municipality"]
    column_filters = ["region.name", "active", "currency"]
    column_select_related_list = [Centre.region]
    form_columns = [
        "code", "name", "municipality", "region", "currency", "active", "organisation_number",
        "rsin", "creditor_id", "iban",
    ]  # fmt: skip


def _signed_in_admin() -> bool:
    return current_user.is_authenticated and current_user.is_admin


def _closed_by(_view, _context, model, _name) -> str:
    user = db.session.get(User, model.locked_by_id) if model.locked_by_id else None
    if user is None:
        return ""
    return f"{user.name} ({user.email})" if user.name else user.email


def _closable_years(user) -> list[int]:
    from fundtrack.centres.locks import locked_years

    last = closing.last_ended_year(db.session)
    closed = locked_years(db.session)
    return [year for year in range(last, last - 15, -1) if year not in closed]


class FiscalYearLockView(SecureModelView):
    """Closed years: closing shows what it freezes and asks to confirm (centres/closing.py);
    reopening is the admin's, with a reason. Both are audited."""

    def may_open(self, user) -> bool:
        return user.sees_all_centres

    def may_write(self, user) -> bool:
        return user.can_manage_network

    can_edit = False
    can_delete = False
    column_list = ["year", "locked_at", "locked_by_id"]
    column_labels = COLUMN_LABELS | {"locked_by_id": _l("Closed by")}
    column_formatters = {"locked_by_id": _closed_by}
    column_default_sort = ("year", True)
    form_columns = ["year"]
    form_args = {"year": {"validators": [InputRequired(), NumberRange(min=1900, max=2999)]}}

    def get_list_row_actions(self):
        actions = list(super().get_list_row_actions())
        if _signed_in_admin():
            actions.append(
                EndpointLinkRowAction("fa fa-unlock", ".reopen_view", title=gettext("Reopen"))
            )
        return actions

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        """The year to close is picked here; what it freezes is shown before it happens."""
        if not self._writes:
            abort(403)
        year = request.values.get("year")
        if year:
            return redirect(url_for(".close_view", year=year))
        return redirect(url_for(".close_view"))

    @expose("/close/", methods=("GET", "POST"))
    def close_view(self):
        if not self._writes:
            abort(403)
        user = current_user._get_current_object()
        year = request.values.get("year")
        years = _closable_years(user)
        if year is None:
            return self.render("admin/close_year.html", year=None, years=years, summary=None)
        try:
            year = closing.check_closable(db.session, user, year)
        except (DomainError, NotAllowed) as error:
            flash(refusal_text(error), "error")
            return self.render("admin/close_year.html", year=None, years=years, summary=None)
        if request.method == "POST" and request.form.get("confirm") == "yes":
            try:
                closing.close_year(db.session, user, year)
                db.session.commit()
            except (DomainError, NotAllowed) as error:
                db.session.rollback()
                flash(refusal_text(error), "error")
                return redirect(url_for(".close_view"))
            flash(gettext("Fiscal year %(year)s is closed; its figures are final.", year=year))
            return redirect(url_for(".index_view"))
        summary = closing.summary(db.session, user, year)
        return self.render("admin/close_year.html", year=year, years=years, summary=summary)

    @expose("/reopen/", methods=("GET", "POST"))
    def reopen_view(self):
        if not _signed_in_admin():
            abort(403)
        lock = load_visible(db.session, FiscalYearLock, request.values.get("id"), current_user)
        if request.method == "POST":
            try:
                closing.reopen_year(
                    db.session,
                    current_user._get_current_object(),
                    lock.year,
                    request.form.get("reason", ""),
                )
                db.session.commit()
            except (DomainError, NotAllowed) as error:
                db.session.rollback()
                flash(refusal_text(error), "error")
            else:
                flash(gettext("Fiscal year %(year)s is open again.", year=lock.year))
                return redirect(url_for(".index_view"))
        return self.render("admin/reopen_year.html", lock=lock)


class UserView(OperationsView):
    """Accounts: their rules (a centre exactly for a treasurer, one account per email, a
    password to start with) live in fundtrack.auth.operations, which this view calls."""

    fields = {
        "email": "email", "name": "name", "role": "role", "centre": "centre",
        "locale": "locale", "active": "active", "new_password": "password",
    }  # fmt: skip
    create_with = staticmethod(accounts.create_user)
    update_with = staticmethod(accounts.update_user)
    delete_with = staticmethod(accounts.delete_user)

    def may_open(self, user) -> bool:
        return user.is_admin

    def may_write(self, user) -> bool:
        return user.is_admin

    column_list = ["email", "name", "role", "centre", "active", "created_at"]
    column_formatters = {"role": label_column}
    column_searchable_list = ["email", "name"]
    column_filters = ["role", "active"]
    column_exclude_list = ["password_hash"]
    column_details_exclude_list = ["password_hash"]
    # Flask-Admin only builds the extra field when form_columns names it.
    form_columns = ["email", "name", "role", "centre", "locale", "active", "new_password"]
    form_extra_fields = {
        "new_password": PasswordField(
            COLUMN_LABELS["new_password"], validators=[Optional(), Length(min=10)]
        )
    }

    def get_list_row_actions(self):
        actions = list(super().get_list_row_actions())
        actions.append(
            EndpointLinkRowAction("fa fa-key", ".security_view", title=gettext("Sign-in security"))
        )
        return actions

    @expose("/security/", methods=("GET", "POST"))
    def security_view(self):
        """A user's second step and open sessions; reset the one, end the others."""
        if not _signed_in_admin():
            abort(403)
        user = load_visible(db.session, User, request.values.get("id"), current_user)
        form = ButtonForm()
        if request.method == "POST":
            if not form.validate_on_submit():
                abort(400)
            admin = current_user._get_current_object()
            if request.form.get("do") == "reset-mfa":
                accounts.reset_second_step(db.session, admin, user)
                message = gettext(
                    "%(email)s sets up the second step again at the next sign-in.",
                    email=user.email,
                )
            elif request.form.get("do") == "end-sessions":
                ended = accounts.end_user_sessions(db.session, admin, user)
                message = gettext(
                    "%(email)s is signed out everywhere (%(count)s sessions ended).",
                    email=user.email,
                    count=ended,
                )
            else:
                abort(400)
            db.session.commit()
            flash(message)
            return redirect(url_for(".security_view", id=user.id))
        state = accounts.sign_in_state(db.session, user)
        return self.render("admin/user_security.html", user=user, state=state, form=form)


def _words(model):
    from flask import request

    cached = getattr(request, "fundtrack_words", {})
    if model.id not in cached:
        from fundtrack.audit.words import describe

        cached.update({w.event_id: w for w in describe(db.session, [model])})
        request.fundtrack_words = cached
    return cached[model.id]


def _word(attribute):
    return lambda _view, _context, model, _name: getattr(_words(model), attribute)


def _changes_html(_view, _context, model, _name):
    from markupsafe import Markup, escape

    items = "".join(
        f"<li><span class='field'>{escape(c.label)}</span>: <del>{escape(c.old)}</del> → "
        f"<ins>{escape(c.new)}</ins></li>"
        for c in _words(model).changes
    )
    return Markup(f"<ul class='changes'>{items}</ul>") if items else ""


def _record_words(_view, _context, model, _name) -> str:
    words = _words(model)
    return f"{words.kind}: {words.record}" if words.record else words.kind


def _who_acted_here():
    """A treasurer's "who" filter names only people in her centre's audit trail, not every
    user of the network (other centres' treasurers by name)."""
    if current_user.sees_all_centres:
        return None
    acted = select(AuditEvent.user_id).where(AuditEvent.centre_id == current_user.centre_id)
    return User.id.in_(acted)


class AuditEventView(ListFeatures, SecureModelView):
    """The audit trail in words, read-only for everybody; a treasurer sees her centre's.

    Who (by name), when, what (the record as a person names it, its centre) and each changed
    field's old and new value in the user's language (fundtrack/audit/words.py); filters by
    centre, user, kind of record and period; exportable for the auditor.
    """

    def may_write(self, user) -> bool:
        return False  # the trail is written by the audit hook alone

    can_view_details = True
    column_list = ["at", "actor", "action", "entity", "centre_id", "changes"]
    column_labels = COLUMN_LABELS | {
        "entity": _l("Record"),
        "centre_id": _l("Centre"),
        "changes": _l("Changes"),
    }
    column_formatters = {
        "at": lambda _v, _c, model, _n: format_moment(model.at),
        "actor": _word("who"),
        "action": _word("action"),
        "entity": _record_words,
        "centre_id": _word("centre"),
        "changes": _changes_html,
    }
    column_sortable_list = ["at"]
    column_default_sort = ("at", True)
    column_filters = [
        centre_filter(AuditEvent.centre_id),
        row_filter(AuditEvent.user_id, _l("Who"), User, label=lambda u: u.name or u.email,
                   scoped=False, order_by=User.email, where=_who_acted_here),
        kind_filter(AuditEvent.entity),
        MonthFilter(AuditEvent.at, _l("Month")),
        year_filter(AuditEvent.at, _l("Year"), calendar=True),
    ]  # fmt: skip
    # Counting a long log on every page load is waste: show next/previous only.
    simple_list_pager = True
    export_columns = [
        ("at", _l("When"), "text"),
        ("who", _l("Who"), "text"),
        ("action", _l("Action"), "text"),
        ("kind", _l("Kind"), "text"),
        ("record", _l("Record"), "text"),
        ("centre", _l("Centre"), "text"),
        ("changes", _l("Changes"), "text"),
    ]

    def get_list(self, *args, **kwargs):
        from flask import request

        from fundtrack.audit.words import describe

        count, rows = super().get_list(*args, **kwargs)
        if isinstance(rows, list):
            request.fundtrack_words = {w.event_id: w for w in describe(db.session, rows)}
        return count, rows

    def export_rows(self, rows):
        from fundtrack.audit.words import describe

        for words in describe(db.session, rows):
            yield [
                format_moment(words.at),
                words.who,
                words.action,
                words.kind,
                words.record,
                words.centre,
                words.changes_text(),
            ]


VIEWS = [
    (NetworkView, Network, "Network settings", "Network"),
    (RegionView, Region, "Regions", "Network"),
    (CentreView, Centre, "Centres", "Network"),
    (FiscalYearLockView, FiscalYearLock, "Closed years", "Network"),
    (UserView, User, "Users", "Network"),
    (AuditEventView, AuditEvent, "Audit log", "Network"),
]
