"""A hand-worked grant shared by two offices, with what a funder asks of its report:
dated spending, unused money, in-kind hours and goals measured over time per office.

The national office's companion service (NOK; or EUR in a Dutch network), 2025:
- awarded 700,000.00: Oslo (OSL) 400,000.00, Bergen (BGO) 300,000.00; both received on 1 Feb
- co-funding money: the municipality 20,000.00 at Oslo on 1 Apr
- spending: OSL staff 250,000.00 on 31 Jan and 120,000.25 on 15 Jul, BGO volunteers
  180,000.00 on 10 Mar, BGO communication 49,999.75 with no date: 600,000.00 in all
  (January 250,000.00; March 180,000.00; July 120,000.25; no date 49,999.75)
- not used: 700,000.00 + 20,000.00 - 600,000.00 = 120,000.00; 100,000.00 to be returned
- in kind, at 400.00 an hour: OSL 300 h in March (120,000.00), BGO 150.5 h in September
  (60,200.00): 450.5 h worth 180,200.00, never in a money total
- users, baseline 12, target 160 by 31 Dec: OSL 40 on 30 Apr and 70 on 30 Sep, BGO 30 on
  30 Jun and 48 on 30 Sep; totals 40 (30 Apr), 70 (30 Jun), 118 (30 Sep): "118 of 160"
- an interim report for 1 Jan - 30 Jun: received 700,000.00, co-funding 20,000.00, spent
  430,000.00 (January and March; the undated line left out), 300 h in kind (120,000.00),
  users 70 (OSL 40 on 30 Apr, BGO 30 on 30 Jun)
"""

from datetime import date
from decimal import Decimal
from types import SimpleNamespace

from fundtrack.costs.models import CostCategory, CostKind
from fundtrack.grants import operations, parts
from fundtrack.income.models import FunderType, IncomeCategory
from tests import factories, grant_helpers

D = Decimal


def build(session, norwegian: bool = True) -> SimpleNamespace:
    currency = "NOK" if norwegian else "EUR"
    network = factories.network(session)
    network.name, network.currency = "Kreftforeningen", currency
    network.locale = "nb_NO" if norwegian else "nl_NL"
    network.volunteer_hour_rate = D("400.00")
    region = factories.region(session, code="VEST", name="Vest")
    oslo = factories.centre(session, code="OSL", name="Oslo", currency=currency, region=region)
    bergen = factories.centre(session, code="BGO", name="Bergen", currency=currency, region=region)
    funder = factories.funder(
        session, type=FunderType.NATIONAL_GOVERNMENT, name="Helsedirektoratet"
    )
    municipality = factories.funder(session, type=FunderType.MUNICIPALITY, name="Oslo kommune")
    office = factories.user(session, role="national")
    grant = grant_helpers.awarded(
        session, None, amount="700000.00", funder=funder, user=office,
        project_name="Følgetjeneste", amount_requested=D("700000.00"),
    )  # fmt: skip
    parts.allocate(session, office, grant, "OSL", D("400000.00"))
    parts.allocate(session, office, grant, "BGO", D("300000.00"))
    for category, amount in (("staff", "400000.00"), ("volunteers", "200000.00"),
                             ("communication", "100000.00")):  # fmt: skip
        parts.add_budget_line(session, office, grant, {"category": category, "amount": D(amount)})
    for centre, amount in ((oslo, "400000.00"), (bergen, "300000.00")):
        factories.income(session, centre, amount, booking_date=date(2025, 2, 1), funder=funder,
                         category=IncomeCategory.GOVERNMENT, grant=grant)  # fmt: skip
    factories.income(session, oslo, "20000.00", booking_date=date(2025, 4, 1), grant=grant,
                     funder=municipality, category=IncomeCategory.GOVERNMENT)  # fmt: skip
    for centre, category, amount, day in (
        (oslo, CostCategory.STAFF, "250000.00", date(2025, 1, 31)),
        (oslo, CostCategory.STAFF, "120000.25", date(2025, 7, 15)),
        (bergen, CostCategory.VOLUNTEERS, "180000.00", date(2025, 3, 10)),
        (bergen, CostCategory.COMMUNICATION, "49999.75", None),
    ):
        factories.cost(session, centre, amount, kind=CostKind.ACTUAL, category=category,
                       grant=grant, year=2025, spent_on=day)  # fmt: skip
    operations.update_grant(
        session, office, grant, {"unspent_decision": "to_return", "unspent_amount": D("100000.00")}
    )
    parts.add_in_kind(session, office, grant, {"centre": "OSL", "given_on": date(2025, 3, 1),
                      "hours": D("300"), "description": "Følgevenner"})  # fmt: skip
    parts.add_in_kind(session, office, grant, {"centre": "BGO", "given_on": date(2025, 9, 1),
                      "hours": D("150.50")})  # fmt: skip
    users = parts.add_goal(session, office, grant, {
        "kind": "quantitative", "description": "Brukere", "unit": "brukere", "target": D(160),
        "baseline": D(12), "deadline": date(2025, 12, 31)})  # fmt: skip
    measured = (("OSL", date(2025, 4, 30), 40), ("BGO", date(2025, 6, 30), 30),
                ("OSL", date(2025, 9, 30), 70), ("BGO", date(2025, 9, 30), 48))  # fmt: skip
    for code, day, value in measured:
        parts.add_measurement(session, office, users,
                              {"centre": code, "measured_on": day, "value": D(value)})  # fmt: skip
    interim = parts.add_obligation(session, office, grant, {
        "kind": "interim", "due_date": date(2025, 8, 15), "period_start": date(2025, 1, 1),
        "period_end": date(2025, 6, 30)})  # fmt: skip
    final = next(o for o in grant.obligations if o.kind.value == "final")
    session.flush()
    return SimpleNamespace(**locals())
