"""The base every admin screen inherits: signed-in access, centre scoping, clear errors.

Row scoping needs all three of get_query, get_count_query and get_one: Flask-Admin's
default get_one is session.get(model, id), which would let a treasurer open any row by id.
"""

from datetime import datetime
from enum import Enum

from flask import abort, flash, redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_admin.actions import action
from flask_admin.babel import lazy_gettext as admin_lazy_gettext
from flask_admin.contrib.sqla import ModelView
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.model import typefmt
from flask_admin.model.form import converts
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func
from sqlalchemy.exc import IntegrityError

from fundtrack.admin.lists import WordsFilterConverter, bulk_delete
from fundtrack.auth.access import (
    NotAllowed,
    centre_column,
    load_visible,
    require_manage,
    visibility,
)
from fundtrack.centres.models import Centre
from fundtrack.errors import NotFound
from fundtrack.extensions import db
from fundtrack.formatting import format_moment
from fundtrack.forms import DayField
from fundtrack.labels import COLUMN_LABELS, enum_label, label, refusal_text


class CsrfForm(FlaskForm):
    """Admin forms carry Flask-WTF's token, the app's single CSRF mechanism."""

    def __init__(self, *args, obj=None, **kwargs):
        # Flask-Admin's Unique validator tells "another row has this code" from "this row
        # keeps its code" by form._obj, which only Flask-Admin's own form base sets.
        self._obj = obj
        super().__init__(*args, obj=obj, **kwargs)


def _enum_value(value) -> str:
    return value.value if isinstance(value, Enum) else str(value)


class EnumValueConverter(AdminModelConverter):
    """Enum selects compare by the stored value.

    Flask-Admin coerces a row's enum to its *name* ('COMPANIES') while the choices are the
    values ('companies'), so an edit form showed no current choice and saving it silently
    wrote the first one (a category, or a user's role) over the row.
    """

    @converts("sqlalchemy.sql.sqltypes.Enum")
    def convert_enum(self, column, field_args, **extra):
        field = super().convert_enum(column, field_args, **extra)
        field.kwargs["coerce"] = _enum_value
        # A treasurer picks "Government subsidies", not "government_subsidies".
        field.kwargs["choices"] = [
            (code, enum_label(column.type.name, code)) for code in column.type.enums
        ]
        return field

    @converts("Date")
    def convert_date(self, field_args, **extra):
        # Days as batch entry reads them (15-04-2026, 15.04.2026), in its words when refused.
        return DayField(**field_args)


def _signed_in() -> bool:
    return current_user.is_authenticated and current_user.is_active


class SecureIndexView(AdminIndexView):
    def is_accessible(self) -> bool:
        return _signed_in()

    def inaccessible_callback(self, name, **kwargs):
        return redirect(url_for("auth.login", next=request.path))

    @expose("/")
    def index(self):
        return self.render("admin/fundtrack_index.html")


def money_column(_view, _context, model, name) -> str:
    """An amount as the network writes it, in the row's own currency."""
    from fundtrack.formatting import network_format

    return network_format().money(getattr(model, name), getattr(model, "currency", None))


def label_column(_view, _context, model, name):
    """An enum column in words: 'government_subsidies' -> 'Government subsidies'."""
    column = type(model).__table__.c[name]
    return enum_label(column.type.name, getattr(model, name))


class SecureModelView(ModelView):
    """Signed-in users only; rows scoped to the user's centre; edits authorised per row."""

    form_base_class = CsrfForm
    # Flask-Admin's pages with no `javascript:` links or inline handlers (the CSP forbids them).
    list_template = "admin/model/fundtrack_plain_list.html"
    create_template = "admin/model/fundtrack_create.html"
    edit_template = "admin/model/fundtrack_edit.html"
    details_template = "admin/model/fundtrack_details.html"
    model_form_converter = EnumValueConverter
    filter_converter = WordsFilterConverter()
    column_labels = COLUMN_LABELS
    # A moment in the network's time zone and the reader's language; a stored code in words
    # (Flask-Admin's own shows an enum member's name, 'COMPANIES').
    _in_words = {
        datetime: lambda _view, value, _name=None: format_moment(value),
        Enum: lambda _view, value, _name=None: label(value),
    }
    column_type_formatters = typefmt.BASE_FORMATTERS | _in_words
    column_type_formatters_detail = typefmt.DETAIL_FORMATTERS | _in_words
    page_size = 50
    can_set_page_size = True
    page_size_options = (20, 50, 100)
    can_view_details = True

    def __init__(self, model, **kwargs):
        super().__init__(model, db, **kwargs)

    def may_open(self, user) -> bool:
        """Who may open this screen at all: everyone signed in; network-wide screens narrow it."""
        return True

    def may_write(self, user) -> bool:
        """Who may change rows here (a treasurer only her centre's: `_authorise_row`)."""
        return user.can_write

    def is_accessible(self) -> bool:
        return _signed_in() and self.may_open(current_user)

    def inaccessible_callback(self, name, **kwargs):
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.path))
        abort(403)

    @property
    def _writes(self) -> bool:
        return _signed_in() and self.may_write(current_user)

    @property
    def can_create(self) -> bool:
        return self._writes

    @property
    def can_edit(self) -> bool:
        return self._writes

    @property
    def can_delete(self) -> bool:
        return self._writes

    def _scope(self, query):
        clause = visibility(self.model, current_user)
        return query if clause is None else query.filter(clause)

    def get_query(self):
        return self._scope(super().get_query())

    def get_count_query(self):
        return self._scope(db.session.query(func.count("*")).select_from(self.model))

    def get_one(self, id):
        # Flask-Admin's contract: None for a row that is not there (or not the user's).
        try:
            return load_visible(db.session, self.model, id, current_user)
        except NotFound:
            return None

    @action(
        "delete",
        admin_lazy_gettext("Delete"),
        admin_lazy_gettext("Are you sure you want to delete selected records?"),
    )
    def action_delete(self, ids) -> None:
        bulk_delete(self, ids)

    def _authorise_row(self, model) -> None:
        if not self._writes:
            raise NotAllowed(_l("your role may not change %(what)s", what=self.name))
        column = centre_column(self.model)
        if column is None:
            return
        # Before the flush only the relationship knows the centre a new row was given.
        centre = getattr(model, "centre", None) if column.key == "centre_id" else None
        require_manage(current_user, centre.id if centre else getattr(model, column.key))

    def on_model_change(self, form, model, is_created):
        self._authorise_row(model)

    def on_model_delete(self, model):
        self._authorise_row(model)

    def handle_view_exception(self, exc: Exception) -> bool:
        # Refusals and validation errors are the user's to fix: say what, not a stack trace.
        if isinstance(exc, NotAllowed | ValueError):
            flash(refusal_text(exc), "error")
            return True
        if isinstance(exc, IntegrityError):
            # The database's own words name tables and SQL; a treasurer needs the reason.
            flash(
                gettext(
                    "%(screen)s: not saved, other records still refer to it or a value is "
                    "already taken; nothing was changed",
                    screen=self.name,
                ),
                "error",
            )
            return True
        return super().handle_view_exception(exc)


def scoped_centres():
    """Centres the current user may pick in a form."""
    return scoped_rows(Centre)().filter(Centre.active.is_(True)).order_by(Centre.code)


def scoped_rows(model):
    """A query factory for pickers: rows of centres the current user may see."""

    def factory():
        clause = visibility(model, current_user)
        query = db.session.query(model)
        return query if clause is None else query.filter(clause)

    return factory
