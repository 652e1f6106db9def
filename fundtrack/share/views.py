"""The funding monitor's screens: national dashboard, centre page, lines, exports, rules.

Views load, authorise, call `fundtrack.share.service` and render; the figures, charts and
tables come from the share package. A treasurer sees only their own centre: the national
dashboard sends them to it, its exports answer 403, another centre's pages answer 404.
"""

from datetime import date

from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required
from sqlalchemy import select

from fundtrack.auth.forms import ButtonForm
from fundtrack.auth.menu import user_menu
from fundtrack.centres.locks import current_network
from fundtrack.centres.models import Network, Region
from fundtrack.costs.basis import still_on_budget
from fundtrack.extensions import db
from fundtrack.formatting import network_format
from fundtrack.grants.panels import landing_panels
from fundtrack.income.funds import fund_balances
from fundtrack.labels import (
    BASIS_LABELS,
    CATEGORY_LABELS,
    FUNDER_TYPE_LABELS,
    label_of,
    refusal_text,
)
from fundtrack.share import bp, charts, exports
from fundtrack.share.classification import Wording, explain_row
from fundtrack.share.figures import CentreFigures, TrendPoint
from fundtrack.share.rules import awaiting_agreements
from fundtrack.share.service import funding_share, latest_ended_year, share_trend, trace
from fundtrack.share.sorting import SORT_COLUMNS, sort_centres
from fundtrack.share.trace import trace_secured

AGREEMENTS_SHOWN = 200  # rows of a list of agreements a page shows


def screen_wording() -> Wording:
    """Explanations in the user's language, funder types by the names the screens use."""
    return Wording(translate=gettext, funder=lambda kind: label_of(FUNDER_TYPE_LABELS, kind))


def awaiting_panel(centre_id: int | None = None) -> dict:
    """Template values for the "awaiting confirmation" panel: how many, the first rows with
    why they would count, and the confirm button's form for those who may confirm."""
    count, rows = awaiting_agreements(db.session, centre_id, limit=AGREEMENTS_SHOWN)
    wording = screen_wording()
    return {
        "count": count,
        "rows": [(row, explain_row(row, wording=wording)) for row in rows],
        "form": ButtonForm() if current_user.can_manage_network else None,
    }


def _running() -> int | None:
    """The fiscal year still under way: its income is booked so far, its costs are whole."""
    network = db.session.get(Network, 1)
    return network.fiscal_year_of(date.today()) if network else None


bp.app_context_processor(user_menu)


@bp.app_context_processor
def _running_year() -> dict:
    if not current_user or not current_user.is_authenticated:
        return {}
    from fundtrack.centres.locks import locked_years

    # Closed years' figures are final: the pages say so next to the year.
    return {"running_year": _running(), "closed_years": locked_years(db.session)}


LINES_PAGE = 100


def _or_404(function, *args, **kwargs):
    # The service answers LookupError alike for "no such centre" and "not yours".
    try:
        return function(db.session, current_user, *args, **kwargs)
    except LookupError:
        abort(404)


def _chosen_year(points: list[TrendPoint], default: int | None = None) -> int:
    """The `year` query argument, else `default`, else the latest fiscal year that has ended.

    A running year sets income booked so far against a whole year's costs, so it would show
    every centre further from the target than it is; it stays one click away.
    """
    year = request.args.get("year", type=int)
    if year is not None and 1900 <= year <= 2999:
        return year
    if default is not None:
        return default
    current = current_network(db.session).fiscal_year_of(date.today())
    ended = [p.year for p in points if p.year < current]
    return max(ended) if ended else current


def _years(points: list[TrendPoint], year: int) -> list[int]:
    current = current_network(db.session).fiscal_year_of(date.today())
    return sorted({p.year for p in points} | {year, current}, reverse=True)


def _require_network_viewer() -> None:
    if not current_user.sees_all_centres:
        abort(403)


def _dashboard_data(trend: bool = True):
    """The dashboard's figures, trend, year, region and sort. Without `trend` (the exports,
    which show one year) the default year comes from the latest year on record instead of
    summing every year, and the points are empty."""
    region = request.args.get("region") or None
    if trend:
        points = _or_404(share_trend, region_code=region)
        year = _chosen_year(points)
    else:
        points = []
        current = current_network(db.session).fiscal_year_of(date.today())
        latest = _or_404(latest_ended_year, current, region_code=region)
        year = _chosen_year(points, latest)
    figures = _or_404(funding_share, year, region_code=region)
    sort = request.args.get("sort", "code")
    if sort.lstrip("-") not in SORT_COLUMNS:
        sort = "code"
    return figures, points, year, region, sort


@bp.route("/dashboard")
@login_required
def dashboard():
    if not current_user.sees_all_centres:
        return redirect(url_for("share.my_centre"))
    figures, points, year, region, sort = _dashboard_data()
    fmt = network_format()
    centres = sort_centres(figures.centres, sort)
    if region:
        title = gettext("Structural share per year, region %(region)s", region=region)
    else:
        title = gettext("Structural share per year, network")
    return render_template(
        "share/dashboard.html",
        figures=figures,
        centres=centres,
        year=year,
        years=_years(points, year),
        region=region,
        regions=_region_choices(),
        sort=sort,
        shares_svg=charts.shares_chart(figures, fmt, charts.by_share(centres)),
        trend_svg=charts.share_trend_chart(points, figures.target, fmt, title, _running()),
        basis_labels=BASIS_LABELS,
        grants=_or_404(landing_panels, date.today(), year, region_code=region, share=figures),
        awaiting=awaiting_panel(),
        on_budget=still_on_budget(db.session, current_user, limit=0)[0],
    )


def _region_choices():
    return db.session.execute(select(Region.code, Region.name).order_by(Region.code)).all()


@bp.route("/dashboard.<any(csv, xlsx):kind>")
@login_required
def dashboard_export(kind: str):
    """The dashboard table with the same filters; for the national office, admins, auditors.

    A treasurer exports their own centre from its page (`share.centre_export`).
    """
    _require_network_viewer()
    figures, _points, year, region, sort = _dashboard_data(trend=False)
    table = exports.dashboard_table(figures, sort_centres(figures.centres, sort))
    return exports.download(table, kind, "structural-funding", year, region)


def _centre_page(code: str, default_year: int | None = None):
    points = _or_404(share_trend, centre_code=code)
    year = _chosen_year(points, default_year)
    figures = _or_404(funding_share, year, centre_code=code)
    centre: CentreFigures = figures.centres[0]
    fmt = network_format()
    return render_template(
        "share/centre.html",
        figures=figures,
        centre=centre,
        points=points,
        year=year,
        years=_years(points, year),
        mix_svg=charts.category_mix_chart(
            centre,
            fmt,
            gettext("%(code)s income by RJ 650 category, %(year)s", code=centre.code, year=year),
        ),
        trend_svg=charts.share_trend_chart(
            points,
            figures.target,
            fmt,
            gettext("%(code)s structural share per year", code=centre.code),
            _running(),
        ),
        gap_svg=charts.gap_chart(
            points, fmt, gettext("%(code)s gap to target per year", code=centre.code), _running()
        ),
        category_labels=CATEGORY_LABELS,
        basis_labels=BASIS_LABELS,
        grants=_or_404(landing_panels, date.today(), year, centre_code=code, share=figures),
        awaiting=awaiting_panel(centre.centre_id),
        funds=fund_balances(db.session, current_user, centre_id=centre.centre_id, year=year),
    )


@bp.route("/centres/<code>")
@login_required
def centre(code: str):
    return _centre_page(code)


@bp.route("/my-centre")
@login_required
def my_centre():
    if current_user.centre is None:
        return redirect(url_for("share.dashboard"))
    # The treasurer's own books: the year they are entering now, "so far".
    return _centre_page(current_user.centre.code, default_year=_running())


@bp.route("/centres/<code>/figures.<any(csv, xlsx):kind>")
@login_required
def centre_export(code: str, kind: str):
    """A centre's figures per year, for anyone who may see that centre."""
    points = _or_404(share_trend, centre_code=code)
    centre = _or_404(funding_share, _chosen_year(points), centre_code=code).centres[0]
    currency = current_network(db.session).currency
    table = exports.centre_years_table(centre.code, centre.name, points, currency)
    return exports.download(table, kind, "structural-funding", centre.code)


def _structural_arg() -> bool | None:
    value = (request.args.get("structural") or "").lower()
    return {"yes": True, "true": True, "1": True, "no": False, "false": False, "0": False}.get(
        value
    )


@bp.route("/centres/<code>/lines", endpoint="trace")
@login_required
def lines(code: str):
    """The income and cost lines behind a centre's figures, with why each counts as it does."""
    points = _or_404(share_trend, centre_code=code)
    year = _chosen_year(points)
    category = request.args.get("category") or None
    structural = _structural_arg()
    offset = max(0, request.args.get("offset", 0, type=int))
    try:
        traced = _or_404(
            trace,
            year,
            code,
            category,
            structural,
            limit=LINES_PAGE,
            offset=offset,
            wording=screen_wording(),
        )
    except ValueError as error:
        abort(400, description=refusal_text(error))
    return render_template(
        "share/lines.html",
        traced=traced,
        secured=_or_404(trace_secured, year, code, wording=screen_wording()),
        year=year,
        years=_years(points, year),
        category=category,
        structural=structural,
        category_labels=CATEGORY_LABELS,
        basis_labels=BASIS_LABELS,
    )
