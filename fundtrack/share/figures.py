"""The shape of the funding-share figures every screen, export, API call and PDF shows.

`fundtrack.share.service.funding_share` fills these; nothing else computes them.
Amounts are exact Decimals (rounded only for display); a share is None when costs are zero.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Literal

# "actual": the year's actual costs, declared complete; "budget": actuals not (yet) declared
# complete, so the budget; "mixed": a roll-up over centres on different bases; "none":
# neither is there to stand on (no budget, and no declared actuals).
CostsBasis = Literal["actual", "budget", "mixed", "none"]
# A figure that is probably wrong rather than good news (fundtrack.share.plausibility).
WarningCode = Literal["share_above_costs", "share_jump"]
# What most likely caused it: costs not all in (or on the wrong basis), or structural income
# booked in another year than it belongs to.
WarningCause = Literal["costs_incomplete", "line_in_wrong_year"]


@dataclass(frozen=True)
class FigureWarning:
    code: WarningCode
    cause: WarningCause
    # For a jump: last year's share, to show beside this year's.
    previous_share: Decimal | None = None


@dataclass(frozen=True)
class Figures:
    costs: Decimal
    costs_basis: CostsBasis
    structural_income: Decimal
    incidental_income: Decimal
    income_by_category: dict[str, Decimal]  # IncomeCategory value -> amount
    share: Decimal | None  # structural_income / costs
    gap: Decimal  # max(0, target x costs - structural_income); roll-ups sum the centres' gaps
    secured_next_year: Decimal  # structural agreements running into next year, prorated
    secured_share: Decimal | None  # secured_next_year / this year's costs
    # Both totals whatever the basis, so a page can show what the other basis would say.
    budget_costs: Decimal = Decimal("0.00")
    actual_costs: Decimal = Decimal("0.00")
    warnings: tuple[FigureWarning, ...] = ()

    @property
    def total_income(self) -> Decimal:
        return self.structural_income + self.incidental_income


@dataclass(frozen=True)
class CentreFigures(Figures):
    centre_id: int = 0
    code: str = ""
    name: str = ""
    region_code: str = ""
    meets_target: bool = False


@dataclass(frozen=True)
class RegionFigures(Figures):
    region_id: int = 0
    code: str = ""
    name: str = ""
    centres_total: int = 0
    centres_at_target: int = 0


@dataclass(frozen=True)
class FundingShare:
    year: int
    target: Fraction
    currency: str
    network: Figures
    regions: list[RegionFigures] = field(default_factory=list)
    centres: list[CentreFigures] = field(default_factory=list)
    centres_at_target: int = 0


@dataclass(frozen=True)
class TrendPoint:
    """One year of a trend: the figures of the centre, region or network asked for."""

    year: int
    figures: Figures
