"""The statement of income and expenditure of a centre, a region or the network for a year.

Rules kept here:
- columns: this year's actual, this year's budget (fundtrack keeps a budget for costs only,
  so the budget column has expenses and nothing else) and last year's actual;
- income per line of the layout (`fundtrack.yearend.layouts`) from the funding share's own
  income query; expenses per expense group, each cost category in the group the national
  office chose (`fundtrack.yearend.mappings`); actual costs are the actual cost lines, and the
  statement says which centres have not declared them complete yet;
- result = total income - total expenses, appropriated to earmarked funds (what the funds
  received in the year), from them (what was spent from them) and the rest to or from the
  general reserve, so the appropriation adds up to the result;
- a region or the network is consolidated: the sum of its centres, line by line, less the
  eliminations (`fundtrack.yearend.eliminations`); a centre's own statement eliminates nothing;
- key ratios: fundraising costs / raised income, spent on the objectives / total income and
  / total expenses, beside the structural share the funding share shows
  (`fundtrack.share.service.funding_share`, the same number).

Amounts are Decimal to the cent; ratios keep six decimals. A dozen statements whatever the
number of centres or lines.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundtrack.auth.models import User
from fundtrack.centres.locks import current_network
from fundtrack.centres.models import Region
from fundtrack.costs.models import CostKind
from fundtrack.labels import BASIS_LABELS, label_of
from fundtrack.money import CENT
from fundtrack.share.queries import income_totals, visible_centres
from fundtrack.share.service import funding_share
from fundtrack.yearend.eliminations import eliminated_income
from fundtrack.yearend.layouts import Layout, layout_of
from fundtrack.yearend.mappings import settings
from fundtrack.yearend.queries import cost_group_totals, declared_centres, fund_movements

ZERO = Decimal("0.00")
INCOME = _l("Income")
EXPENSES = _l("Expenses")
APPROPRIATION = _l("Appropriation of the balance")
APPROPRIATED = _l("Total appropriated")
FUNDRAISING_RATIO = _l("Fundraising costs as a share of raised income")
OBJECTIVES_OF_INCOME = _l("Spent on the objectives as a share of total income")
OBJECTIVES_OF_EXPENSES = _l("Spent on the objectives as a share of total expenses")
RATIO_PLACES = Decimal("0.000001")


def _money(value) -> Decimal:
    # SQLite sums NUMERIC as floating point: back to exact cents.
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def _ratio(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return (part / whole).quantize(RATIO_PLACES, rounding=ROUND_HALF_UP)


@dataclass
class Column:
    """One column's money before it is laid out: income per category, costs per group."""

    income: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    costs: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))
    funds_added: Decimal = ZERO
    funds_spent: Decimal = ZERO
    eliminated: dict[str, Decimal] = field(default_factory=lambda: defaultdict(lambda: ZERO))

    def add(self, other: "Column") -> None:
        for category, amount in other.income.items():
            self.income[category] += amount
        for group, amount in other.costs.items():
            self.costs[group] += amount
        for category, amount in other.eliminated.items():
            self.eliminated[category] += amount
        self.funds_added += other.funds_added
        self.funds_spent += other.funds_spent

    def less_eliminations(self) -> "Column":
        """The column with its eliminated income taken out (a consolidation's)."""
        net = Column(funds_added=self.funds_added, funds_spent=self.funds_spent)
        for category, amount in self.income.items():
            net.income[category] = amount - self.eliminated.get(category, ZERO)
        for group, amount in self.costs.items():
            net.costs[group] = amount
        for category, amount in self.eliminated.items():
            net.eliminated[category] = amount
        return net


@dataclass(frozen=True)
class StatementLine:
    key: str
    label: object  # a lazy string: words in the reader's language
    style: str  # "heading", "line", "subtotal", "total"
    actual: Decimal | None = None
    budget: Decimal | None = None
    previous: Decimal | None = None


@dataclass(frozen=True)
class Ratio:
    key: str
    label: object
    actual: Decimal | None
    budget: Decimal | None
    previous: Decimal | None


@dataclass(frozen=True)
class FundMovement:
    fund_id: int
    centre_code: str
    name: str
    opening: Decimal
    added: Decimal
    spent: Decimal
    closing: Decimal


@dataclass(frozen=True)
class CentreResult:
    """A centre's own totals, side by side in a consolidated statement."""

    code: str
    name: str
    income: Decimal
    expenses: Decimal
    result: Decimal
    eliminated: Decimal


@dataclass(frozen=True)
class Statement:
    scope: str  # "centre", "region" or "network"
    code: str
    name: str
    year: int
    currency: str
    layout: Layout
    lines: list[StatementLine]
    ratios: list[Ratio]
    structural_share: Decimal | None
    structural_basis: str
    funds: list[FundMovement]
    undeclared: list[str]  # codes of centres whose actual costs are not declared complete
    # A consolidation only: the centres' sum before eliminations, the eliminations per
    # income line, and each centre's own totals.
    sum_of_centres: list[StatementLine] = field(default_factory=list)
    eliminations: list[StatementLine] = field(default_factory=list)
    centres: list[CentreResult] = field(default_factory=list)
    national_office_funder: str | None = None

    @property
    def consolidated(self) -> bool:
        return self.scope != "centre"

    def line(self, key: str) -> StatementLine:
        """The line with that key (KeyError when the layout has none)."""
        for line in self.lines:
            if line.key == key:
                return line
        raise KeyError(key)

    @property
    def fund_totals(self) -> FundMovement:
        return FundMovement(
            0,
            "",
            "",
            sum((f.opening for f in self.funds), ZERO),
            sum((f.added for f in self.funds), ZERO),
            sum((f.spent for f in self.funds), ZERO),
            sum((f.closing for f in self.funds), ZERO),
        )

    @property
    def basis_label(self) -> str:
        return label_of(BASIS_LABELS, self.structural_basis)


def _columns(session: Session, ids, year: int) -> dict[int, dict[str, Column]]:
    """Per centre its three columns: actual, budget, previous."""
    books: dict[int, dict[str, Column]] = defaultdict(
        lambda: {"actual": Column(), "budget": Column(), "previous": Column()}
    )
    years = (year - 1, year)
    for row in income_totals(session, ids, years):
        column = "actual" if row.fiscal_year == year else "previous"
        books[row.centre_id][column].income[row.category] += row.total
    for row in cost_group_totals(session, ids, years):
        if row.kind == CostKind.BUDGET:
            if row.year != year:
                continue
            column = "budget"
        else:
            column = "actual" if row.year == year else "previous"
        books[row.centre_id][column].costs[row.expense_group] += _money(row.total)
    for row in eliminated_income(session, ids, years):
        column = "actual" if row.fiscal_year == year else "previous"
        books[row.centre_id][column].eliminated[row.category] += _money(row.total)
    for fund_year, column in ((year, "actual"), (year - 1, "previous")):
        for row in fund_movements(session, ids, fund_year):
            books[row.centre_id][column].funds_added += _money(row.income_year)
            books[row.centre_id][column].funds_spent += _money(row.costs_year)
    return books


def _income(layout: Layout, column: Column | None, raised_only: bool | None = None):
    if column is None:
        return None
    return sum(
        (
            column.income.get(category, ZERO)
            for spec in layout.income
            if raised_only is None or spec.raised == raised_only
            for category in spec.categories
        ),
        ZERO,
    )


def _expenses(layout: Layout, column: Column | None) -> Decimal | None:
    if column is None:
        return None
    return sum((column.costs.get(spec.group, ZERO) for spec in layout.expenses), ZERO)


def _laid_out(layout: Layout, actual: Column, budget: Column, previous: Column):
    """The statement's lines and ratios from its three columns."""
    # fundtrack keeps no income budget: the budget column holds the expenses only.
    columns = {"actual": actual, "budget": None, "previous": previous}
    spent = {"actual": actual, "budget": budget, "previous": previous}

    def row(key, label, style, amounts):
        return StatementLine(key, label, style, **amounts)

    def each(function):
        return {name: function(name) for name in ("actual", "budget", "previous")}

    lines = [row("income", INCOME, "heading", {})]
    for spec in layout.income:

        def amount(name, spec=spec):
            column = columns[name]
            if column is None:
                return None
            return sum((column.income.get(c, ZERO) for c in spec.categories), ZERO)

        lines.append(row(spec.key, spec.label, "line", each(amount)))
        if layout.raised_total is not None and spec.raised and not _next_raised(layout, spec):
            raised = each(lambda name: _income(layout, columns[name], True))
            lines.append(row("raised_total", layout.raised_total, "subtotal", raised))
    income = each(lambda name: _income(layout, columns[name]))
    lines.append(row("income_total", layout.income_total, "subtotal", income))
    lines.append(row("expenses", EXPENSES, "heading", {}))
    for spec in layout.expenses:
        lines.append(
            row(
                spec.key,
                spec.label,
                "line",
                each(lambda name, spec=spec: spent[name].costs.get(spec.group, ZERO)),
            )
        )
    expenses = each(lambda name: _expenses(layout, spent[name]))
    lines.append(row("expenses_total", layout.expenses_total, "subtotal", expenses))

    def result_of(name):
        if income[name] is None:
            return None
        return income[name] - expenses[name]

    result = each(result_of)
    lines.append(row("result", layout.result, "total", result))
    lines.append(row("appropriation", APPROPRIATION, "heading", {}))

    def funds(name, sign):
        column = columns[name]
        if column is None:
            return None
        return column.funds_added if sign > 0 else -column.funds_spent

    to_funds = each(lambda name: funds(name, 1))
    from_funds = each(lambda name: funds(name, -1))
    lines.append(row("to_funds", layout.to_funds, "line", to_funds))
    lines.append(row("from_funds", layout.from_funds, "line", from_funds))

    def reserve(name):
        if result[name] is None:
            return None
        return result[name] - to_funds[name] - from_funds[name]

    lines.append(row("to_reserve", layout.to_reserve, "line", each(reserve)))
    lines.append(row("appropriated", APPROPRIATED, "total", result))
    raised = each(lambda name: _income(layout, columns[name], True))
    objectives = each(lambda name: spent[name].costs.get("objectives", ZERO))
    fundraising = each(lambda name: spent[name].costs.get("fundraising", ZERO))
    ratios = [
        Ratio(
            "fundraising_of_raised",
            FUNDRAISING_RATIO,
            **each(lambda name: _ratio(fundraising[name], raised[name])),
        ),
        Ratio(
            "objectives_of_income",
            OBJECTIVES_OF_INCOME,
            **each(lambda name: _ratio(objectives[name], income[name])),
        ),
        Ratio(
            "objectives_of_expenses",
            OBJECTIVES_OF_EXPENSES,
            **each(lambda name: _ratio(objectives[name], expenses[name])),
        ),
    ]
    return lines, ratios


def _next_raised(layout: Layout, spec) -> bool:
    # The raised subtotal stands after the last raised line.
    specs = list(layout.income)
    following = specs[specs.index(spec) + 1 :]
    return bool(following) and following[0].raised


def _fund_rows(session: Session, ids, year: int, codes: dict[int, str]) -> list[FundMovement]:
    movements = []
    for row in fund_movements(session, ids, year):
        added, spent = _money(row.income_year), _money(row.costs_year)
        closing = _money(row.income_to_date) - _money(row.costs_to_date)
        if not (added or spent or closing):
            continue  # a fund with nothing in it yet (opened for a later year): no movement
        movements.append(
            FundMovement(
                fund_id=row.id,
                centre_code=codes.get(row.centre_id, ""),
                name=row.name,
                opening=closing - added + spent,
                added=added,
                spent=spent,
                closing=closing,
            )
        )
    return sorted(movements, key=lambda m: (m.centre_code, m.name, m.fund_id))


def statement(
    session: Session,
    user: User,
    year: int,
    region_code: str | None = None,
    centre_code: str | None = None,
) -> Statement:
    """The statement of `centre_code`, else of `region_code` consolidated, else of the network
    consolidated (as far as the user may see it), for `year`.

    Raises LookupError for a centre or region the user may not see (routes answer 404).
    """
    network = current_network(session)
    layout = layout_of(network)
    centres = visible_centres(session, user, region_code, centre_code)
    ids = [c.id for c in centres]
    scope = "centre" if centre_code else "region" if region_code else "network"
    books = _columns(session, ids, year)
    totals = {"actual": Column(), "budget": Column(), "previous": Column()}
    for columns in books.values():
        for name, column in columns.items():
            totals[name].add(column)
    sum_lines, _ratios = _laid_out(layout, totals["actual"], totals["budget"], totals["previous"])
    consolidated = scope != "centre"
    if consolidated:
        net = {name: column.less_eliminations() for name, column in totals.items()}
    else:
        net = totals
    lines, ratios = _laid_out(layout, net["actual"], net["budget"], net["previous"])
    share = funding_share(session, user, year, region_code=region_code, centre_code=centre_code)
    if scope == "centre":
        figures, name, code = share.centres[0], centres[0].name, centres[0].code
    elif scope == "region":
        # A region without centres (yet) has a statement of zeros, under its own name.
        name = centres[0].region_name if centres else _region_name(session, region_code)
        figures, code = (share.regions or [share.network])[0], region_code
    else:
        figures, name, code = share.network, network.name, ""
    declared = declared_centres(session, ids, year)
    codes = {c.id: c.code for c in centres}
    result = Statement(
        scope=scope,
        code=code,
        name=name,
        year=year,
        currency=network.currency,
        layout=layout,
        lines=lines,
        ratios=ratios,
        structural_share=figures.share,
        structural_basis=figures.costs_basis,
        funds=_fund_rows(session, ids, year, codes),
        undeclared=[c.code for c in centres if c.id not in declared and c.id in books],
    )
    if not consolidated:
        return result
    return replace(
        result,
        sum_of_centres=sum_lines,
        eliminations=_elimination_lines(layout, totals),
        centres=_centre_results(layout, centres, books),
        national_office_funder=settings(session).national_office_funder,
    )


def _region_name(session: Session, code: str) -> str:
    return session.scalar(select(Region.name).where(Region.code == code)) or code


def _elimination_lines(layout: Layout, totals: dict[str, Column]) -> list[StatementLine]:
    """The eliminated income per income line of the layout (lines with none left out)."""
    lines = []
    for spec in layout.income:
        amounts = {
            name: sum((totals[name].eliminated.get(c, ZERO) for c in spec.categories), ZERO)
            for name in ("actual", "previous")
        }
        if any(amounts.values()):
            lines.append(StatementLine(spec.key, spec.label, "line", **amounts))
    return lines


def _centre_results(layout: Layout, centres, books) -> list[CentreResult]:
    results = []
    for centre in centres:
        column = books.get(centre.id, {}).get("actual") or Column()
        income, expenses = _income(layout, column), _expenses(layout, column)
        results.append(
            CentreResult(
                code=centre.code,
                name=centre.name,
                income=income,
                expenses=expenses,
                result=income - expenses,
                eliminated=sum(column.eliminated.values(), ZERO),
            )
        )
    return results
