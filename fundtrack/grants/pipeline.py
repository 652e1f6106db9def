"""The pipeline of applications per year, and next year's structural share forecast.

Pipeline, per fiscal year of a grant's start, for each centre, region and the network:
- asked: the amounts requested by applications that were sent (not drafts, not withdrawn);
- awarded: the amounts awarded (awarded, partly awarded, reporting, closed);
- expected: asked x chance of the undecided ones (submitted), the chance being a percentage.
The national office's own applications count for the network only.

Forecast of next year's share: the secured structural income for next year (the share
service's `secured_next_year`) plus, weighted by chance, the submitted applications that
would become structural (recurring, from a funder type whose rule is structural), for the
months of next year their period covers; over this year's costs. The applications behind it
come along, so the figure can be traced like every other.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import case, extract, func, literal
from sqlalchemy.orm import Session, joinedload

from fundtrack.auth.access import visible
from fundtrack.auth.models import User
from fundtrack.centres.locks import current_network
from fundtrack.grants.figures import ZERO, money
from fundtrack.grants.models import Grant, GrantState
from fundtrack.grants.operations import AWARDED_STATES
from fundtrack.income.models import Funder, StructuralRule
from fundtrack.money import CENT
from fundtrack.share.queries import fiscal_year_bounds, months_covered, visible_centres

SHARE_PLACES = Decimal("0.000001")
ASKED_STATES = tuple(s for s in GrantState if s not in (GrantState.DRAFT, GrantState.WITHDRAWN))


@dataclass
class PipelineFigures:
    asked: Decimal = ZERO
    awarded: Decimal = ZERO
    expected: Decimal = ZERO

    def add(self, other: "PipelineFigures") -> None:
        self.asked += other.asked
        self.awarded += other.awarded
        self.expected += other.expected


@dataclass
class PipelineYear:
    year: int
    network: PipelineFigures = field(default_factory=PipelineFigures)
    regions: dict[str, PipelineFigures] = field(default_factory=dict)  # region code ->
    centres: dict[str, PipelineFigures] = field(default_factory=dict)  # centre code ->


def fiscal_year_sql(column, first_month: int):
    """The fiscal year a date column falls in, as SQL (named after the year it starts in)."""
    year = extract("year", column)
    if first_month == 1:
        return year
    return year - case((extract("month", column) < first_month, 1), else_=0)


def pipeline(
    session: Session,
    user: User,
    years: list[int] | None = None,
    region_code: str | None = None,
    centre_code: str | None = None,
) -> list[PipelineYear]:
    """Asked, awarded and expected per fiscal year, per centre, region and network, as far as
    the user may see. One statement for the centres, one for the sums, whatever the number of
    grants. Raises LookupError like `share.service.funding_share` for an unknown code."""
    network = current_network(session)
    centres = {c.id: c for c in visible_centres(session, user, region_code, centre_code)}
    narrowed = bool(region_code or centre_code)
    year = fiscal_year_sql(Grant.start_date, network.fiscal_year_start_month).label("year")
    chance = func.coalesce(Grant.chance, 0)
    stmt = (
        visible(Grant, user)
        .with_only_columns(
            year,
            Grant.centre_id,
            func.sum(case((Grant.state.in_(ASKED_STATES), Grant.amount_requested), else_=0)),
            func.sum(case((Grant.state.in_(AWARDED_STATES), Grant.amount_awarded), else_=0)),
            func.sum(
                case(
                    (Grant.state == GrantState.SUBMITTED, Grant.amount_requested * chance),
                    else_=0,
                )
            ),
        )
        .group_by(year, Grant.centre_id)
        .order_by(year)
    )
    if years:
        stmt = stmt.where(year.in_(years))
    result: dict[int, PipelineYear] = {}
    for row_year, centre_id, asked, awarded, weighted in session.execute(stmt):
        if centre_id is not None and centre_id not in centres:
            continue
        if centre_id is None and narrowed:
            continue
        row_year = int(row_year)
        figures = PipelineFigures(money(asked), money(awarded), money(Decimal(weighted or 0) / 100))
        point = result.setdefault(row_year, PipelineYear(row_year))
        point.network.add(figures)
        if centre_id is not None:
            centre = centres[centre_id]
            point.centres.setdefault(centre.code, PipelineFigures()).add(figures)
            point.regions.setdefault(centre.region_code, PipelineFigures()).add(figures)
    return [result[y] for y in sorted(result)]


@dataclass(frozen=True)
class PendingApplication:
    """A submitted application that would become structural, and what it adds."""

    grant: Grant
    months: int  # of next year its period covers
    weighted: Decimal  # annual amount x months / 12 x chance


@dataclass(frozen=True)
class ShareForecast:
    year: int  # the year forecast (next year)
    costs: Decimal  # this year's costs, the basis
    costs_basis: str  # what those costs stand on: budget, actual (declared), mixed or none
    secured: Decimal  # structural agreements running into the year
    secured_share: Decimal | None
    pending: Decimal  # chance-weighted applications that would become structural
    forecast: Decimal  # secured + pending
    forecast_share: Decimal | None
    applications: list[PendingApplication]


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part / whole).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP) if whole else None


def share_forecast(
    session: Session,
    user: User,
    year: int,
    region_code: str | None = None,
    centre_code: str | None = None,
    share=None,
) -> ShareForecast:
    """Next year's (`year` + 1) structural share: secured plus chance-weighted applications,
    over `year`'s costs, for a centre, a region or the network as the user may see it.

    `share`: the `funding_share` of the same user, year and codes when the caller (a page
    showing it) has it already; it is not worked out twice."""
    from fundtrack.share.service import funding_share

    network = current_network(session)
    if share is None:
        share = funding_share(session, user, year, region_code, centre_code)
    if centre_code is not None:
        base = share.centres[0] if share.centres else None
    elif region_code is not None:
        base = share.regions[0] if share.regions else None
    else:
        base = share.network
    costs = base.costs if base else ZERO
    basis = base.costs_basis if base else "none"
    secured = base.secured_next_year if base else ZERO
    ids = [c.centre_id for c in share.centres]
    start, end = fiscal_year_bounds(network, year + 1)
    stmt = (
        visible(Grant, user)
        .join(Funder, Funder.id == Grant.funder_id)
        .join(StructuralRule, StructuralRule.funder_type == Funder.type)
        .where(
            Grant.state == GrantState.SUBMITTED,
            Grant.recurring.is_(True),
            StructuralRule.structural_by_default.is_(True),
            Grant.centre_id.in_(ids or [literal(-1)]),
            Grant.start_date < end,
            Grant.end_date >= start,
        )
        .options(joinedload(Grant.centre), joinedload(Grant.funder))
        .order_by(Grant.start_date, Grant.id)
    )
    applications = []
    for grant in session.scalars(stmt).unique():
        months = months_covered(grant.start_date, grant.end_date, start, end)
        weighted = (grant.amount_requested * months * (grant.chance or 0) / 1200).quantize(
            CENT, rounding=ROUND_HALF_UP
        )
        if months and weighted:
            applications.append(PendingApplication(grant, months, weighted))
    pending = sum((a.weighted for a in applications), ZERO)
    total = secured + pending
    return ShareForecast(
        year=year + 1,
        costs=costs,
        costs_basis=basis,
        secured=secured,
        secured_share=_ratio(secured, costs),
        pending=pending,
        forecast=total,
        forecast_share=_ratio(total, costs),
        applications=applications,
    )
