"""Figures too good (or too sudden) to be true, and what most likely caused them.

A structural share above 100 % means structural income exceeds all costs: almost always
costs that are not all in, or a line booked in the wrong year, not a centre that has made
it. A share that moves more than 25 points from the previous year says the same. Screens,
exports, the API and the PDFs show these warnings instead of a bare "meets the target";
this is the one place they are decided.
"""

from decimal import Decimal

from fundtrack.share.figures import Figures, FigureWarning

# A share above this is more than all the costs.
FULL = Decimal(1)
# More than 25 points from the previous year.
JUMP = Decimal("0.25")


def _costs_look_incomplete(figures: Figures, previous: Figures | None) -> bool:
    # The basis used is below what the other basis says, or below last year's costs by
    # more than the jump: the costs are the part that is missing.
    other = max(figures.budget_costs, figures.actual_costs)
    if figures.costs < other:
        return True
    return previous is not None and figures.costs < previous.costs * (1 - JUMP)


def _costs_moved(figures: Figures, previous: Figures) -> bool:
    # Costs moved by more than a quarter: the jump is theirs, not the income's.
    if not previous.costs:
        return True
    return abs(figures.costs - previous.costs) > previous.costs * JUMP


def figure_warnings(
    figures: Figures, previous: Figures | None, running: bool = False
) -> tuple[FigureWarning, ...]:
    """The warnings for `figures`, given the same centre's (region's, network's) figures of
    the year before, if any. In the running year only an upward jump counts: income booked
    so far against a whole year's costs always falls short of last year."""
    found = []
    share = figures.share
    if share is None:
        return ()
    if share > FULL:
        cause = (
            "costs_incomplete"
            if _costs_look_incomplete(figures, previous)
            else "line_in_wrong_year"
        )
        found.append(FigureWarning("share_above_costs", cause))
    before = previous.share if previous is not None else None
    if before is not None and abs(share - before) > JUMP and not (running and share < before):
        cause = "costs_incomplete" if _costs_moved(figures, previous) else "line_in_wrong_year"
        found.append(FigureWarning("share_jump", cause, before))
    return tuple(found)
