"""The funding-share figures per centre, region and network: the one place they are computed.

Screens, exports, the API and the PDFs call `funding_share` and `share_trend`; `trace` shows
the lines behind a figure; the national office changes the rules through
`set_structural_rule` and `override_agreement`.

Rules kept here:
- costs are the year's actual costs once they are declared complete (closing a year declares
  them), else its budget ("none" when there is neither, then costs are 0): the choice is
  `fundtrack.costs.basis.costs_basis`, and every figure carries the basis it used;
- share = structural income / costs, None when costs are 0 (never a division by zero);
- gap = max(0, target x costs - structural income), exact (in integers: cents times the
  target's denominator), rounded to cents (half up) once at the end; a centre meets the
  target when share >= target exactly, and never when it has no costs (there is nothing
  to measure);
- roll-ups sum money first and divide after; their gap is the sum of their centres' exact
  gaps, rounded once, because one centre's surplus does not pay another's costs (so it may
  differ by a cent from the sum of the rounded gaps shown); their basis is "mixed" when
  their centres' bases differ;
- a share above 100 % or more than 25 points from the year before carries a warning naming
  the likely cause (`fundtrack.share.plausibility`), never a bare "meets the target";
- secured next year: the annual amount of each structural agreement running into the next
  fiscal year times the whole months of that year it covers, over 12 (see `months_covered`).

Amounts are Decimal quantized to cents; shares keep six decimals; rounding for display is
the screens' job. Every call runs at most five statements whatever the number of centres
or lines.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sqlalchemy.orm import Session

from fundtrack.auth.models import User
from fundtrack.centres.locks import current_network
from fundtrack.centres.models import Network
from fundtrack.costs.basis import costs_basis
from fundtrack.income.models import IncomeCategory
from fundtrack.money import CENT
from fundtrack.share.figures import (
    CentreFigures,
    Figures,
    FundingShare,
    RegionFigures,
    TrendPoint,
)
from fundtrack.share.plausibility import figure_warnings
from fundtrack.share.queries import (
    cost_totals,
    fiscal_year_bounds,
    income_totals,
    latest_year_before,
    months_covered,
    structural_agreements,
    visible_centres,
)
from fundtrack.share.rules import confirm_agreement, override_agreement, set_structural_rule
from fundtrack.share.trace import trace

__all__ = [
    "confirm_agreement",
    "funding_share",
    "latest_ended_year",
    "override_agreement",
    "set_structural_rule",
    "share_trend",
    "trace",
]

SHARE_PLACES = Decimal("0.000001")
# Every income category's value, in RJ 650 order (read once: an enum's .value is slow).
CATEGORIES = tuple(category.value for category in IncomeCategory)
ZERO = Decimal("0.00")


@dataclass
class _Book:
    """What the aggregate rows say about one centre in one year."""

    costs: dict[str, Decimal] = field(default_factory=dict)  # cost kind -> total
    declared: bool = False  # actual costs declared complete
    income: dict[str, Decimal] = field(default_factory=dict)  # category -> total
    structural: Decimal = ZERO


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def _ratio(part: Decimal, whole: Decimal) -> Decimal | None:
    return (part / whole).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP) if whole else None


def _shortfall(costs: Decimal, structural: Decimal, target: Fraction) -> int:
    """max(0, costs x n / d - structural), exact, in units of 1 / (100 d): cents times the
    target's denominator. Both amounts are whole cents, so integers hold it without rounding
    and a roll-up sums them as they are (Fractions made this most of the trend's time)."""
    short = _in_cents(costs) * target.numerator - _in_cents(structural) * target.denominator
    return max(0, short)


def _in_cents(amount: Decimal) -> int:
    return int(amount.scaleb(2))


def _cents(shortfall: int, target: Fraction) -> Decimal:
    """A `_shortfall` (or a sum of them) as money: rounded to cents once, half up."""
    whole, rest = divmod(shortfall, target.denominator)
    return Decimal(whole + (2 * rest >= target.denominator)).scaleb(-2)


def _gap(costs: Decimal, structural: Decimal, target: Fraction) -> Decimal:
    return _cents(_shortfall(costs, structural, target), target)


def _meets(costs: Decimal, structural: Decimal, target: Fraction) -> bool:
    return costs > 0 and structural * target.denominator >= costs * target.numerator


def _by_category(amounts: dict[str, Decimal]) -> dict[str, Decimal]:
    # Every category, in RJ 650 order, so tables and charts keep their columns.
    return {category: _money(amounts.get(category)) for category in CATEGORIES}


def _centre_figures(centre, book: _Book, secured: Decimal, target: Fraction) -> CentreFigures:
    basis = costs_basis(book.declared, "actual" in book.costs, "budget" in book.costs)
    costs, structural = _money(book.costs.get(basis)), _money(book.structural)
    total = _money(sum(book.income.values(), ZERO))
    return CentreFigures(
        costs=costs,
        costs_basis=basis,
        structural_income=structural,
        incidental_income=total - structural,
        income_by_category=_by_category(book.income),
        share=_ratio(structural, costs),
        gap=_gap(costs, structural, target),
        secured_next_year=secured,
        secured_share=_ratio(secured, costs),
        budget_costs=_money(book.costs.get("budget")),
        actual_costs=_money(book.costs.get("actual")),
        centre_id=centre.id,
        code=centre.code,
        name=centre.name,
        region_code=centre.region_code,
        meets_target=_meets(costs, structural, target),
    )


def _rolled_up(centres: list[CentreFigures], target: Fraction) -> dict:
    """The Figures fields of a group of centres: money summed, then divided.

    The gap sums the centres' exact gaps and rounds once, so a region short 2/3 x 330,000 -
    145,200 reads 74,800.00, not the 74,799.99 of three gaps rounded one by one.
    """
    costs = sum((c.costs for c in centres), ZERO)
    structural = sum((c.structural_income for c in centres), ZERO)
    secured = sum((c.secured_next_year for c in centres), ZERO)
    bases = {c.costs_basis for c in centres}
    return {
        "costs": costs,
        "costs_basis": bases.pop() if len(bases) == 1 else ("mixed" if bases else "none"),
        "structural_income": structural,
        "incidental_income": sum((c.incidental_income for c in centres), ZERO),
        "income_by_category": {
            category: sum((c.income_by_category[category] for c in centres), ZERO)
            for category in CATEGORIES
        },
        "share": _ratio(structural, costs),
        "gap": _cents(
            sum(_shortfall(c.costs, c.structural_income, target) for c in centres), target
        ),
        "secured_next_year": secured,
        "secured_share": _ratio(secured, costs),
        "budget_costs": sum((c.budget_costs for c in centres), ZERO),
        "actual_costs": sum((c.actual_costs for c in centres), ZERO),
    }


def _books(income_rows, cost_rows) -> dict[tuple[int, int], _Book]:
    books: dict[tuple[int, int], _Book] = defaultdict(_Book)
    for row in income_rows:
        book = books[row.centre_id, row.fiscal_year]
        category = getattr(row.category, "value", row.category)
        book.income[category] = book.income.get(category, ZERO) + row.total
        book.structural += row.structural or ZERO
    for row in cost_rows:
        kind = getattr(row.kind, "value", row.kind)
        book = books[row.centre_id, row.year]
        book.costs[kind] = row.total
        book.declared = book.declared or bool(row.declared)
    return books


def _secured(network: Network, agreements, years) -> dict[tuple[int, int], Decimal]:
    """Secured structural income for the year after each of `years`, per centre."""
    twelfths: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for year in years:
        start, end = fiscal_year_bounds(network, year + 1)
        for row in agreements:
            months = months_covered(row.start_date, row.end_date, start, end)
            if months:
                twelfths[row.centre_id, year] += row.annual_amount * months
    return {key: _money(amount / 12) for key, amount in twelfths.items()}


def _warned(figures, previous, running: bool):
    warnings = figure_warnings(figures, previous, running)
    # Most figures carry none: copying a frozen dataclass for nothing was a tenth of a trend.
    return replace(figures, warnings=warnings) if warnings else figures


def _year_figures(
    network, centres, year, books, secured, previous: FundingShare | None = None, asked=False
) -> FundingShare:
    """The figures of `year`; with `previous` (the same scope's year before) they carry the
    warnings of a jump from it, and those of a share above the costs in any case. A centre
    `asked` for by its code is there even when it is closed and has no figures."""
    target = network.structural_target
    running = year == network.fiscal_year_of(date.today())
    before = {f.centre_id: f for f in previous.centres} if previous else {}
    figures = []
    for centre in centres:
        book = books.get((centre.id, year))
        if book is None and not centre.active and not asked:
            continue  # a closed centre drops out of the years it has no figures in
        money = secured.get((centre.id, year), ZERO)
        mine = _centre_figures(centre, book or _Book(), money, target)
        figures.append(_warned(mine, before.get(centre.id), running))
    regions = []
    region_of = {centre.id: centre for centre in centres}
    regions_before = {r.region_id: r for r in previous.regions} if previous else {}
    grouped: dict[str, list[CentreFigures]] = defaultdict(list)
    for figure in figures:
        grouped[figure.region_code].append(figure)
    for code, members in grouped.items():
        region = region_of[members[0].centre_id]
        rolled = RegionFigures(
            **_rolled_up(members, target),
            region_id=region.region_id,
            code=code,
            name=region.region_name,
            centres_total=len(members),
            centres_at_target=sum(f.meets_target for f in members),
        )
        regions.append(_warned(rolled, regions_before.get(region.region_id), running))
    at_target = sum(f.meets_target for f in figures)
    whole = Figures(**_rolled_up(figures, target))
    return FundingShare(
        year=year,
        target=target,
        currency=network.currency,
        network=_warned(whole, previous.network if previous else None, running),
        regions=regions,
        centres=figures,
        centres_at_target=at_target,
    )


def _scope_ids(user: User, centres, narrowed: bool) -> list[int] | None:
    # None = every centre, so the statements need no IN list for the national office.
    if user.sees_all_centres and not narrowed:
        return None
    return [centre.id for centre in centres]


def funding_share(
    session: Session,
    user: User,
    year: int,
    region_code: str | None = None,
    centre_code: str | None = None,
) -> FundingShare:
    """The figures of `year` for every centre the user may see, their regions and the total.

    A treasurer gets only their own centre (and a "network" that is just that centre).
    Raises LookupError when `centre_code` is unknown or not visible to the user, or when
    `region_code` names no region the user can see (the API answers 404 to both).
    Runs five statements: network, centres, income, costs, agreements.
    """
    network = current_network(session)
    centres = visible_centres(session, user, region_code, centre_code)
    ids = _scope_ids(user, centres, narrowed=bool(region_code or centre_code))
    asked = centre_code is not None
    if not centres:
        return _year_figures(network, centres, year, {}, {})
    # The year before comes in the same statements: a jump from it is warned of.
    years = (year - 1, year)
    books = _books(income_totals(session, ids, years), cost_totals(session, ids, years))
    start, end = fiscal_year_bounds(network, year + 1)
    agreements = structural_agreements(session, ids, start, end)
    previous = _year_figures(network, centres, year - 1, books, {}, asked=asked)
    secured = _secured(network, agreements, [year])
    return _year_figures(network, centres, year, books, secured, previous, asked)


def latest_ended_year(
    session: Session, user: User, before: int, region_code: str | None = None
) -> int | None:
    """The latest year before `before` that `share_trend` would hold a point for (a year with
    income or costs of the centres the user may see), read from two indexed MAX statements.

    Raises LookupError like `funding_share`.
    """
    centres = visible_centres(session, user, region_code)
    if not centres:
        return None
    ids = _scope_ids(user, centres, narrowed=bool(region_code))
    return latest_year_before(session, ids, before)


def share_trend(
    session: Session,
    user: User,
    centre_code: str | None = None,
    region_code: str | None = None,
) -> list[TrendPoint]:
    """The figures of every year on record (with income or costs), oldest first.

    For a centre (CentreFigures), else a region (RegionFigures), else the network (Figures)
    as far as the user may see it. Raises LookupError like `funding_share`.
    """
    network = current_network(session)
    centres = visible_centres(session, user, region_code, centre_code)
    if not centres:
        return []
    ids = _scope_ids(user, centres, narrowed=bool(region_code or centre_code))
    income_rows, cost_rows = income_totals(session, ids, None), cost_totals(session, ids, None)
    books = _books(income_rows, cost_rows)
    years = sorted({year for _centre, year in books})
    secured = _secured(network, structural_agreements(session, ids), years)
    points, previous = [], None
    for year in years:
        if previous is not None and previous.year != year - 1:
            previous = None  # a year without figures between: nothing to jump from
        result = _year_figures(network, centres, year, books, secured, previous)
        previous = result
        if centre_code is not None:
            figures = result.centres[0] if result.centres else None
        elif region_code is not None:
            figures = result.regions[0] if result.regions else None
        else:
            figures = result.network
        if figures is not None:
            points.append(TrendPoint(year=year, figures=figures))
    return points
