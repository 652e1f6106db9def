"""Budgets and actual costs per centre, year and cost category."""

import random
from decimal import Decimal
from types import ModuleType

from sqlalchemy.orm import Session

from fundtrack.centres.models import Centre
from fundtrack.costs.models import CostCategory, CostKind, CostLine
from fundtrack.demo.ledger import round_to
from fundtrack.demo.tables import CentreRow
from fundtrack.income.models import EarmarkedFund

# How a walk-in centre's costs divide: a paid coordinator, the house, the programme.
SPLIT = {
    CostCategory.STAFF: Decimal("0.46"),
    CostCategory.HOUSING: Decimal("0.18"),
    CostCategory.ACTIVITIES: Decimal("0.14"),
    CostCategory.VOLUNTEERS: Decimal("0.08"),
    CostCategory.COMMUNICATION: Decimal("0.05"),
    CostCategory.ADMINISTRATION: Decimal("0.06"),
    CostCategory.OTHER: Decimal("0.03"),
}
# Share of an earmarked fund's money spent on its purpose in the year it came in.
SPENT_FROM_FUND = Decimal("0.8")


def cost_totals(country: ModuleType, row: CentreRow, year: int) -> dict[CostKind, Decimal]:
    """A centre's total budget and, where booked, actual costs of a year.

    2025's actuals are the table's figure (the shares are designed on it); other years
    follow the country's trend; 2026 actuals exist only for the centres that book them
    during the year (through November, so eleven twelfths of a year's costs).
    """
    rng = random.Random(f"costs-{country.CODE}-{row.code}-{year}")
    base = row.costs_2025
    totals = {CostKind.BUDGET: round_to(base * country.BUDGET_TREND[year], 100)}
    if year == 2025:
        totals[CostKind.ACTUAL] = base
    elif year < 2025 or row.code in country.ACTUALS_2026:
        months = 12 if year < 2025 else 11
        drift = Decimal(rng.randint(-20, 20)) / 1000
        totals[CostKind.ACTUAL] = round_to(
            base * country.ACTUAL_TREND[year] * (1 + drift) * months / 12, 100
        )
    return totals


def split(total: Decimal) -> dict[CostCategory, Decimal]:
    """Whole amounts per category that add up to `total` exactly (staff takes the rest)."""
    parts = {category: round_to(total * share, 1) for category, share in SPLIT.items()}
    parts[CostCategory.STAFF] += total - sum(parts.values())
    return parts


def book_costs(
    session: Session,
    centre: Centre,
    year: int,
    totals: dict[CostKind, Decimal],
    funds: list[tuple[EarmarkedFund, Decimal]],
    words: dict[str, str],
) -> int:
    """Cost lines for a centre and year; actual activities spent from earmarked funds are
    charged to them. Returns the number of lines."""
    lines = 0
    for kind, total in totals.items():
        for category, amount in split(total).items():
            if kind == CostKind.ACTUAL and category == CostCategory.ACTIVITIES:
                for fund, received in funds:
                    spent = min(round_to(received * SPENT_FROM_FUND, 1), amount - 1)
                    if spent <= 0:
                        continue
                    session.add(_line(centre, year, kind, category, spent, fund.name, fund))
                    amount -= spent
                    lines += 1
            description = words[f"cost_{category.value}"]
            session.add(_line(centre, year, kind, category, amount, description))
            lines += 1
    return lines


def _line(centre, year, kind, category, amount, description, fund=None) -> CostLine:
    return CostLine(
        centre=centre,
        year=year,
        kind=kind,
        category=category,
        amount=amount,
        currency=centre.currency,
        # The fund is flushed by then: cost lines refer to it by id only.
        earmarked_fund_id=fund.id if fund is not None else None,
        description=description,
    )
