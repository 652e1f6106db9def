"""When a recurring gift's instalments fall due: its start day, every month, quarter or year.

A gift started on the 31st falls due on the last day of shorter months (28 February, 30
April) and on the 31st again where the month has one, as a bank's standing order does.
"""

import calendar
from collections.abc import Iterator
from datetime import date

# Open-ended gifts get their instalments this far ahead; `extend_instalments` (run daily by
# `flask giving extend`) keeps the horizon moving. A gift with an end has them all.
HORIZON_MONTHS = 24


def add_months(day: date, months: int) -> date:
    """`day` moved `months` ahead, clamped to the last day of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def due_dates(start: date, step_months: int, until: date) -> Iterator[date]:
    """Every due date from `start` up to and including `until`."""
    k = 0
    while (due := add_months(start, k * step_months)) <= until:
        yield due
        k += 1


def horizon(start: date, end: date | None, today: date) -> date:
    """The last day instalments are generated for: the gift's end (a signed agreement's
    every year is expected from the start), or two years ahead for an open-ended gift."""
    return end if end is not None else add_months(max(start, today), HORIZON_MONTHS)
