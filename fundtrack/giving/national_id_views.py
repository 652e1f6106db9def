"""A donor's national identity number on the donor's screen (the admin's Donors view): the
masked number for everybody who may see the donor, the full number and the form that sets or
clears it (with the donor's request to be reported) for the centre's treasurer and the
national office (fundtrack.giving.national_ids)."""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, Optional

from fundtrack.errors import DomainError, NotAllowed
from fundtrack.extensions import db
from fundtrack.giving import national_ids
from fundtrack.giving.tax_models import NationalIdKind
from fundtrack.labels import NATIONAL_ID_KIND_LABELS, label_of


class NationalIdForm(FlaskForm):
    kind = SelectField(_l("Kind"))
    number = StringField(
        _l("Number (leave empty to keep)"), validators=[Optional(), Length(max=20)]
    )
    consent_to_report = BooleanField(_l("Asked for gifts to be reported to the tax office"))


def national_id_page(view, donor):
    """Show, set or clear a donor's number; `view` is the admin view rendering the page."""
    row = national_ids.of_donor(db.session, donor.id)
    may_change = current_user.can_report_gifts(donor.centre_id)
    form = NationalIdForm(obj=row) if may_change else None
    if form is not None:
        form.kind.choices = [
            (kind.value, label_of(NATIONAL_ID_KIND_LABELS, kind))
            for kind in NationalIdKind if kind != NationalIdKind.D_NUMBER
        ]  # fmt: skip
        if row is not None and row.kind == NationalIdKind.D_NUMBER:
            form.kind.data = NationalIdKind.FODSELSNUMMER.value
    if request.method == "POST":
        if form is None:
            abort(403)
        if form.validate_on_submit():
            try:
                if request.form.get("clear") == "yes":
                    national_ids.clear_national_id(db.session, current_user, donor)
                else:
                    values = {f: getattr(form, f).data for f in ("kind", "number")}
                    values["consent_to_report"] = form.consent_to_report.data
                    national_ids.set_national_id(db.session, current_user, donor, values)
                db.session.commit()
            except NotAllowed:
                db.session.rollback()
                abort(403)
            except DomainError as refused:
                db.session.rollback()
                getattr(form, refused.field, form.number).errors = [str(refused.message)]
            else:
                flash(gettext("The national identity number is saved."), "success")
                return redirect(url_for(".national_id", id=donor.id))
    shown = national_ids.shown(current_user, row) if row is not None else ""
    return view.render(
        "admin/donor_national_id.html", donor=donor, row=row, shown=shown, form=form,
        kind_label=label_of(NATIONAL_ID_KIND_LABELS, row.kind) if row else "",
    )  # fmt: skip
