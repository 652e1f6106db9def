"""A small network whose every funding-share figure is worked out by hand in tests/test_share.py.

Fiscal years are calendar years (the default); the target is 2/3.

North region
  A  actual costs 2025: 60,000 + 30,000 = 90,000 (its budget of 100,000 is ignored)
     municipality agreement A1, open-ended, recurring, 48,000 a year: 4 x 12,000 in 2025
     foundation agreement A2, 2025-01-01..2026-12-31 (foundations are incidental): 20,000
     donations without agreement: 3,000.50 + 1,999.50 = 5,000
     2024: actual costs 80,000; A1 paid 40,000
  B  no actual costs 2025, budget 20,000 + 10,000 = 30,000
     health insurer contract B1, 2024-07-01..2026-06-30 (two years), 24,000 a year: 24,000
     2024: actual costs 28,000; B1 paid 12,000
South region
  C  actual costs 2025: 50,000; no structural income:
     donations 10,000, sponsorship 5,000,
     province agreement C1 2025-03-01..2025-12-31, one-off (10 months): 8,000
     national cancer charity agreement C2, open-ended, recurring, 6,000 a year (affiliated
     non-profits are incidental unless overridden): 6,000
  D  no cost lines at all in 2025
     municipality agreement D1 from 2025-03-15, open-ended, recurring, 12,000 a year: 9,000
"""

from datetime import date
from types import SimpleNamespace

from fundtrack.costs.models import CostCategory, CostKind
from fundtrack.income.models import FunderType, IncomeCategory
from tests import factories

GOV = IncomeCategory.GOVERNMENT


def build(session) -> SimpleNamespace:
    factories.network(session)
    north = factories.region(session, code="NORTH", name="North")
    south = factories.region(session, code="SOUTH", name="South")
    a = factories.centre(session, code="A", name="Centre A", region=north)
    b = factories.centre(session, code="B", name="Centre B", region=north)
    c = factories.centre(session, code="C", name="Centre C", region=south)
    d = factories.centre(session, code="D", name="Centre D", region=south)

    municipality = factories.funder(session, type=FunderType.MUNICIPALITY, name="Town council")
    foundation = factories.funder(session, type=FunderType.FOUNDATION, name="Fund for care")
    insurer = factories.funder(session, type=FunderType.HEALTH_INSURER, name="Insurer")
    province = factories.funder(session, type=FunderType.PROVINCE, name="Province")
    charity = factories.funder(
        session, type=FunderType.AFFILIATED_NONPROFIT, name="National cancer charity"
    )

    agree = factories.agreement
    a1 = agree(session, a, municipality, title="A1", start_date=date(2023, 1, 1),
               annual_amount="48000.00")  # fmt: skip
    a2 = agree(session, a, foundation, title="A2", start_date=date(2025, 1, 1),
               end_date=date(2026, 12, 31), recurring=False, annual_amount="20000.00")  # fmt: skip
    b1 = agree(session, b, insurer, title="B1", start_date=date(2024, 7, 1),
               end_date=date(2026, 6, 30), recurring=False, annual_amount="24000.00")  # fmt: skip
    c1 = agree(session, c, province, title="C1", start_date=date(2025, 3, 1),
               end_date=date(2025, 12, 31), recurring=False, annual_amount="8000.00")  # fmt: skip
    c2 = agree(session, c, charity, title="C2", start_date=date(2025, 1, 1),
               annual_amount="6000.00")  # fmt: skip
    d1 = agree(session, d, municipality, title="D1", start_date=date(2025, 3, 15),
               annual_amount="12000.00")  # fmt: skip

    def income(centre, amount, category, day=date(2025, 3, 1), agreement=None, funder=None):
        factories.income(session, centre, amount, category=category, booking_date=day,
                         agreement=agreement, funder=funder)  # fmt: skip

    for month in (1, 4, 7, 10):
        income(a, "12000.00", GOV, date(2025, month, 1), a1, municipality)
    income(a, "20000.00", IncomeCategory.OTHER_NONPROFITS, agreement=a2, funder=foundation)
    income(a, "3000.50", IncomeCategory.INDIVIDUALS)
    income(a, "1999.50", IncomeCategory.INDIVIDUALS, date(2025, 6, 30))
    income(a, "40000.00", GOV, date(2024, 5, 1), a1, municipality)
    income(b, "24000.00", IncomeCategory.INSURERS_AND_CARE, agreement=b1, funder=insurer)
    income(b, "12000.00", IncomeCategory.INSURERS_AND_CARE, date(2024, 12, 1), b1, insurer)
    income(c, "10000.00", IncomeCategory.INDIVIDUALS)
    income(c, "5000.00", IncomeCategory.COMPANIES)
    income(c, "8000.00", GOV, agreement=c1, funder=province)
    income(c, "6000.00", IncomeCategory.AFFILIATED_NONPROFITS, agreement=c2, funder=charity)
    income(d, "9000.00", GOV, date(2025, 12, 1), d1, municipality)

    def cost(centre, amount, kind, category=CostCategory.STAFF, year=2025):
        factories.cost(session, centre, amount, kind=kind, category=category, year=year)

    cost(a, "60000.00", CostKind.ACTUAL)
    cost(a, "30000.00", CostKind.ACTUAL, CostCategory.HOUSING)
    cost(a, "100000.00", CostKind.BUDGET)
    cost(a, "80000.00", CostKind.ACTUAL, year=2024)
    cost(b, "20000.00", CostKind.BUDGET)
    cost(b, "10000.00", CostKind.BUDGET, CostCategory.ACTIVITIES)
    cost(b, "28000.00", CostKind.ACTUAL, year=2024)
    cost(c, "50000.00", CostKind.ACTUAL)

    national = factories.user(session, role="national")
    return SimpleNamespace(**locals())
