"""Funding agreements and the instalments they pay, year by year."""

from datetime import date
from decimal import Decimal

from fundtrack.centres.models import Centre
from fundtrack.demo.ledger import IncomeBook
from fundtrack.demo.tables import AgreementRow
from fundtrack.income.models import EarmarkedFund, Funder, FundingAgreement
from fundtrack.money import CENT

# Months one instalment covers; "tranches" pays a one-off grant 60 % at the start, 40 % at the end.
SCHEDULE_MONTHS = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}
FIRST_TRANCHE = Decimal("0.6")


def _covers(row: AgreementRow, year: int, month: int) -> bool:
    first = date(year, month, 1)
    starts = date(row.start.year, row.start.month, 1)
    return starts <= first and (row.end is None or row.end >= first)


def instalments(row: AgreementRow, year: int) -> list[tuple[date, Decimal, int, int]]:
    """The payments an agreement makes in a calendar year: (day, amount, number, of).

    Each instalment is paid in advance on the 15th of the first month it covers and
    carries the annual amount times the months it covers / 12, so a year's instalments
    add up to the annual amount, or to its share when the agreement starts or ends that
    year. A one-off grant ("tranches") pays its whole amount in the year it starts.
    """
    if row.schedule == "tranches":
        if year != row.start.year:
            return []
        if row.end is None or row.end.year != year:
            raise ValueError(f"{row.title}: a one-off grant starts and ends in one year")
        if row.end.month == row.start.month:
            return [(date(year, row.start.month, 15), row.annual_amount, 1, 1)]
        first = (row.annual_amount * FIRST_TRANCHE).quantize(CENT)
        return [
            (date(year, row.start.month, 15), first, 1, 2),
            (date(year, row.end.month, 15), row.annual_amount - first, 2, 2),
        ]
    months = SCHEDULE_MONTHS[row.schedule]
    payments = []
    for number, first_month in enumerate(range(1, 13, months), start=1):
        covered = [m for m in range(first_month, first_month + months) if _covers(row, year, m)]
        if not covered:
            continue
        amount = row.annual_amount * len(covered) / 12
        if amount != amount.quantize(CENT):
            raise ValueError(f"{row.title}: {row.annual_amount} does not split into cents")
        payments.append((date(year, covered[0], 15), amount.quantize(CENT), number, 12 // months))
    return payments


def book_agreement(
    book: IncomeBook,
    row: AgreementRow,
    centre: Centre,
    funder: Funder,
    years: tuple[int, ...],
    fund: EarmarkedFund | None = None,
) -> FundingAgreement:
    """Create the agreement and book its instalments in `years` (up to the book's today)."""
    agreement = FundingAgreement(
        centre=centre,
        funder=funder,
        title=row.title,
        start_date=row.start,
        end_date=row.end,
        recurring=row.recurring,
        annual_amount=row.annual_amount,
        currency=centre.currency,
        structural_override=row.override,
        override_reason=row.override_reason,
    )
    book.session.add(agreement)
    for year in years:
        for day, amount, number, of in instalments(row, year):
            book.add(
                centre,
                day,
                amount,
                f"{row.title}: {year} {number}/{of}",
                funder=funder,
                agreement=agreement,
                fund=fund,
            )
    return agreement
