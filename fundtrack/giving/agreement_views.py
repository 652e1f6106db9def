"""The signed agreements screen: each periodic gift or pledge with its years expected and
received, its own page year by year, the agreement form as a PDF, and a form to record one."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from fundtrack.auth.access import NotAllowed
from fundtrack.downloads import download
from fundtrack.errors import DomainError, NotFound
from fundtrack.extensions import db
from fundtrack.forms import DayField, MoneyField
from fundtrack.giving.agreement_form import agreement_pdf
from fundtrack.giving.agreement_queries import agreement_years, gift_agreement, gift_agreements
from fundtrack.giving.agreements import create_gift_agreement
from fundtrack.giving.models import AgreementKind, PaymentMethod
from fundtrack.giving.views import bp, centre_shown, donor_choices, fund_choices
from fundtrack.labels import (
    AGREEMENT_KIND_LABELS,
    PAYMENT_METHOD_LABELS,
    YEAR_STATE_LABELS,
    label_of,
)
from fundtrack.operations import MAX_ID


class AgreementForm(FlaskForm):
    kind = SelectField(_l("Kind of agreement"), validators=[InputRequired()])
    donor = SelectField(_l("Donor"), coerce=int, validators=[InputRequired()])
    amount = MoneyField(_l("Amount a year"), validators=[InputRequired()])
    years = IntegerField(_l("Number of years"), validators=[InputRequired(), NumberRange(1, 50)])
    start = DayField(_l("First payment due"), validators=[InputRequired()])
    donor_signed_on = DayField(_l("Signed by the donor on"), validators=[InputRequired()])
    centre_signed_on = DayField(_l("Signed by the centre on"), validators=[Optional()])
    centre_signatory = StringField(
        _l("Signs for the centre (name and role)"), validators=[Optional(), Length(max=200)]
    )
    transaction_number = StringField(
        _l("Transaction number (empty: the next one)"), validators=[Optional(), Length(max=40)]
    )
    fund = SelectField(_l("Earmarked fund"), coerce=int, validators=[Optional()])
    payment_method = SelectField(_l("Paid by"), validators=[InputRequired()])


def _form(centre) -> AgreementForm:
    form = AgreementForm()
    form.kind.choices = [(k.value, label_of(AGREEMENT_KIND_LABELS, k)) for k in AgreementKind]
    form.donor.choices = donor_choices(centre)
    form.fund.choices = fund_choices(centre)
    form.payment_method.choices = [
        (m.value, label_of(PAYMENT_METHOD_LABELS, m)) for m in PaymentMethod
    ]
    return form


@bp.route("/agreements", methods=["GET", "POST"])
@login_required
def agreements():
    """The agreements of the centre shown, and (for whoever manages it) the form."""
    centre = centre_shown()
    may_add = centre is not None and current_user.can_manage(centre.id)
    form = _form(centre) if may_add else None
    if request.method == "POST":
        if form is None:
            abort(403)
        if form.validate_on_submit():
            values = {name: getattr(form, name).data for name in (
                "kind", "donor", "amount", "years", "start", "donor_signed_on",
                "centre_signed_on", "centre_signatory", "transaction_number", "payment_method",
            )}  # fmt: skip
            values["fund"] = form.fund.data or None
            try:
                agreement = create_gift_agreement(db.session, current_user, values)
                db.session.commit()
            except NotAllowed:
                db.session.rollback()
                abort(403)
            except DomainError as error:
                db.session.rollback()
                field = getattr(form, error.field, None)
                if field is not None and error.field != "kind":
                    field.errors = [str(error.message)]
                else:
                    flash(str(error.message), "error")
            else:
                flash(gettext("The agreement is recorded."), "success")
                return redirect(url_for("giving.agreement", agreement_id=agreement.id))
    code = centre.code if centre else None
    return render_template(
        "giving/agreements.html", centre=centre, form=form,
        rows=gift_agreements(db.session, current_user, centre_code=code),
        kind_labels=AGREEMENT_KIND_LABELS, label_of=label_of,
    )  # fmt: skip


@bp.route("/agreements/<int:agreement_id>")
@login_required
def agreement(agreement_id: int):
    """One agreement, year by year: expected, received, missed."""
    row = gift_agreement(db.session, current_user, agreement_id) if agreement_id <= MAX_ID else None
    if row is None:
        abort(404)
    return render_template(
        "giving/agreement.html", row=row, years=agreement_years(db.session, row.gift),
        kind_labels=AGREEMENT_KIND_LABELS, year_labels=YEAR_STATE_LABELS, label_of=label_of,
    )  # fmt: skip


@bp.route("/agreements/<int:agreement_id>/form.pdf")
@login_required
def agreement_form_pdf(agreement_id: int):
    """The agreement form to print and sign (Dutch for a periodic gift, Norwegian for a
    pledge; `?lang=` for another)."""
    language = request.args.get("lang")
    if agreement_id > MAX_ID:
        abort(404)
    try:
        pdf = agreement_pdf(db.session, current_user, agreement_id, language)
    except NotFound:
        abort(404)
    row = gift_agreement(db.session, current_user, agreement_id)
    return download(pdf, "agreement", row.transaction_number, row.donor_name, kind="pdf")
