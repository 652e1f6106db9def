"""Names for stored codes the reports show, in the reader's language (lazy: chosen per report)."""

from flask_babel import gettext
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


def region_title(name: str) -> str:
    """A region as a heading: its name as stored when the name already says it is a region
    ("Regio Noord", "Region Sør-Øst"), else "Region Noord" in the reader's language; never
    "Regio NOORD Regio Noord"."""
    if {"regio", "region", "regione", "région"} & set(name.lower().split()):
        return name
    return gettext("Region %(region)s", region=name)
