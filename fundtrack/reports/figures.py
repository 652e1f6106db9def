"""The share service's figures as the plain dicts report templates show.

Words (basis, categories) are looked up here in the language of the block the caller runs in
(`render.in_language`), so a template only formats money, percentages and dates.
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from fundtrack.centres.models import Network
from fundtrack.formatting import NumberFormat, network_format, warning_text
from fundtrack.labels import BASIS_LABELS, CATEGORY_LABELS, label_of
from fundtrack.share.figures import Figures

SHARE_PLACES = Decimal("0.000001")


def exact_share(value: Fraction) -> Decimal:
    """A fraction (the target) as a Decimal with six places, as the service keeps shares."""
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        SHARE_PLACES, rounding=ROUND_HALF_UP
    )


def number_format(network: Network) -> NumberFormat:
    """The network's money and percentage format, whatever language the report is in."""
    return NumberFormat(network.locale, network.currency)


def running_year(network: Network) -> int:
    return network.fiscal_year_of(date.today())


def figures_dict(f: Figures) -> dict:
    """The money and shares of one centre, region or network for one year."""
    return {
        "costs": f.costs,
        "costs_basis": f.costs_basis,
        "basis_label": label_of(BASIS_LABELS, f.costs_basis),
        "structural_income": f.structural_income,
        "incidental_income": f.incidental_income,
        "total_income": f.total_income,
        "share": f.share,
        "gap": f.gap,
        "secured_next_year": f.secured_next_year,
        "secured_share": f.secured_share,
        "meets_target": bool(getattr(f, "meets_target", False)),
        # A share too good or too sudden to be true is never shown as a bare "at target".
        "warnings": [warning_text(w, network_format()) for w in f.warnings],
    }


def category_rows(f: Figures) -> list[dict]:
    """Income per RJ 650 category with money in it, in RJ 650 order, with its part of the total."""
    total = f.total_income
    return [
        {
            "category": category,
            "label": label_of(CATEGORY_LABELS, category),
            "amount": amount,
            "share_of_income": (amount / total).quantize(SHARE_PLACES) if total else None,
        }
        for category, amount in f.income_by_category.items()
        if amount
    ]
