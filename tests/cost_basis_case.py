"""The case the cost basis was found with, for the tests that need it."""

from datetime import date

from fundtrack.costs.models import CostKind
from fundtrack.income.models import FunderType, IncomeCategory
from tests import factories


def running_year_with_one_actual_line(session):
    """Centre HLM's running year: a 106,100 budget, 52,250 of structural income booked so
    far, and one actual cost line of 2,000. Returns (centre, running year)."""
    network = factories.network(session)
    running = network.fiscal_year_of(date.today())
    centre = factories.centre(session, code="HLM", name="Haarlem")
    town = factories.funder(session, type=FunderType.MUNICIPALITY)
    subsidy = factories.agreement(session, centre, town, start_date=date(running - 2, 1, 1))
    factories.income(
        session,
        centre,
        "52250.00",
        agreement=subsidy,
        funder=town,
        category=IncomeCategory.GOVERNMENT,
        booking_date=date(running, 1, 2),
    )
    factories.cost(session, centre, "106100.00", kind=CostKind.BUDGET, year=running)
    factories.cost(session, centre, "2000.00", kind=CostKind.ACTUAL, year=running)
    return centre, running
