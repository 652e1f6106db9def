"""/api/v1 report PDFs: grant reports (and the copies sent), a centre's funding report, and the
national report as a background job.

The same functions as the screens build them. A treasurer's token gets 404 for another
centre's report and 403 for the national report. `POST /reports/national` answers 202 with
the job's URL (also in `Location`); `GET /report-jobs/ID` says how far it is, and
`/report-jobs/ID/report.pdf` serves the PDF once it is done.
"""

import marshmallow as ma
from flask import url_for
from flask.views import MethodView
from flask_babel import lazy_gettext as _l

from fundtrack.api.auth import api_user
from fundtrack.api.common import api_blueprint, saved, storable_code
from fundtrack.api.schemas import Moment, Strict, Year
from fundtrack.downloads import download
from fundtrack.errors import Conflict, Label, NotFound
from fundtrack.extensions import db
from fundtrack.labels import label
from fundtrack.reports.archive import sent_archive
from fundtrack.reports.centre_report import centre_pdf
from fundtrack.reports.grant_report import grant_pdf
from fundtrack.reports.jobs import job_for, start_national_report
from fundtrack.reports.models import JobState
from fundtrack.reports.render import LANGUAGES, network_language
from fundtrack.reports.sending import send_report, sent_report
from fundtrack.reports.views import pdf_response

blp = api_blueprint(
    "reports_api", "", "PDF reports: a centre's funding report, the national report."
)


class ReportQuery(ma.Schema):
    year = Year(strict=False, required=True, metadata={"description": "fiscal year"})
    lang = ma.fields.String(
        validate=ma.validate.OneOf(LANGUAGES),
        metadata={
            "description": "the report's language (default: the network's; money follows "
            "the network)"
        },
    )


class NationalReportIn(Strict):
    year = Year(required=True, metadata={"description": "fiscal year"})
    lang = ma.fields.String(
        validate=ma.validate.OneOf(LANGUAGES),
        metadata={
            "description": "the report's language (default: the network's; money follows "
            "the network)"
        },
    )


class JobSchema(ma.Schema):
    id = ma.fields.String()
    kind = ma.fields.String()
    year = ma.fields.Integer()
    language = ma.fields.String()
    state = ma.fields.Enum(JobState, by_value=ma.fields.String)
    done = ma.fields.Integer(metadata={"description": "centres prepared so far"})
    total = ma.fields.Integer(metadata={"description": "centres to prepare (0 until known)"})
    error = ma.fields.String()
    url = ma.fields.Function(lambda job: url_for("reports_api.ReportJobView", job_id=job.id))
    pdf_url = ma.fields.Function(
        lambda job: (
            url_for("reports_api.ReportJobPdf", job_id=job.id)
            if job.state == JobState.DONE
            else None
        ),
        metadata={"type": ["string", "null"]},
    )


@blp.route("/centres/<code>/report.pdf")
class CentreReportPdf(MethodView):
    @blp.arguments(ReportQuery, location="query", unknown=ma.RAISE)
    @blp.response(200, content_type="application/pdf", description="the report")
    @blp.alt_response(404, "NOT_FOUND")
    def get(self, args, code):
        """A centre's funding report for a year as PDF (costs, income by category, share, gap,
        secured next year, the trend, open applications)."""
        try:
            if not storable_code(code):
                raise LookupError(code)
            language = args.get("lang") or network_language(db.session)
            pdf = centre_pdf(db.session, api_user(), code, args["year"], language)
        except LookupError:
            raise NotFound(
                "code", _l("no centre with code %(code)s", code=repr(code)), code="unknown_centre"
            ) from None
        return pdf_response(pdf, "funding-report", code, args["year"])


@blp.route("/reports/sent/<int:year>.zip")
class SentReportsArchive(MethodView):
    @blp.response(200, content_type="application/zip", description="the year's sent reports")
    @blp.alt_response(403, "FORBIDDEN")
    def get(self, year):
        """Every grant report sent in calendar `year`, as sent, with SHA256SUMS and a
        manifest.csv (national office, admins, auditors); the same bytes every time."""
        if not 1900 <= year <= 2999:
            raise NotFound(
                "year",
                _l("must be a year between %(first)s and %(last)s", first=1900, last=2999),
                code="year_out_of_range",
            )
        archive = sent_archive(db.session, api_user(), year)
        return download(archive, "sent-reports", year, kind="zip")


@blp.route("/reports/national")
class NationalReport(MethodView):
    @blp.arguments(NationalReportIn)
    @blp.response(202, JobSchema, description="queued: follow `url` (also in Location)")
    def post(self, args):
        """Start the national report for a year (national office, admins, auditors)."""
        language = args.get("lang") or network_language(db.session)
        job = start_national_report(api_user(), args["year"], language)
        location = url_for("reports_api.ReportJobView", job_id=job.id)
        return job, 202, {"Location": location}


def _job(job_id: str):
    job = job_for(api_user(), job_id)
    if job is None:
        raise NotFound("id", _l("no report job %(id)s", id=repr(job_id)))
    return job


@blp.route("/report-jobs/<job_id>")
class ReportJobView(MethodView):
    @blp.response(200, JobSchema)
    def get(self, job_id):
        """How far a report job is; `pdf_url` once it is done. Only its own user sees it."""
        return _job(job_id)


@blp.route("/report-jobs/<job_id>/report.pdf")
class ReportJobPdf(MethodView):
    @blp.response(200, content_type="application/pdf", description="the report")
    @blp.alt_response(409, "CONFLICT")
    def get(self, job_id):
        """The finished job's PDF; 409 while it is still being made or when it failed."""
        job = _job(job_id)
        if job.state != JobState.DONE:
            raise Conflict(
                "state",
                _l("the report is %(state)s, not done",
                   state=Label("REPORT_JOB_STATE_LABELS", job.state)),
                code="wrong_state",
            )  # fmt: skip
        return pdf_response(job.pdf, "national-report", job.year)


class GrantReportQuery(ma.Schema):
    obligation = ma.fields.Integer(
        validate=ma.validate.Range(1, 2**31 - 1),
        metadata={"description": "the report duty (default: the first unsent one)"},
    )
    lang = ma.fields.String(
        validate=ma.validate.OneOf(LANGUAGES),
        metadata={"description": "default: the draft's language, else the network's"},
    )


class SendIn(Strict):
    lang = ma.fields.String(validate=ma.validate.OneOf(LANGUAGES))


class SentSchema(ma.Schema):
    obligation_id = ma.fields.Integer()
    filename = ma.fields.String()
    language = ma.fields.String()
    sha256 = ma.fields.String()
    size = ma.fields.Integer()
    sent_at = Moment()
    sent_by = ma.fields.String(attribute="sent_by.email", allow_none=True)


@blp.route("/grants/<int:grant_id>/report.pdf")
class GrantReportPdf(MethodView):
    @blp.arguments(GrantReportQuery, location="query", unknown=ma.RAISE)
    @blp.response(200, content_type="application/pdf", description="the report")
    @blp.alt_response(404, "NOT_FOUND")
    def get(self, args, grant_id):
        """The report for the grant maker, as it stands now, in the funder's language."""
        try:
            pdf = grant_pdf(
                db.session, api_user(), grant_id, args.get("obligation"), args.get("lang")
            )
        except LookupError:
            raise NotFound(
                "id",
                _l("no %(what)s with id %(id)s", what=Label("ROW_LABELS", "grant"), id=grant_id),
            ) from None
        return pdf_response(pdf, "grant-report", grant_id)


@blp.route("/grants/<int:grant_id>/reports/<int:obligation_id>/send")
class SendGrantReport(MethodView):
    @blp.arguments(SendIn)
    @blp.response(201, SentSchema)
    def post(self, args, grant_id, obligation_id):
        """Mark the report sent and keep exactly this PDF (with its SHA-256, who and when)."""
        sent = saved(
            lambda: send_report(db.session, api_user(), grant_id, obligation_id, args.get("lang"))
        )
        return sent


@blp.route("/grants/<int:grant_id>/reports/<int:obligation_id>/sent.pdf")
class SentGrantReport(MethodView):
    @blp.response(200, content_type="application/pdf", description="the PDF as it was sent")
    def get(self, grant_id, obligation_id):
        """The report exactly as the grant maker received it."""
        stored = sent_report(db.session, api_user(), grant_id, obligation_id)
        return pdf_response(
            stored.pdf,
            "grant-report",
            grant_id,
            label(stored.obligation.kind),
            stored.obligation.due_date,
        )
