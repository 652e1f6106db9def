"""A hand-made grant whose report tests/test_reports_grant.py reads back, figure by figure.

Companion service at the Oslo district office (or Utrecht's walk-in centre in euros):
- requested 700,000, awarded 650,000 by "Stiftelsen Dam" (auditor's statement above 500,000)
- goals: 160 users targeted, 172 reached (107.5%); one qualitative goal with a result
- budget: staff 400,000 (coordinator), activities 250,000; spent 390,000.50 and 262,000.00
- income booked against the grant: tranches 325,000 (2025-01-15) and 260,000 (2025-09-01)
  from the funder; the municipality 50,000; two donations 600 + 400 = 1,000 ("Donations")
- the centre: actual costs 900,000 in 2025; structural income 540,000 (municipality agreement)
"""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from fundtrack.costs.models import CostCategory, CostKind
from fundtrack.grants import parts
from fundtrack.income.models import FunderType, IncomeCategory
from fundtrack.reports.models import ReportDraft
from tests import factories, grant_helpers

NARRATIVE = """The service started in **all eight** district offices.

- 172 patients were matched with a volunteer
- 64 volunteers were trained
"""


def build(session, norwegian: bool = False) -> SimpleNamespace:
    currency = "NOK" if norwegian else "EUR"
    network = factories.network(session)
    if norwegian:
        network.name, network.locale, network.currency = "Kreftforeningen", "nb_NO", "NOK"
    else:
        network.name = "Inloophuizen Nederland"
    centre = factories.centre(
        session, code="OSL", name="Oslo distriktskontor" if norwegian else "Inloophuis Utrecht",
        currency=currency,
    )  # fmt: skip
    funder = factories.funder(
        session, type=FunderType.FOUNDATION, name="Stiftelsen Dam",
        auditor_statement_threshold=Decimal("500000.00"),
    )  # fmt: skip
    municipality = factories.funder(session, type=FunderType.MUNICIPALITY, name="Oslo kommune")
    office = factories.user(session, role="national")
    grant = grant_helpers.awarded(
        session, centre, amount="650000.00", funder=funder,
        programme="Stimulation programme for voluntary health work",
        project_name="Companion service: nobody should face cancer alone",
        project_leader="Kari Nordmann",
        summary="A free companion service for *socially vulnerable* patients.",
    )  # fmt: skip
    parts.add_goal(session, office, grant, {"kind": "quantitative", "description": "Users",
                   "unit": "users", "target": Decimal(160), "achieved": Decimal(172)})  # fmt: skip
    parts.add_goal(session, office, grant, {"kind": "qualitative",
                   "description": "Reach socially vulnerable patients",
                   "result": "Half of the users live alone."})  # fmt: skip
    for category, description, amount in (
        ("staff", "Coordinator", "400000.00"),
        ("activities", "Training", "250000.00"),
    ):
        values = {"category": category, "description": description, "amount": Decimal(amount)}
        parts.add_budget_line(session, office, grant, values)
    [obligation] = grant.obligations  # the final report, owed since the award

    def income(amount, day, funder=None, category=IncomeCategory.OTHER_NONPROFITS, **kw):
        factories.income(session, centre, amount, booking_date=day, funder=funder,
                         category=category, **kw)  # fmt: skip

    income("325000.00", date(2025, 1, 15), funder, grant=grant, reference="Tranche 1")
    income("260000.00", date(2025, 9, 1), funder, grant=grant, reference="Tranche 2")
    income("50000.00", date(2025, 5, 1), municipality, IncomeCategory.GOVERNMENT, grant=grant)
    donor = factories.donor(session, centre, name="Ola Hansen")
    income("600.00", date(2025, 6, 1), None, IncomeCategory.INDIVIDUALS, grant=grant, donor=donor)
    income("400.00", date(2025, 7, 1), None, IncomeCategory.INDIVIDUALS, grant=grant)
    for amount, category in (("390000.50", CostCategory.STAFF),
                             ("262000.00", CostCategory.ACTIVITIES)):  # fmt: skip
        factories.cost(session, centre, amount, kind=CostKind.ACTUAL, category=category,
                       grant=grant, year=2025)  # fmt: skip
    factories.cost(session, centre, "247999.50", kind=CostKind.ACTUAL, year=2025)
    agreement = factories.agreement(session, centre, municipality, start_date=date(2024, 1, 1),
                                    annual_amount="540000.00")  # fmt: skip
    factories.income(session, centre, "540000.00", category=IncomeCategory.GOVERNMENT,
                     booking_date=date(2025, 2, 1), agreement=agreement,
                     funder=municipality)  # fmt: skip
    draft = ReportDraft(
        obligation_id=obligation.id, narrative=NARRATIVE, language="nb" if norwegian else "nl"
    )
    session.add(draft)
    session.flush()
    return SimpleNamespace(**locals())
