"""Admin screens for grant applications, with goals, budget, allocations and reports inline.

Every write goes through `fundtrack.grants.operations` and `fundtrack.grants.parts`, as the
API's do: the application first, then each inline row added, changed or deleted, all in one
transaction (a refused row leaves the whole form unsaved). Flask-Admin's own `populate_obj`
is never called, so no row reaches the database around the rules. Rows are scoped exactly
like income; another centre's application answers 404 by id.
"""

from flask import request
from flask_admin import expose
from flask_admin.contrib.sqla.fields import InlineModelFormList
from flask_admin.contrib.sqla.form import InlineModelConverter
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import or_, select
from wtforms.validators import DataRequired, Optional

from fundtrack.admin.base import label_column, money_column, scoped_centres
from fundtrack.admin.lists import (
    ListFeatures,
    centre_filter,
    enum_filter,
    row_filter,
    year_filter,
)
from fundtrack.admin.operations_view import OperationsView
from fundtrack.auth.access import load_visible, visible
from fundtrack.centres.models import Centre
from fundtrack.errors import DomainError, Field
from fundtrack.extensions import db
from fundtrack.forms import MoneyField
from fundtrack.grants import operations, parts
from fundtrack.grants.models import (
    Grant,
    GrantAllocation,
    GrantBudgetLine,
    GrantGoal,
    InKindContribution,
    ReportObligation,
)
from fundtrack.income.models import Funder, FundingAgreement
from fundtrack.labels import GRANT_STATE_LABELS, NONE, label_of

# The inline lists: form attribute -> (fields sent to the operations, what a row is called).
GOAL_FIELDS = (
    "kind", "description", "unit", "baseline", "target", "deadline", "achieved", "as_of", "result",
)  # fmt: skip
BUDGET_FIELDS = ("category", "description", "amount")
OBLIGATION_FIELDS = ("kind", "due_date", "period_start", "period_end", "sent_on", "note")
IN_KIND_FIELDS = ("centre", "given_on", "description", "hours")


def scoped_funders():
    """Funders the current user may pick: the shared ones (and their centre's own)."""
    return db.session.scalars(visible(Funder, current_user).order_by(Funder.name)).all()


def grants_for_lines():
    """Grants a ledger line of the user's centres may name: a centre's own applications and
    the national office's applications allocated to it (all of them for the office)."""
    stmt = select(Grant).order_by(Grant.project_name, Grant.id)
    if not current_user.sees_all_centres:
        allocated = select(GrantAllocation.grant_id).where(
            GrantAllocation.centre_id == current_user.centre_id
        )
        stmt = stmt.where(or_(Grant.centre_id == current_user.centre_id, Grant.id.in_(allocated)))
    return db.session.scalars(stmt).all()


def grant_label(grant: Grant) -> str:
    return f"{grant.project_name} ({grant.centre.code if grant.centre else grant.funder.name})"


class GrantLineForm:
    """For the income and cost screens: the line's grant, picked from the scoped grants,
    preset by `?grant=ID` (the "book with the grant filled in" links of a grant's page)."""

    def values(self, form) -> dict:
        values = super().values(form)
        grant = form.grant.data if hasattr(form, "grant") else None
        values["grant"] = grant.id if grant is not None else None
        return values

    def create_form(self, obj=None):
        form = super().create_form(obj)
        grant_id = request.args.get("grant", type=int)
        if request.method == "GET" and grant_id and hasattr(form, "grant"):
            grant = next((g for g in grants_for_lines() if g.id == grant_id), None)
            if grant is not None:
                form.grant.data = grant
                if grant.centre is not None and hasattr(form, "centre"):
                    form.centre.data = grant.centre
                if hasattr(form, "funder") and getattr(form.funder, "data", None) is None:
                    form.funder.data = grant.funder
        return form


GRANT_PICKER = {"query_factory": grants_for_lines, "get_label": grant_label, "blank_text": NONE}


# An inline list's rows by the name of one ("Goal 2", "Add a goal"), not of the list.
INLINE_ROW_WORDS = {
    "goals": {"row": _l("Goal"), "add": _l("Add a goal"), "new": _l("New goal")},
    "budget_lines": {
        "row": _l("Budget line"),
        "add": _l("Add a budget line"),
        "new": _l("New budget line"),
    },
    "allocations": {
        "row": _l("Allocation"),
        "add": _l("Add an allocation"),
        "new": _l("New allocation"),
    },
    "obligations": {
        "row": _l("Report"),
        "add": _l("Add a report owed"),
        "new": _l("New report owed"),
    },
    "fund_parts": {
        "row": _l("Part for a fund"),
        "add": _l("Split over another fund"),
        "new": _l("New part for a fund"),
    },
    "in_kind": {
        "row": _l("Volunteer hours"),
        "add": _l("Add volunteer hours"),
        "new": _l("New volunteer hours"),
    },
}


class OperationsOnly(InlineModelFormList):
    """Inline rows are saved by the grant view through the operations, never directly."""

    @property
    def row_words(self) -> dict:
        """What one row of this list is called (templates/admin/model/inline_list_base.html)."""
        return INLINE_ROW_WORDS.get(self.short_name, {})

    def populate_obj(self, obj, name) -> None:
        return None


class OperationsInlineConverter(InlineModelConverter):
    inline_field_list_type = OperationsOnly


def _project_link(_view, _context, model, _name):
    from flask import url_for

    url = url_for("grant_screens.grant_page", grant_id=model.id)
    return Markup('<a href="{}">{}</a>').format(url, model.project_name)


def _applicant(_view, _context, model, _name):
    return model.centre.code if model.centre else _l("National office")


class GrantOperations(OperationsView):
    """The application through create/update/delete_grant; its inline rows through `parts`."""

    fields = {
        "centre": "centre",
        "funder": "funder",
        "programme": "programme",
        "project_name": "project_name",
        "project_leader": "project_leader",
        "summary": "summary",
        "start_date": "start",
        "end_date": "end",
        "amount_requested": "amount_requested",
        "amount_awarded": "amount_awarded",
        "chance": "chance",
        "recurring": "recurring",
        "auditor_statement_required": "auditor_statement_required",
        "funder_reference": "funder_reference",
        "signatory": "signatory",
        "unspent_decision": "unspent_decision",
        "unspent_amount": "unspent_amount",
    }
    delete_with = staticmethod(operations.delete_grant)

    def values(self, form) -> dict:
        values = super().values(form)
        # Unticked: as the funder's threshold asks; ticked: required whatever the amount.
        values["auditor_statement_required"] = values["auditor_statement_required"] or None
        values["unspent_decision"] = values.get("unspent_decision") or None
        return values

    def create_with(self, session, user, values, form=None):
        grant = operations.create_grant(session, user, values)
        self._save_parts(session, user, grant, form)
        return grant

    def update_with(self, session, user, grant, values, form=None):
        if self._changed(grant, values):
            operations.update_grant(session, user, grant, values)
        self._save_parts(session, user, grant, form)
        return grant

    def create_model(self, form):
        row, done = self._run(lambda s, u: self.create_with(s, u, self.values(form), form))
        if done:
            self.after_model_change(form, row, True)
            return row
        return False

    def update_model(self, form, model):
        _row, done = self._run(lambda s, u: self.update_with(s, u, model, self.values(form), form))
        if done:
            self.after_model_change(form, model, False)
        return done

    @staticmethod
    def _changed(grant: Grant, values: dict) -> bool:
        """Whether the form changes the application itself (a closed one refuses any change,
        so a form that only shows it must not call the operation)."""
        current = operations._current(grant)
        for name, value in values.items():
            if name == "auditor_statement_required" and value is None:
                if current[name]:
                    return True
                continue
            if current.get(name) != value:
                return True
        return False

    # Inline rows ---------------------------------------------------------------------------

    def _save_parts(self, session, user, grant: Grant, form) -> None:
        if form is None:
            return
        self._each(form, "goals", grant.goals, GOAL_FIELDS, _l("Goal"),
                   add=lambda v: parts.add_goal(session, user, grant, v),
                   change=lambda row, v: parts.update_goal(session, user, row, v),
                   remove=lambda row: parts.delete_goal(session, user, row))  # fmt: skip
        self._each(form, "budget_lines", grant.budget_lines, BUDGET_FIELDS, _l("Budget line"),
                   add=lambda v: parts.add_budget_line(session, user, grant, v),
                   change=lambda row, v: parts.update_budget_line(session, user, row, v),
                   remove=lambda row: parts.delete_budget_line(session, user, row))  # fmt: skip
        self._each(form, "obligations", grant.obligations, OBLIGATION_FIELDS, _l("Report"),
                   add=lambda v: parts.add_obligation(session, user, grant, v),
                   change=lambda row, v: parts.update_obligation(session, user, row, v),
                   remove=lambda row: parts.delete_obligation(session, user, row))  # fmt: skip
        self._allocations(session, user, grant, form)
        self._each(form, "in_kind", grant.in_kind, IN_KIND_FIELDS, _l("Volunteer hours"),
                   add=lambda v: parts.add_in_kind(session, user, grant, v),
                   change=lambda row, v: parts.update_in_kind(session, user, row, v),
                   remove=lambda row: parts.delete_in_kind(session, user, row))  # fmt: skip

    @staticmethod
    def _rows(form, name, rows):
        """(row or None, subform, delete?) for each inline entry of the form."""
        field = getattr(form, name, None)
        if field is None:
            return []
        by_id = {str(row.id): row for row in rows}
        found = []
        for entry in field.entries:
            row = by_id.get(str(entry.get_pk() or ""))
            found.append((row, entry.form, row is not None and field.should_delete(entry)))
        return found

    def _each(self, form, name, rows, names, label, *, add, change, remove) -> None:
        for number, (row, subform, delete) in enumerate(self._rows(form, name, rows), 1):
            try:
                if delete:
                    remove(row)
                    continue
                values = {f: _plain(getattr(subform, f).data) for f in names}
                if row is None:
                    add({k: v for k, v in values.items() if v is not None})
                elif any(_plain(getattr(row, f)) != v for f, v in values.items()):
                    change(row, values)
            except DomainError as error:
                raise _in_row(error, label, number) from None

    def _allocations(self, session, user, grant: Grant, form) -> None:
        for number, (row, subform, delete) in enumerate(
            self._rows(form, "allocations", grant.allocations), 1
        ):
            try:
                centre, amount = subform.centre.data, subform.amount.data
                if row is not None and (delete or row.centre_id != getattr(centre, "id", None)):
                    parts.remove_allocation(session, user, row)
                    row = None
                if delete:
                    continue
                if row is None or row.amount != amount:
                    code = centre.code if centre is not None else None
                    parts.allocate(session, user, grant, code, amount)
            except DomainError as error:
                label = _l("Allocation")
                raise _in_row(error, label, number) from None


def _in_row(error: DomainError, label, number: int) -> DomainError:
    """The refusal of one inline row, placed: "Goal 2, Amount: must be more than 0"."""
    message = _l(
        "%(row)s %(number)s, %(field)s: %(message)s",
        row=label, number=number, field=Field(error.field), message=error.message,
    )  # fmt: skip
    error.field, error.message, error.errors = "", message, {"": [message]}
    return error


def _plain(value):
    """An inline value as the operations take it: a centre by its code, an enum by its value."""
    if isinstance(value, Centre):
        return value.code
    return getattr(value, "value", value)


def inline_options(model, columns, money=(), **extra) -> tuple:
    """An inline list's (model, options): its columns, money typed as the user writes it."""
    options = {
        "form_columns": ["id", *columns],
        "form_overrides": {name: MoneyField for name in money},
        "form_args": {name: {"validators": [Optional()]} for name in money},
    }
    for key, value in extra.items():
        options[key] = options.get(key, {}) | value
    return (model, options)


def _state_in_words(value) -> str:
    return label_of(GRANT_STATE_LABELS, value)


class GrantView(ListFeatures, GrantOperations):
    """Applications with their goals, budget lines, allocations and report duties inline;
    the state moves are the buttons on the application's own page (linked from the list).

    Like the books' lists: the awarded amounts of exactly the filtered applications summed
    per currency, filters by year (of the start), centre, funder, state and agreement, the
    funder's name found by search, and the filtered rows exported to CSV and XLSX."""

    column_filters = [
        year_filter(Grant.start_date, _l("Year"), calendar=True),
        centre_filter(Grant.centre_id, _l("Applicant")),
        row_filter(Grant.funder_id, _l("Funder"), Funder, order_by=Funder.name),
        enum_filter(Grant.state, _l("State")),
        row_filter(
            Grant.agreement_id, _l("Agreement"), FundingAgreement,
            load=(FundingAgreement.centre, FundingAgreement.funder),
        ),
    ]  # fmt: skip
    search_relations = {Grant.funder_id: Funder.name}
    total_column = "amount_awarded"
    export_columns = [
        ("project_name", _l("Project"), "text"),
        ("programme", _l("Programme"), "text"),
        ("funder.name", _l("Funder"), "text"),
        ("centre.code", _l("Applicant"), "text"),
        ("state", _l("State"), "text"),
        ("start_date", _l("Start date"), "text"),
        ("end_date", _l("End date"), "text"),
        ("amount_requested", _l("Requested"), "money"),
        ("amount_awarded", _l("Awarded"), "money"),
        ("currency", _l("Currency"), "text"),
    ]
    export_formatters = {"state": _state_in_words}

    inline_model_form_converter = OperationsInlineConverter
    inline_models = [
        inline_options(GrantGoal, GOAL_FIELDS, money=("baseline", "target", "achieved")),
        inline_options(GrantBudgetLine, BUDGET_FIELDS, money=("amount",)),
        inline_options(
            GrantAllocation, ("centre", "amount"), money=("amount",),
            form_args={"centre": {"query_factory": lambda: scoped_centres().all()}},
            column_labels={"centre": _l("Centre")},  # the centre it goes to, not the applicant
        ),
        inline_options(ReportObligation, OBLIGATION_FIELDS),
        inline_options(
            InKindContribution, IN_KIND_FIELDS, money=("hours",),
            form_args={"centre": {"query_factory": lambda: scoped_centres().all(),
                                  "allow_blank": True,
                                  "blank_text": _l("The project as a whole")}},
            column_labels={"centre": _l("Where")},
        ),
    ]  # fmt: skip
    column_list = [
        "project_name",
        "funder",
        "centre",
        "state",
        "start_date",
        "end_date",
        "amount_requested",
        "amount_awarded",
        "currency",
    ]
    column_labels = {
        **OperationsView.column_labels,
        "project_name": _l("Project"),
        "centre": _l("Applicant"),
        "state": _l("State"),
        "programme": _l("Programme"),
        "project_leader": _l("Project leader"),
        "summary": _l("Summary"),
        "amount_requested": _l("Requested"),
        "amount_awarded": _l("Awarded"),
        "chance": _l("Chance (%)"),
        "auditor_statement_required": _l("Auditor's statement required"),
        "goals": _l("Goals"),
        "budget_lines": _l("Budget lines"),
        "allocations": _l("Allocations to centres"),
        "obligations": _l("Reports owed"),
        "target": _l("Target"),
        "achieved": _l("Achieved"),
        "as_of": _l("As of"),
        "unit": _l("Unit"),
        "result": _l("Result"),
        "due_date": _l("Due date"),
        "sent_on": _l("Sent on"),
        "note": _l("Note"),
        "baseline": _l("Baseline"),
        "deadline": _l("Deadline"),
        "period_start": _l("Period from"),
        "period_end": _l("Period to"),
        "in_kind": _l("Volunteer hours given in kind"),
        "given_on": _l("Month (any day of it)"),
        "hours": _l("Hours"),
        "unspent_decision": _l("Money not used"),
        "unspent_amount": _l("Amount not used"),
    }
    column_formatters = {
        "project_name": _project_link,
        "centre": _applicant,
        "state": label_column,
        "amount_requested": money_column,
        "amount_awarded": money_column,
    }
    column_default_sort = ("start_date", True)
    column_searchable_list = ["project_name", "programme"]
    column_select_related_list = [Grant.funder, Grant.centre]
    form_columns = [
        "centre",
        "funder",
        "programme",
        "project_name",
        "project_leader",
        "summary",
        "start_date",
        "end_date",
        "amount_requested",
        "amount_awarded",
        "chance",
        "recurring",
        "auditor_statement_required",
        "funder_reference",
        "signatory",
        "unspent_decision",
        "unspent_amount",
    ]
    form_overrides = {
        "amount_requested": MoneyField,
        "amount_awarded": MoneyField,
        "unspent_amount": MoneyField,
    }
    form_args = {
        "centre": {
            "query_factory": scoped_centres,
            "allow_blank": True,
            "blank_text": _l("National office (for the network)"),
        },
        "funder": {"query_factory": scoped_funders},
        "amount_requested": {"validators": [Optional()]},
        "amount_awarded": {"validators": [Optional()]},
        "unspent_amount": {"validators": [Optional()]},
        "unspent_decision": {"blank_text": _l("Not decided yet")},
    }

    def create_form(self, obj=None):
        form = super().create_form(obj)
        # No funder is preselected: the first in the list is rarely the one applied to (the
        # field stays required; Flask-Admin allows a blank only for a nullable column).
        form.funder.allow_blank, form.funder.blank_text = True, _l("Choose the funder")
        form.funder.validators = [DataRequired()]
        if not current_user.sees_all_centres:
            # A treasurer applies for her own centre: it is the applicant, and the national
            # office's choice is not hers to make.
            form.centre.allow_blank = False
            if request.method == "GET":
                form.centre.data = current_user.centre
        return form

    def _authorise_row(self, model) -> None:
        # The operations authorise (the national office manages the network's applications).
        return None

    def _visible_or_404(self, row_id):
        if row_id is not None:
            load_visible(db.session, self.model, row_id, current_user)

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        self._visible_or_404(request.args.get("id"))
        return super().edit_view()

    @expose("/details/")
    def details_view(self):
        self._visible_or_404(request.args.get("id"))
        return super().details_view()

    @expose("/delete/", methods=("POST",))
    def delete_view(self):
        self._visible_or_404(request.form.get("id"))
        return super().delete_view()


# An inline form labels its fields from its own column_labels, not the view's.
for _model, _options in GrantView.inline_models:
    _options["column_labels"] = GrantView.column_labels | _options.get("column_labels", {})


VIEWS = [(GrantView, Grant, "Grant applications", "Grants")]
