"""A centre's funding report for a year: its data (`centre_report`) and its PDF (`centre_pdf`).

The data come from the share service, as the centre page's do, scoped to the user: an unknown
centre and another centre's alike raise LookupError (routes answer 404).
"""

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundtrack.auth.models import User
from fundtrack.centres.locks import current_network
from fundtrack.centres.models import Centre
from fundtrack.grants.figures import office_allocations
from fundtrack.grants.operations import AWARDED_STATES
from fundtrack.reports import grants_link
from fundtrack.reports.figures import (
    category_rows,
    exact_share,
    figures_dict,
    number_format,
    running_year,
)
from fundtrack.reports.labels import region_title
from fundtrack.reports.render import in_language, render_pdf, report_language
from fundtrack.share import charts
from fundtrack.share.service import funding_share, share_trend

TEMPLATE = "reports/centre.html"


def centre_report(session: Session, user: User, code: str, year: int) -> dict:
    """Everything the centre report shows for `code` in `year`, as plain values.

    Keys: organisation, title, network, centre, year, running (the year is still under way),
    target, figures, categories, trend (one row per year on record, oldest first), charts
    (SVG strings: mix, trend, gap), open_applications, allocations (its part of awards
    shared among offices: project, funder, allocated, received, spent).
    Call it inside `render.in_language` so words and chart labels are in the reader's language.
    """
    share = funding_share(session, user, year, centre_code=code)
    points = share_trend(session, user, centre_code=code)
    network = current_network(session)
    centre = session.scalars(select(Centre).where(Centre.code == code)).one()
    figures = share.centres[0]
    fmt, running = number_format(network), running_year(network)
    return {
        "organisation": centre.name,
        "title": gettext("Funding report %(year)s", year=year),
        "network": {"name": network.name, "currency": network.currency},
        "centre": {
            "code": centre.code,
            "name": centre.name,
            "municipality": centre.municipality,
            "region_code": centre.region.code,
            "region_name": centre.region.name,
            "region_title": region_title(centre.region.name),
        },
        "year": year,
        "running": year == running,
        "target": exact_share(share.target),
        "figures": figures_dict(figures),
        "categories": category_rows(figures),
        "trend": [
            {"year": p.year, "running": p.year == running, **figures_dict(p.figures)}
            for p in points
        ],
        "charts": {
            "mix": charts.category_mix_chart(
                figures, fmt, gettext("Income by RJ 650 category, %(year)s", year=year)
            ),
            "trend": charts.share_trend_chart(
                points, share.target, fmt, gettext("Structural share per year"), running
            ),
            "gap": charts.gap_chart(points, fmt, gettext("Gap to target per year"), running),
        },
        "open_applications": grants_link.open_applications(session, user, centre.id),
        "allocations": [
            {
                "project": grant.project_name,
                "funder": grant.funder.name,
                "currency": grant.currency,
                "allocated": share.allocated,
                "received": share.received,
                "spent": share.spent,
            }
            for grant, share in office_allocations(session, centre.id, AWARDED_STATES)
        ],
    }


def centre_pdf(
    session: Session, user: User, code: str, year: int, language: str, cache=None
) -> bytes:
    """The centre report as PDF bytes, in `language` (nl, nb or en)."""
    with in_language(language):
        data = centre_report(session, user, code, year)
        return render_pdf(TEMPLATE, cache=cache, lang=report_language(language), **data)
