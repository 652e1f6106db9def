"""Report downloads from the screens: a centre's PDF, the national report as a job.

A treasurer gets 404 for another centre's report (as for its page); the national report is
for those who see every centre (403 for a treasurer). A job page shows only its own user's job.
"""

from datetime import date

from flask import Response, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user, login_required

from fundtrack.centres.locks import current_network
from fundtrack.downloads import download
from fundtrack.extensions import db
from fundtrack.reports import bp
from fundtrack.reports.archive import sent_archive
from fundtrack.reports.centre_report import centre_pdf
from fundtrack.reports.jobs import job_for, start_national_report
from fundtrack.reports.models import JobState
from fundtrack.reports.render import report_language


def pdf_response(pdf: bytes, name: str, *name_parts) -> Response:
    """A report as a PDF file named from `name` and `name_parts` (fundtrack.downloads)."""
    return download(pdf, name, *name_parts, kind="pdf")


def requested_year() -> int:
    """`?year=`, else the last fiscal year that has ended (as the screens open on)."""
    year = request.args.get("year", type=int)
    if year is not None and 1900 <= year <= 2999:
        return year
    return current_network(db.session).fiscal_year_of(date.today()) - 1


def requested_language() -> str:
    """`?lang=` (nl, nb, en), else the user's UI language."""
    locale = get_locale()
    return report_language(request.args.get("lang") or (locale.language if locale else None))


@bp.route("/centres/<code>/report.pdf")
@login_required
def centre_report_pdf(code: str):
    year = requested_year()
    try:
        pdf = centre_pdf(db.session, current_user, code, year, requested_language())
    except LookupError:
        abort(404)
    return pdf_response(pdf, "funding-report", code, year)


@bp.route("/reports/sent/<int:year>.zip")
@login_required
def sent_reports_zip(year: int):
    if not current_user.sees_all_centres:
        abort(403)
    return download(sent_archive(db.session, current_user, year), "sent-reports", year, kind="zip")


@bp.route("/reports/national", methods=["POST"])
@login_required
def national_report_start():
    if not current_user.sees_all_centres:
        abort(403)
    job = start_national_report(current_user, requested_year(), requested_language())
    return redirect(url_for("reports.job", job_id=job.id))


def _own_job(job_id: str):
    job = job_for(current_user, job_id)
    if job is None:
        abort(404)
    return job


@bp.route("/reports/jobs/<job_id>")
@login_required
def job(job_id: str):
    job = _own_job(job_id)
    return render_template("reports/job.html", job=job, finished=job.state in _FINISHED)


@bp.route("/reports/jobs/<job_id>/report.pdf")
@login_required
def job_pdf(job_id: str):
    job = _own_job(job_id)
    if job.state != JobState.DONE:
        abort(404)
    return pdf_response(job.pdf, "national-report", job.year)


_FINISHED = (JobState.DONE, JobState.FAILED)
