"""The recurring gifts screen: who gives every month, quarter or year, what came in, who is
late or has lapsed (with their e-mail and phone, to call them), and a form to add a gift.

Thin: the list comes from fundtrack.giving.queries, the change from its operations.
"""

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import SelectField, StringField
from wtforms.validators import InputRequired, Length, Optional

from fundtrack.auth.access import NotAllowed, visible
from fundtrack.centres.models import Centre
from fundtrack.errors import DomainError
from fundtrack.extensions import db
from fundtrack.forms import DayField, MoneyField
from fundtrack.giving import operations
from fundtrack.giving.models import Frequency, PaymentMethod
from fundtrack.giving.queries import STATES, recurring_gifts, state_counts
from fundtrack.income.models import Donor, EarmarkedFund
from fundtrack.labels import (
    FREQUENCY_LABELS,
    GIFT_STATE_LABELS,
    PAYMENT_METHOD_LABELS,
    label_of,
)

bp = Blueprint("giving", __name__, url_prefix="/giving")


class GiftForm(FlaskForm):
    donor = SelectField(_l("Donor"), coerce=int, validators=[InputRequired()])
    amount = MoneyField(_l("Amount each time"), validators=[InputRequired()])
    frequency = SelectField(_l("How often"), validators=[InputRequired()])
    start = DayField(_l("First instalment due"), validators=[InputRequired()])
    end = DayField(_l("Last day (optional)"), validators=[Optional()])
    fund = SelectField(_l("Earmarked fund"), coerce=int, validators=[Optional()])
    payment_method = SelectField(_l("Paid by"), validators=[InputRequired()])
    reference = StringField(_l("Reference"), validators=[Optional(), Length(max=200)])


def centre_shown() -> Centre | None:
    """The centre shown: the treasurer's own, or the one the office picked (None: all)."""
    code = request.args.get("centre") or (
        current_user.centre.code if current_user.centre and not current_user.sees_all_centres
        else None
    )  # fmt: skip
    if not code:
        return None
    centre = db.session.scalars(visible(Centre, current_user).where(Centre.code == code)).first()
    if centre is None:
        abort(404)
    return centre


def donor_choices(centre: Centre) -> list[tuple[int, str]]:
    donors = db.session.scalars(
        select(Donor)
        .where(Donor.centre_id == centre.id, Donor.not_merged())
        .order_by(Donor.name, Donor.id)
    )
    return [(d.id, d.name) for d in donors]


def fund_choices(centre: Centre) -> list[tuple[int, str]]:
    funds = db.session.scalars(
        select(EarmarkedFund)
        .where(EarmarkedFund.centre_id == centre.id)
        .order_by(EarmarkedFund.name)
    )
    return [(0, gettext("none"))] + [(f.id, f.name) for f in funds]


def _form(centre: Centre) -> GiftForm:
    form = GiftForm()
    form.donor.choices = donor_choices(centre)
    form.frequency.choices = [(f.value, label_of(FREQUENCY_LABELS, f)) for f in Frequency]
    form.payment_method.choices = [
        (m.value, label_of(PAYMENT_METHOD_LABELS, m)) for m in PaymentMethod
    ]
    form.fund.choices = fund_choices(centre)
    return form


@bp.route("/recurring", methods=["GET", "POST"])
@login_required
def recurring():
    """The list, filtered by state, and (for whoever manages the centre) the form."""
    centre = centre_shown()
    may_add = centre is not None and current_user.can_manage(centre.id)
    form = _form(centre) if may_add else None
    if request.method == "POST":
        if form is None:
            abort(403)
        if form.validate_on_submit():
            values = {
                "donor": form.donor.data, "amount": form.amount.data,
                "frequency": form.frequency.data, "start": form.start.data,
                "end": form.end.data, "fund": form.fund.data or None,
                "payment_method": form.payment_method.data,
                "reference": form.reference.data or "",
            }  # fmt: skip
            try:
                operations.create_recurring_gift(db.session, current_user, values)
                db.session.commit()
            except NotAllowed:
                db.session.rollback()
                abort(403)
            except DomainError as error:
                db.session.rollback()
                field = getattr(form, error.field, None)
                if field is not None:
                    field.errors = [str(error.message)]
                else:
                    flash(str(error.message), "error")
            else:
                flash(gettext("The recurring gift is registered."), "success")
                return redirect(url_for("giving.recurring", centre=centre.code))
    state = request.args.get("state")
    if state not in STATES:
        state = None
    code = centre.code if centre else None
    return render_template(
        "giving/recurring.html", centre=centre, form=form, state=state, states=STATES,
        counts=state_counts(db.session, current_user, centre_code=code),
        rows=recurring_gifts(db.session, current_user, centre_code=code, state=state),
        state_labels=GIFT_STATE_LABELS, frequency_labels=FREQUENCY_LABELS,
        method_labels=PAYMENT_METHOD_LABELS, label_of=label_of,
    )  # fmt: skip


def init_app(app: Flask) -> None:
    from fundtrack.giving import (  # noqa: F401  (routes join bp)
        agreement_views,
        mandate_views,
        sepa_views,
        statement_views,
        tax_views,
    )

    app.register_blueprint(bp)
