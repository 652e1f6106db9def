"""The row shapes the country tables are written in, shared by every country."""

from datetime import date
from decimal import Decimal
from typing import Literal, NamedTuple

# How an agreement pays: the instalment dates per year and the share of the annual amount
# each carries (see fundtrack.demo.agreements.SCHEDULES).
Schedule = Literal["monthly", "quarterly", "half-yearly", "yearly", "tranches"]


class CentreRow(NamedTuple):
    code: str
    name: str
    municipality: str
    region: str  # region code
    costs_2025: Decimal  # the 2025 actual costs; the other years follow the country's trend
    # What structural income / 2025 actual costs was designed to come to; a test holds the
    # data to it within half a percentage point.
    intended_share: Decimal


class AgreementRow(NamedTuple):
    centre: str  # centre code
    funder: str  # funder name
    title: str
    start: date
    end: date | None  # None: open-ended
    recurring: bool
    annual_amount: Decimal
    schedule: Schedule
    override: bool | None = None  # None follows the funder type's rule
    override_reason: str | None = None


class GiftRow(NamedTuple):
    """A one-off payment from a funder without an agreement (a bequest, a lottery grant)."""

    centre: str
    funder: str
    day: date
    amount: Decimal
    description: str
    earmark: str | None = None  # name of the earmarked fund it feeds, created when missing
    earmark_purpose: str = ""


def months(period: str) -> tuple[date, date | None]:
    """'2024-01..2026-12' -> (1 Jan 2024, 31 Dec 2026); '2019-01..' is open-ended."""
    first, _, last = period.partition("..")
    start = date.fromisoformat(f"{first}-01")
    if not last:
        return start, None
    year, month = (int(part) for part in last.split("-"))
    following = date(year + month // 12, month % 12 + 1, 1)
    return start, date.fromordinal(following.toordinal() - 1)


def agreement(centre, funder, title, period, recurring, amount, schedule, **override):
    """An AgreementRow written on one or two lines of a country table."""
    start, end = months(period)
    return AgreementRow(
        centre, funder, title, start, end, recurring, Decimal(amount), schedule, **override
    )
