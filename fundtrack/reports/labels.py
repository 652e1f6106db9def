"""Names for stored codes the reports show, in the reader's language (lazy: chosen per report)."""

from flask_babel import lazy_gettext as _l

COST_CATEGORY_LABELS = {
    "staff": _l("Staff"),
    "housing": _l("Housing"),
    "activities": _l("Activities"),
    "volunteers": _l("Volunteers"),
    "communication": _l("Communication"),
    "administration": _l("Administration"),
    "other": _l("Other costs"),
}

GRANT_STATE_LABELS = {
    "draft": _l("draft"),
    "submitted": _l("submitted"),
    "awarded": _l("awarded"),
    "partly_awarded": _l("partly awarded"),
    "rejected": _l("rejected"),
    "withdrawn": _l("withdrawn"),
    "reporting": _l("reporting"),
    "closed": _l("closed"),
}

REPORT_KIND_LABELS = {"interim": _l("Interim report"), "final": _l("Final report")}
