"""The Norwegian gift report on screen: for a year, who is reported and who is left out and
why, the runs made before, and the form that makes the file (a correction once the year was
reported). Numbers are shown masked here; the full ones go only into the file."""

from datetime import date

from flask import abort, render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import InputRequired, Length, Optional

from fundtrack.downloads import download
from fundtrack.errors import DomainError, NotAllowed
from fundtrack.extensions import db
from fundtrack.giving import tax_report
from fundtrack.giving.views import bp, centre_shown
from fundtrack.labels import GIFT_REPORT_KIND_LABELS, GIFT_REPORT_REASON_LABELS, label_of


class ReportForm(FlaskForm):
    contact_name = StringField(_l("Contact person"), validators=[InputRequired(), Length(max=100)])
    contact_phone = StringField(_l("Telephone"), validators=[InputRequired(), Length(max=20)])
    contact_email = StringField(_l("E-mail for notices"),
                                validators=[InputRequired(), Length(max=254)])  # fmt: skip
    contact_sms = StringField(_l("Mobile for SMS notices"), validators=[Optional(), Length(max=20)])


def _year() -> int:
    try:
        return int(request.values.get("year") or date.today().year - 1)
    except ValueError:
        abort(404)


@bp.route("/tax-report", methods=["GET", "POST"])
@login_required
def tax_report_page():
    """The year's gift report for a centre, or for the network (the national office)."""
    centre = centre_shown()
    if not current_user.can_report_gifts(centre.id if centre else None):
        abort(403)
    year = _year()
    form = ReportForm()
    if request.method == "GET":
        form.contact_name.data = current_user.name
        form.contact_email.data = current_user.email
    error = None
    if request.method == "POST" and form.validate_on_submit():
        try:
            run, body = tax_report.produce(db.session, current_user, centre, year, form.data)
            db.session.commit()
        except NotAllowed:
            db.session.rollback()
            abort(403)
        except DomainError as refused:
            db.session.rollback()
            error = refused
        else:
            return download(body, "gift-report", run.organisation_number, year, run.id, kind="xml")
    try:
        chosen = tax_report.selection(db.session, current_user, centre, year)
    except DomainError as refused:
        chosen, error = None, error or refused
    return render_template(
        "giving/tax_report.html", centre=centre, year=year, form=form, chosen=chosen,
        error=error, reasons=GIFT_REPORT_REASON_LABELS, kinds=GIFT_REPORT_KIND_LABELS,
        label_of=label_of, minimum=tax_report.MINIMUM,
    )  # fmt: skip
