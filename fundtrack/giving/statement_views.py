"""The giving statements screens: a centre's statements of a year with their PDFs, a
batch for all its donors, and one donor's statements with the action to issue, correct or
void one. Thin: the lists come from fundtrack.giving.statement_data, the changes from
fundtrack.giving.statements and statement_jobs."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from fundtrack.auth.access import load_visible
from fundtrack.downloads import download
from fundtrack.extensions import db
from fundtrack.formatting import network_today
from fundtrack.giving.saving import saved
from fundtrack.giving.statement_data import donor_language, statement_rows
from fundtrack.giving.statement_jobs import progress_key, start_statements
from fundtrack.giving.statement_models import GivingStatement
from fundtrack.giving.statements import issue_statement, reissue_statement, void_statement
from fundtrack.giving.views import bp, centre_shown
from fundtrack.income.models import Donor
from fundtrack.jobs import peek_progress
from fundtrack.labels import LANGUAGE_LABELS, label_of
from fundtrack.operations import FIRST_YEAR, LAST_YEAR


class YearForm(FlaskForm):
    year = IntegerField(
        _l("Year"), validators=[InputRequired(), NumberRange(FIRST_YEAR, LAST_YEAR)]
    )


class ReasonForm(FlaskForm):
    reason = StringField(_l("Why"), validators=[InputRequired(), Length(max=500)])


def _last_year() -> int:
    return network_today().year - 1


def _year_asked() -> int:
    year = request.args.get("year", "")
    return int(year) if year.isdigit() and FIRST_YEAR <= int(year) <= LAST_YEAR else _last_year()


def _changed(action, success: str) -> bool:
    """Run a change and commit it; a refusal is flashed in the user's words."""
    if not saved(action):
        return False
    flash(success, "success")
    return True


@bp.route("/statements", methods=["GET", "POST"])
@login_required
def statements():
    """A centre's statements of a year, and the batch that issues the rest."""
    centre = centre_shown()
    year = _year_asked()
    may_issue = centre is not None and current_user.can_manage(centre.id)
    form = YearForm(data={"year": year}) if may_issue else None
    if request.method == "POST":
        if form is None:
            abort(403)
        if form.validate_on_submit():
            year = form.year.data
            said = gettext("The statements of %(year)s are being issued.", year=year)
            if _changed(lambda: start_statements(current_user, centre, year), said):
                return redirect(url_for("giving.statements", centre=centre.code, year=year))
    progress = peek_progress(progress_key(centre, year)) if centre is not None else {}
    rows = statement_rows(db.session, current_user, centre_id=centre.id if centre else None,
                          year=year)  # fmt: skip
    return render_template(
        "giving/statements.html", centre=centre, form=form, year=year, rows=rows,
        progress=progress, reason_form=ReasonForm(), language_labels=LANGUAGE_LABELS,
        label_of=label_of,
    )  # fmt: skip


@bp.route("/statements/donor/<int:donor_id>", methods=["GET", "POST"])
@login_required
def donor_statements(donor_id: int):
    """One donor's statements, and the form to issue one for a year."""
    donor = load_visible(db.session, Donor, donor_id, current_user)
    may_issue = current_user.can_manage(donor.centre_id)
    form = YearForm(data={"year": _last_year()}) if may_issue else None
    if request.method == "POST":
        if form is None:
            abort(403)
        if form.validate_on_submit() and _changed(
            lambda: issue_statement(db.session, current_user, donor, form.year.data),
            gettext("The statement is issued."),
        ):
            return redirect(url_for("giving.donor_statements", donor_id=donor.id))
    return render_template(
        "giving/donor_statements.html", donor=donor, form=form, centre=donor.centre,
        rows=statement_rows(db.session, current_user, donor_id=donor.id),
        language=donor_language(db.session, donor), reason_form=ReasonForm(),
        language_labels=LANGUAGE_LABELS, label_of=label_of,
    )  # fmt: skip


def _statement(statement_id: int) -> GivingStatement:
    return load_visible(db.session, GivingStatement, statement_id, current_user)


@bp.route("/statements/<int:statement_id>/statement.pdf")
@login_required
def statement_pdf(statement_id: int):
    """The PDF exactly as issued (gone once the donor's data is erased)."""
    statement = _statement(statement_id)
    if statement.pdf is None:
        abort(404)
    return download(statement.pdf, "giving-statement", statement.year, statement.donor.name,
                    kind="pdf")  # fmt: skip


@bp.route("/statements/<int:statement_id>/<any(reissue, void):action>", methods=["POST"])
@login_required
def statement_change(statement_id: int, action: str):
    """Correct (void and issue again) or void a statement, saying why."""
    statement = _statement(statement_id)
    if not current_user.can_manage(statement.centre_id):
        abort(403)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(gettext("Say why the statement is corrected or void."), "error")
    elif action == "reissue":
        _changed(lambda: reissue_statement(db.session, current_user, statement, form.reason.data),
                 gettext("The statement is corrected: the new one replaces it."))  # fmt: skip
    else:
        _changed(lambda: void_statement(db.session, current_user, statement, form.reason.data),
                 gettext("The statement is void; its gifts may go on another."))  # fmt: skip
    return redirect(url_for("giving.donor_statements", donor_id=statement.donor_id))
