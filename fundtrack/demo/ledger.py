"""The demo's income book: builds income lines in the centre's currency, up to 'today'."""

from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy.orm import Session

from fundtrack.centres.models import Centre, Network
from fundtrack.income.models import (
    Donor,
    EarmarkedFund,
    Funder,
    FundingAgreement,
    IncomeCategory,
    IncomeLine,
    IncomeSource,
)
from fundtrack.income.operations import CATEGORY_OF_FUNDER_TYPE
from fundtrack.money import CENT


def round_to(amount: Decimal, step: int) -> Decimal:
    """Round to a multiple of `step` whole units (step 1: whole euros or kroner)."""
    units = (Decimal(amount) / step).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return (units * step).quantize(CENT)


class IncomeBook:
    """Collects a centre's income lines; lines dated after `today` are not booked yet.

    Keeps the totals per centre and year that the incidental income and the
    earmarked spending are planned from.
    """

    def __init__(self, session: Session, network: Network, today: date):
        self.session = session
        self.network = network
        self.today = today
        self.lines = 0
        # The whole year's payments, also those after today: what the rest is planned from.
        self.planned: dict[tuple[str, int], Decimal] = defaultdict(Decimal)
        self.into_fund: dict[tuple[str, int], list[tuple[EarmarkedFund, Decimal]]] = defaultdict(
            list
        )
        self._sequence: dict[str, int] = defaultdict(int)

    def add(
        self,
        centre: Centre,
        day: date,
        amount: Decimal,
        description: str,
        *,
        category: IncomeCategory | None = None,
        funder: Funder | None = None,
        donor: Donor | None = None,
        agreement: FundingAgreement | None = None,
        fund: EarmarkedFund | None = None,
        imported: bool = True,
    ) -> IncomeLine | None:
        """Book one payment; returns None when it falls after today (it is only planned)."""
        amount = Decimal(amount)
        if amount != amount.quantize(CENT) or amount <= 0:
            raise ValueError(f"{centre.code} {day}: {amount} is not a payable amount")
        amount = amount.quantize(CENT)
        year = self.network.fiscal_year_of(day)
        self.planned[centre.code, year] += amount
        if day > self.today:
            return None
        if category is None:
            category = CATEGORY_OF_FUNDER_TYPE[funder.type]
        self._sequence[centre.code] += 1
        number = self._sequence[centre.code]
        line = IncomeLine(
            centre=centre,
            booking_date=day,
            fiscal_year=year,
            amount=amount,
            currency=centre.currency,
            category=category,
            funder=funder,
            donor=donor,
            agreement=agreement,
            earmarked_fund=fund,
            reference=f"{centre.code}-{year}-{number:04}",
            description=description,
            # Bank-statement lines carry the bank's transaction id, so a second import of the
            # same statement is refused; the rest were typed in by the treasurer.
            source=IncomeSource.IMPORT if imported else IncomeSource.MANUAL,
            external_id=f"BANK-{centre.code}-{day:%Y%m%d}-{number:05}" if imported else None,
        )
        self.session.add(line)
        self.lines += 1
        if fund is not None:
            self.into_fund[centre.code, year].append((fund, amount))
        return line
