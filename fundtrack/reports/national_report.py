"""The national report: the network's overview, its regions, then a page per centre.

For those who see every centre (national office, admins, auditors); `national_report` raises
NotAllowed for a treasurer. `progress` (if given) is called with (done, total) as centre pages
are prepared, so a background job can show how far it is.
"""

from collections import defaultdict
from collections.abc import Callable

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from fundtrack.auth.access import NotAllowed
from fundtrack.auth.models import User
from fundtrack.centres.locks import current_network
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

TEMPLATE = "reports/national.html"
YEARS_PER_CENTRE = 5  # the centre pages show this many years up to the report's


def _centre_years(session, user, years: list[int]) -> dict[str, list[dict]]:
    # One funding_share call per year (five statements each), not one per centre.
    rows: dict[str, list[dict]] = defaultdict(list)
    for year in years:
        for c in funding_share(session, user, year).centres:
            rows[c.code].append({"year": year, **figures_dict(c)})
    return rows


def national_report(
    session: Session, user: User, year: int, progress: Callable[[int, int], None] | None = None
) -> dict:
    """Everything the national report shows for `year`, as plain values.

    Keys: organisation, title, year, running, target, currency, network (figures, with
    centres_total and centres_at_target), trend (network per year), regions (figures, their
    centres and a shares chart each), centres (figures, categories, recent years, mix chart),
    charts (network trend). Call it inside `render.in_language`.
    """
    if not user.sees_all_centres:
        raise NotAllowed(
            _l("%(email)s may not see the whole network", email=user.email),
            code="not_network",
        )
    network = current_network(session)
    fmt, running = number_format(network), running_year(network)
    share = funding_share(session, user, year)
    points = share_trend(session, user)
    recent = [p.year for p in points if year - YEARS_PER_CENTRE < p.year <= year]
    history = _centre_years(session, user, recent)
    by_region = defaultdict(list)
    for c in share.centres:
        by_region[c.region_code].append(c)
    centres = []
    for done, c in enumerate(share.centres, start=1):
        centres.append(
            {
                "code": c.code,
                "name": c.name,
                "region_code": c.region_code,
                "figures": figures_dict(c),
                "categories": category_rows(c),
                "years": history.get(c.code, []),
                "mix_chart": charts.category_mix_chart(
                    c,
                    fmt,
                    gettext(
                        "%(code)s income by RJ 650 category, %(year)s", code=c.code, year=year
                    ),  # fmt: skip
                ),
            }
        )
        if progress:
            progress(done, len(share.centres))
    return {
        "organisation": network.name,
        "title": gettext("National funding report %(year)s", year=year),
        "year": year,
        "running": year == running,
        "target": exact_share(share.target),
        "currency": share.currency,
        "network": {
            **figures_dict(share.network),
            "centres_total": len(share.centres),
            "centres_at_target": share.centres_at_target,
        },
        "trend": [
            {"year": p.year, "running": p.year == running, **figures_dict(p.figures)}
            for p in points
        ],
        "regions": [
            {
                "code": r.code,
                "name": r.name,
                "title": region_title(r.name),
                "centres_total": r.centres_total,
                "centres_at_target": r.centres_at_target,
                "figures": figures_dict(r),
                "centres": [c["code"] for c in centres if c["region_code"] == r.code],
                "shares_chart": charts.shares_chart(share, fmt, by_region[r.code]),
            }
            for r in share.regions
        ],
        "centres": centres,
        "charts": {
            "trend": charts.share_trend_chart(
                points, share.target, fmt, gettext("Structural share per year, network"), running
            ),
        },
    }


def national_pdf(
    session: Session,
    user: User,
    year: int,
    language: str,
    progress: Callable[[int, int], None] | None = None,
    cache=None,
) -> bytes:
    """The national report as PDF bytes, in `language` (nl, nb or en)."""
    with in_language(language):
        data = national_report(session, user, year, progress)
        return render_pdf(TEMPLATE, cache=cache, lang=report_language(language), **data)
