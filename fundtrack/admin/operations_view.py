"""Admin screens whose writes go through the domain operations, exactly as the API's do."""

from flask import flash, g, request, session
from flask_admin import expose
from flask_admin.babel import gettext as admin_gettext
from flask_admin.babel import ngettext as admin_ngettext
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import BooleanField, StringField

from fundtrack.admin.base import SecureModelView
from fundtrack.centres import network
from fundtrack.centres import operations as centres
from fundtrack.centres.models import Centre, Region
from fundtrack.costs import operations as costs
from fundtrack.errors import DomainError
from fundtrack.extensions import db
from fundtrack.formatting import format_day, network_format
from fundtrack.income import donors, funders
from fundtrack.income import operations as income
from fundtrack.income.views import last_booking_date, remember_booking_date
from fundtrack.labels import refusal_text


def _plain(value):
    """A form value as the operations take it: centres and regions by code, rows by id."""
    if isinstance(value, Centre | Region):
        return value.code
    if hasattr(value, "__table__"):
        return value.id
    return value


class OperationsView(SecureModelView):
    """Create, update and delete call the domain's operations with plain values.

    `fields` maps each form field to the name the operation (and the API) uses.
    """

    fields: dict[str, str] = {}
    create_with = update_with = delete_with = None

    def values(self, form) -> dict:
        return {name: _plain(getattr(form, field).data) for field, name in self.fields.items()}

    def _run(self, action):
        try:
            result = action(db.session, current_user._get_current_object())
            db.session.commit()
            return result, True
        except Exception as error:
            db.session.rollback()
            if not self.handle_view_exception(error):
                raise
            return None, False

    def create_model(self, form):
        row, done = self._run(lambda s, u: self.create_with(s, u, self.values(form)))
        if done:
            self.after_model_change(form, row, True)
            return row
        return False

    def update_model(self, form, model):
        _row, done = self._run(lambda s, u: self.update_with(s, u, model, self.values(form)))
        if done:
            self.after_model_change(form, model, False)
        return done

    def delete_model(self, model):
        _none, done = self._run(lambda s, u: self.delete_with(s, u, model))
        if done:
            self.after_model_delete(model)
        return done

    def handle_view_exception(self, exc: Exception) -> bool:
        if isinstance(exc, DomainError):
            # In the user's language, the field by its name on the form.
            flash(refusal_text(exc), "error")
            return True
        return super().handle_view_exception(exc)


class IncomeOperations(OperationsView):
    fields = {
        "centre": "centre",
        "booking_date": "date",
        "amount": "amount",
        "category": "category",
        "funder": "funder",
        "donor": "donor",
        "agreement": "agreement",
        "earmarked_fund": "fund",
        "reference": "reference",
        "description": "description",
        "external_id": "external_id",
    }
    update_with = staticmethod(income.update_income)
    delete_with = staticmethod(income.delete_income)
    # Named in form_columns of the view: a new donor typed in the form, and the confirmation
    # that a line like one already booked is meant.
    form_extra_fields = {
        "new_donor": StringField(_l("New donor (name), instead of picking one")),
        "confirm_duplicate": BooleanField(
            _l("Book it even if it looks like a line already booked")
        ),
        # A funder's only running agreement is filled in; with several, one structural, the
        # booking asks (income.agreements) and this says the funder alone is meant.
        "confirm_incidental": BooleanField(_l("It is incidental: book it to the funder alone")),
    }

    def create_with(self, session, user, values):
        return income.book_income(
            session, user, values, confirm_duplicate=bool(g.get("fundtrack_confirm_duplicate")),
            confirm_incidental=bool(g.get("fundtrack_confirm_incidental")),
        )  # fmt: skip

    def scaffold_form(self):
        form_class = super().scaffold_form()
        # No category picked: the one the funder's type, the agreement or the donor implies.
        form_class.category.kwargs["allow_blank"] = True
        form_class.category.kwargs["blank_text"] = _l("as the funder or donor implies")
        form_class.category.kwargs["validators"] = []
        return form_class

    def create_form(self, obj=None):
        form = super().create_form(obj)
        if request.method == "GET" and not form.booking_date.data:
            form.booking_date.data = last_booking_date()
        return form

    def values(self, form) -> dict:
        values = super().values(form)
        values["category"] = values.get("category") or None
        parts = _fund_parts(form)
        if parts or (parts is not None and request.endpoint.endswith("edit_view")):
            values["funds"] = parts  # on a change, no rows left means no split
        g.fundtrack_confirm_duplicate = bool(form.confirm_duplicate.data)
        g.fundtrack_confirm_incidental = bool(form.confirm_incidental.data)
        name = (form.new_donor.data or "").strip()
        if name and values.get("donor") is None:
            donor = donors.create_donor(
                db.session,
                current_user._get_current_object(),
                {"centre": values["centre"], "kind": "person", "name": name},
            )
            values["donor"] = donor.id
        return values

    def after_model_change(self, form, model, is_created):
        super().after_model_change(form, model, is_created)
        remember_booking_date(model.booking_date)
        g.fundtrack_saved = line_in_words(model)

    def delete_model(self, model):
        # Named before it goes: a deleted line can no longer load its donor or centre.
        words = line_in_words(model)
        done = super().delete_model(model)
        if done:
            g.fundtrack_saved = words
        return done

    def delete_question(self, line) -> str:
        """The delete button's confirmation, naming the line (row_actions.html)."""
        return gettext("Delete the line of %(line)s?", line=line_in_words(line))

    @expose("/new/", methods=("GET", "POST"))
    def create_view(self):
        response = super().create_view()
        _name_the_line("Record was successfully created.", _l("Booked: %(line)s."))
        return response

    @expose("/edit/", methods=("GET", "POST"))
    def edit_view(self):
        response = super().edit_view()
        _name_the_line("Record was successfully saved.", _l("Saved: %(line)s."))
        return response

    @expose("/delete/", methods=("POST",))
    def delete_view(self):
        response = super().delete_view()
        _name_the_line(
            ("Record was successfully deleted.", "%(count)s records were successfully deleted."),
            _l("Deleted: %(line)s."),
        )
        return response


def _fund_parts(form) -> list[dict] | None:
    """The form's rows of a gift split over funds as the operations' `funds` (rows ticked to
    delete and blank new rows left out); None when the form has no such rows."""
    field = getattr(form, "fund_parts", None)
    if field is None:
        return None
    parts = []
    for entry in field.entries:
        row = entry.form
        if field.should_delete(entry) or (row.earmarked_fund.data, row.amount.data) == (None,) * 2:
            continue
        fund = row.earmarked_fund.data
        parts.append({"fund_id": fund.id if fund is not None else None, "amount": row.amount.data})
    return parts


def line_in_words(line) -> str:
    """'12 jun 2025, € 25,00 from Jan de Vries (HLM)': the line a message is about."""
    amount = network_format().money(line.amount, line.currency)
    return gettext(
        "%(day)s, %(amount)s from %(who)s (%(centre)s)",
        day=format_day(line.booking_date),
        amount=amount,
        who=income.counterparty_name(line),
        centre=line.centre.code,
    )


def _name_the_line(generic: str | tuple[str, str], ours) -> None:
    """Replace Flask-Admin's "Record was successfully ..." by a message naming the line."""
    line = g.pop("fundtrack_saved", None)
    if line is None:
        return
    flashes = session.get("_flashes", [])
    # Flask-Admin says "deleted" with ngettext: its words are looked up as a plural.
    generic_words = (
        admin_ngettext(*generic, 1) if isinstance(generic, tuple) else admin_gettext(generic)
    )
    session["_flashes"] = [
        (category, str(ours) % {"line": line} if message == generic_words else message)
        for category, message in flashes
    ]


class CostOperations(OperationsView):
    fields = {
        f: f for f in ("centre", "year", "kind", "category", "amount", "spent_on", "description")
    }
    create_with = staticmethod(costs.record_cost)
    update_with = staticmethod(costs.update_cost)
    delete_with = staticmethod(costs.delete_cost)


class AgreementOperations(OperationsView):
    fields = {
        "centre": "centre",
        "funder": "funder",
        "title": "title",
        "start_date": "start",
        "end_date": "end",
        "recurring": "recurring",
        "annual_amount": "annual_amount",
    }
    create_with = staticmethod(funders.create_agreement)
    update_with = staticmethod(funders.update_agreement)
    delete_with = staticmethod(funders.delete_agreement)


class DonorOperations(OperationsView):
    fields = {f: f for f in donors.DONOR_FIELDS}
    create_with = staticmethod(donors.create_donor)
    update_with = staticmethod(donors.update_donor)
    delete_with = staticmethod(donors.delete_donor)


class FundOperations(OperationsView):
    fields = {"centre": "centre", "name": "name", "purpose": "purpose", "end_date": "end"}
    create_with = staticmethod(donors.create_fund)
    update_with = staticmethod(donors.update_fund)
    delete_with = staticmethod(donors.delete_fund)


class FunderOperations(OperationsView):
    fields = {"name": "name", "type": "type"}
    create_with = staticmethod(funders.create_funder)
    update_with = staticmethod(funders.update_funder)
    delete_with = staticmethod(funders.delete_funder)


class RegionOperations(OperationsView):
    fields = {"code": "code", "name": "name"}
    create_with = staticmethod(centres.create_region)
    update_with = staticmethod(centres.update_region)
    delete_with = staticmethod(centres.delete_region)


class CentreOperations(OperationsView):
    fields = {f: f for f in centres.CENTRE_FIELDS}
    create_with = staticmethod(centres.create_centre)
    update_with = staticmethod(centres.update_centre)
    delete_with = staticmethod(centres.delete_centre)


def _update_network(session, user, _network, values):
    return network.update_network(session, user, values)


class NetworkOperations(OperationsView):
    """The settings screen: the target is typed as numerator and denominator."""

    fields = {
        f: f
        for f in (
            "name",
            "currency",
            "locale",
            "fiscal_year_start_month",
            "organisation_number",
            "volunteer_hour_rate",
        )  # fmt: skip
    }
    update_with = staticmethod(_update_network)

    def values(self, form) -> dict:
        values = super().values(form)
        numerator, denominator = form.target_numerator.data, form.target_denominator.data
        values["target"] = f"{numerator}/{denominator}"
        return values
