"""Mandates on screen: a centre's mandates with their flags, a donor's signed mandate
registered, and one mandate's page where the treasurer records a new account (the next
collection is FRST again), the mandate's revocation, or clears the flag the bank's returns
set. Thin: the changes are fundtrack.giving.sepa's and .returns' operations."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from fundtrack.auth.access import load_visible
from fundtrack.extensions import db
from fundtrack.forms import DayField
from fundtrack.giving.returns import clear_flag
from fundtrack.giving.saving import saved
from fundtrack.giving.sepa import amend_mandate, create_mandate, revoke_mandate
from fundtrack.giving.sepa_models import Collection, CollectionItem, Mandate
from fundtrack.giving.sepa_views import masked
from fundtrack.giving.views import bp, centre_shown, donor_choices
from fundtrack.income.models import Donor

PAGE = 500


class MandateForm(FlaskForm):
    donor = SelectField(_l("Donor"), coerce=int, validators=[InputRequired()])
    signed_on = DayField(_l("Signed on"), validators=[InputRequired()])
    iban = StringField(_l("Account (IBAN; empty: the donor's)"), validators=[Optional(),
                       Length(max=40)])  # fmt: skip
    reference = StringField(_l("Mandate reference (empty: the next one)"),
                            validators=[Optional(), Length(max=35)])  # fmt: skip


class AmendForm(FlaskForm):
    iban = StringField(_l("New account (IBAN)"), validators=[InputRequired(), Length(max=40)])
    amended_on = DayField(_l("Account changed on"), validators=[InputRequired()])


class RevokeForm(FlaskForm):
    revoked_on = DayField(_l("Revoked on"), validators=[InputRequired()])


@bp.route("/mandates", methods=["GET", "POST"])
@login_required
def mandates():
    """A centre's mandates, flagged ones first, and the form that registers one."""
    centre = centre_shown()
    if centre is None:
        return render_template("giving/mandates.html", centre=None, form=None, mandates=[])
    form = None
    if current_user.can_manage(centre.id):
        form = MandateForm()
        form.donor.choices = donor_choices(centre)
    if request.method == "POST":
        if form is None:
            abort(403)
        if form.validate_on_submit():
            values = {"donor": form.donor.data, "signed_on": form.signed_on.data,
                      "iban": (form.iban.data or "").strip(),
                      "reference": (form.reference.data or "").strip()}  # fmt: skip
            made = []
            if saved(lambda: made.append(create_mandate(db.session, current_user, values)),
                      form):  # fmt: skip
                flash(gettext("The mandate is registered."), "success")
                return redirect(url_for("giving.mandate", mandate_id=made[0].id))
    rows = db.session.execute(
        select(Mandate, Donor.name)
        .join(Donor, Donor.id == Mandate.donor_id)
        .where(Mandate.centre_id == centre.id)
        .order_by(Mandate.flagged_on.is_(None), Mandate.reference)
        .limit(PAGE)
    ).all()
    return render_template(
        "giving/mandates.html", centre=centre, form=form, mandates=rows, masked=masked
    )


def _page(mandate: Mandate, amend: AmendForm | None = None, revoke: RevokeForm | None = None):
    may_change = current_user.can_manage(mandate.centre_id)
    items = db.session.execute(
        select(CollectionItem, Collection.collection_date)
        .join(Collection, Collection.id == CollectionItem.collection_id)
        .where(CollectionItem.mandate_id == mandate.id)
        .order_by(Collection.collection_date.desc(), CollectionItem.id.desc())
        .limit(PAGE)
    ).all()
    return render_template(
        "giving/mandate.html", mandate=mandate, centre=mandate.centre, items=items,
        masked=masked, may_change=may_change,
        amend=amend or (AmendForm(prefix="amend") if may_change else None),
        revoke=revoke or (RevokeForm(prefix="revoke") if may_change else None),
    )  # fmt: skip


def _mandate(mandate_id: int) -> Mandate:
    return load_visible(db.session, Mandate, mandate_id, current_user)


@bp.route("/mandates/<int:mandate_id>")
@login_required
def mandate(mandate_id: int):
    """One mandate: its account, state, the collections under it and their returns."""
    return _page(_mandate(mandate_id))


def _changed(mandate: Mandate, message: str):
    flash(message, "success")
    return redirect(url_for("giving.mandate", mandate_id=mandate.id))


@bp.route("/mandates/<int:mandate_id>/amend", methods=["POST"])
@login_required
def mandate_amend(mandate_id: int):
    """The donor's account changed: the next collection under the mandate is FRST again."""
    mandate = _mandate(mandate_id)
    form = AmendForm(prefix="amend")
    if form.validate_on_submit():
        iban, day = form.iban.data.strip(), form.amended_on.data
        if saved(lambda: amend_mandate(db.session, current_user, mandate, iban, day), form):
            return _changed(mandate, gettext("The new account is recorded."))
    return _page(mandate, amend=form), 400


@bp.route("/mandates/<int:mandate_id>/revoke", methods=["POST"])
@login_required
def mandate_revoke(mandate_id: int):
    """The donor withdrew the mandate: nothing is collected under it from that day."""
    mandate = _mandate(mandate_id)
    form = RevokeForm(prefix="revoke")
    if form.validate_on_submit():
        day = form.revoked_on.data
        if saved(lambda: revoke_mandate(db.session, current_user, mandate, day), form):
            return _changed(mandate, gettext("The mandate is revoked."))
    return _page(mandate, revoke=form), 400


@bp.route("/mandates/<int:mandate_id>/clear", methods=["POST"])
@login_required
def mandate_clear(mandate_id: int):
    """The treasurer spoke to the donor: the mandate is collected under again."""
    mandate = _mandate(mandate_id)
    form = FlaskForm()
    if form.validate_on_submit() and saved(
        lambda: clear_flag(db.session, current_user, mandate), form
    ):
        return _changed(mandate, gettext("The flag is cleared: the next collection takes it."))
    return _page(mandate), 400
