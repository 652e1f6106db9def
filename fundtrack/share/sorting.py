"""The dashboard's sort orders: a column name, '-' in front for the largest first."""

from collections.abc import Sequence

from fundtrack.share.figures import CentreFigures

SORT_COLUMNS = {
    "code": lambda c: c.code,
    "name": lambda c: c.name.lower(),
    "region": lambda c: (c.region_code, c.code),
    "costs": lambda c: c.costs,
    "structural": lambda c: c.structural_income,
    "share": lambda c: c.share,
    "gap": lambda c: c.gap,
    "basis": lambda c: c.costs_basis,
    "secured": lambda c: c.secured_next_year,
}


def sort_centres(centres: Sequence[CentreFigures], sort: str) -> list[CentreFigures]:
    """The centres in the order `sort` names ('share', '-gap'); ties keep code order.

    A centre without a share (no costs) goes last either way: it has nothing to compare.
    """
    descending = sort.startswith("-")
    key = SORT_COLUMNS.get(sort.lstrip("-"), SORT_COLUMNS["code"])
    by_code = sorted(centres, key=lambda c: c.code)
    present = [c for c in by_code if key(c) is not None]
    missing = [c for c in by_code if key(c) is None]
    return sorted(present, key=key, reverse=descending) + missing
