"""A grant's reports on screen: write the narrative, preview the PDF, send it, fetch it again.

A treasurer reaches only their own centre's grants (404 for another's), as in the API.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select

from fundtrack.auth.access import load_visible
from fundtrack.errors import DomainError
from fundtrack.extensions import db
from fundtrack.grants.models import Grant
from fundtrack.grants.operations import require_manage_grant
from fundtrack.labels import label
from fundtrack.reports import bp
from fundtrack.reports.grant_report import default_language, grant_pdf
from fundtrack.reports.models import ReportDraft, SentReport
from fundtrack.reports.render import LANGUAGES
from fundtrack.reports.sending import save_draft, send_report, sent_report
from fundtrack.reports.views import pdf_response


def _grant(grant_id: int):
    return load_visible(db.session, Grant, grant_id, current_user)


@bp.route("/grants/<int:grant_id>/report.pdf")
@login_required
def grant_report_pdf(grant_id: int):
    _grant(grant_id)
    obligation = request.args.get("obligation", type=int)
    language = request.args.get("lang")
    try:
        pdf = grant_pdf(db.session, current_user, grant_id, obligation, language)
    except LookupError:
        abort(404)
    return pdf_response(pdf, "grant-report", grant_id)


@bp.route("/grants/<int:grant_id>/reports", methods=["GET", "POST"])
@login_required
def grant_reports(grant_id: int):
    grant = _grant(grant_id)
    if request.method == "POST":
        try:
            require_manage_grant(current_user, grant)
            obligation = request.form.get("obligation", type=int) or 0
            if request.form.get("action") == "send":
                send_report(db.session, current_user, grant_id, obligation)
                flash(gettext("The report was sent and its PDF kept."))
            else:
                narrative, language = request.form.get("narrative", ""), request.form.get("lang")
                save_draft(db.session, current_user, grant_id, obligation, narrative, language)
                flash(gettext("Saved."))
            db.session.commit()
        except (DomainError, PermissionError) as error:
            db.session.rollback()
            flash(str(error), "error")
        return redirect(url_for("reports.grant_reports", grant_id=grant_id))
    ids = [o.id for o in grant.obligations]
    sent = {
        row.obligation_id: row
        for row in db.session.query(SentReport).filter(SentReport.obligation_id.in_(ids))
    }
    # One statement for every report's draft, not one per report.
    drafts = {
        row.obligation_id: row
        for row in db.session.scalars(select(ReportDraft).where(ReportDraft.obligation_id.in_(ids)))
    }
    return render_template(
        "reports/grant_reports.html",
        grant=grant,
        sent=sent,
        drafts=drafts,
        languages=LANGUAGES,
        default_language=default_language(db.session, None),
    )


@bp.route("/grants/<int:grant_id>/reports/<int:obligation_id>/sent.pdf")
@login_required
def grant_sent_pdf(grant_id: int, obligation_id: int):
    try:
        stored = sent_report(db.session, current_user, grant_id, obligation_id)
    except LookupError:
        abort(404)
    return pdf_response(
        stored.pdf,
        "grant-report",
        grant_id,
        label(stored.obligation.kind),
        stored.obligation.due_date,
    )
