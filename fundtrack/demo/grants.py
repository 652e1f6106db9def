"""Demo grant applications: one in every state, with goals, budgets, tranches booked as income,
costs allocated and reports due and overdue; in Norway the companion-service application.

What a funder asks of their reports is filled in too: the costs moved onto a grant carry the
day they were spent, the awarded application counts volunteer hours in kind (at the network's
hour value) and measures its counted goal against a baseline, its interim report covers 2025,
and the closed application returned the money it did not use; the companion service's users
are measured per district office ("118 of 160").

Applications, goals, budgets, allocations, reports and moves go through the grant operations
as the national office; tranches are income lines of the demo's book, and costs are moved
out of a centre's actual cost lines onto the grant, so the centres' totals (and the designed
structural shares) stay as they were.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import ModuleType

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundtrack.auth.models import User
from fundtrack.centres import network as network_settings
from fundtrack.centres.models import Centre
from fundtrack.costs.models import CostCategory, CostKind, CostLine
from fundtrack.demo.ledger import IncomeBook
from fundtrack.grants import operations, parts
from fundtrack.grants.models import Grant
from fundtrack.income.models import Funder, FunderType

D = Decimal
WORDS = {
    "nl": {
        "goal_count": ("deelnemers aan lotgenotengroepen", "deelnemers"),
        "goal_aim": "Mensen met kanker die alleen wonen bereiken",
        "projects": [
            "Lotgenotengroepen voor jonge naasten", "Wandelprogramma Samen Sterk",
            "Stilteruimte en tuin", "Creatieve ateliers", "Inloop op zaterdag",
            "Vrijwilligersacademie", "Wmo-subsidie inloopfunctie 2027-2028",
            "Landelijke scholing vrijwilligers",
        ],
        "result": "Twaalf bezoekers vertelden dat zij zich minder alleen voelen.",
    },
    "no": {
        "goal_count": ("deltakere i likepersonsgrupper", "deltakere"),
        "goal_aim": "Nå kreftpasienter som bor alene",
        "projects": [
            "Likepersonsgrupper for unge pårørende", "Turgruppe Sammen Sterk",
            "Stillerom og sansehage", "Kreative verksteder", "Åpent hus på lørdager",
            "Frivilligakademiet", "Kommunalt driftstilskudd 2027-2028",
            "Nasjonal opplæring av frivillige",
        ],
        "result": "Tolv deltakere forteller at de føler seg mindre alene.",
    },
}  # fmt: skip


@dataclass
class Plan:
    """One demo application: who, to whom, when, how much, and where it ended up."""

    centre: str | None  # None: the national office
    funder: str
    start: date
    end: date
    requested: int
    moves: tuple  # (state, day, amount awarded or None)
    chance: int | None = None
    recurring: bool = False
    tranches: tuple = ()  # (day, amount)
    spent: tuple = ()  # (year, category, amount) moved onto the grant
    reports: tuple = ()  # (kind, due, sent)


def _plans(data: ModuleType, funders: dict[str, Funder]) -> list[Plan]:
    own = data.TREASURER_CENTRE
    others = [c.code for c in data.CENTRES if c.code != own]
    foundations = list(data.FOUNDATIONS)
    municipality = next(
        name for name, kind in data.FUNDERS if kind == FunderType.MUNICIPALITY
    )  # the first centre's municipality
    own_row = next(c for c in data.CENTRES if c.code == own)
    municipality = next(
        (n for n in funders if own_row.municipality in n and funders[n].type == "municipality"),
        municipality,
    )
    S = "submitted"
    return [
        # 0 awarded, half paid, costs booked on it, the interim report sent.
        Plan(own, foundations[0], date(2025, 1, 1), date(2026, 12, 31), 40000,
             ((S, date(2024, 10, 1), None), ("awarded", date(2024, 12, 2), 40000)),
             tranches=((date(2025, 2, 14), 24000), (date(2026, 2, 13), 16000)),
             spent=((2025, CostCategory.ACTIVITIES, 2500), (2025, CostCategory.VOLUNTEERS, 3500)),
             reports=(("interim", date(2026, 1, 31), date(2026, 1, 22)),)),
        # 1 partly awarded, reporting, its final report overdue.
        Plan(others[0], data.LOTTERY, date(2025, 3, 1), date(2025, 12, 31), 30000,
             ((S, date(2024, 11, 4), None), ("awarded", date(2025, 2, 3), 25000),
              ("reporting", date(2026, 1, 5), None)),
             tranches=((date(2025, 3, 20), 25000),),
             spent=((2025, CostCategory.ACTIVITIES, 6000),)),
        # 2 partly awarded this year, an interim report due soon.
        Plan(own, foundations[1], date(2026, 1, 1), date(2026, 12, 31), 20000,
             ((S, date(2025, 9, 15), None), ("awarded", date(2025, 11, 20), 15000)),
             tranches=((date(2026, 1, 15), 15000),),
             reports=(("interim", date(2027, 1, 15), None),)),
        # 3 closed: paid, spent, reported.
        Plan(others[1], foundations[2], date(2024, 1, 1), date(2024, 12, 31), 10000,
             ((S, date(2023, 10, 2), None), ("awarded", date(2023, 12, 1), 10000),
              ("reporting", date(2025, 1, 6), None)),
             tranches=((date(2024, 1, 25), 10000),),
             spent=((2024, CostCategory.ACTIVITIES, 8000),),
             reports=(("final", date(2025, 3, 31), date(2025, 3, 14)),)),
        # 4 rejected, 5 withdrawn.
        Plan(others[2], foundations[3], date(2025, 6, 1), date(2026, 5, 31), 18000,
             ((S, date(2025, 2, 1), None), ("rejected", date(2025, 4, 30), None))),
        Plan(others[3], foundations[0], date(2026, 4, 1), date(2027, 3, 31), 12000,
             ((S, date(2025, 12, 1), None), ("withdrawn", date(2026, 2, 2), None))),
        # 6 submitted: recurring municipal money from 2027, in next year's forecast.
        Plan(own, municipality, date(2027, 1, 1), date(2028, 12, 31), 12000,
             ((S, date(2026, 9, 30), None),), chance=60, recurring=True),
        # 7 a draft of the national office.
        Plan(None, foundations[-1], date(2027, 1, 1), date(2027, 12, 31), 60000, (), chance=30),
    ]  # fmt: skip


# What the demo networks count a volunteer hour as (in-kind co-funding in grant reports).
HOUR_VALUES = {"nl": D("17.50"), "no": D("450.00")}


def _move_cost(
    session: Session, centre: Centre, grant: Grant, year, category, amount, day=None
) -> None:
    """Move `amount` of the centre's largest actual cost line of that category onto the
    grant: a line of its own, the original made smaller, the year's total unchanged."""
    line = session.scalars(
        select(CostLine)
        .where(
            CostLine.centre_id == centre.id,
            CostLine.year == year,
            CostLine.kind == CostKind.ACTUAL,
            CostLine.category == category,
            CostLine.grant_id.is_(None),
        )
        .order_by(CostLine.amount.desc())
    ).first()
    amount = D(amount)
    if line is None or line.amount <= amount:
        return
    line.amount -= amount
    session.add(
        CostLine(
            centre=centre, year=year, kind=CostKind.ACTUAL, category=category, amount=amount,
            currency=centre.currency, grant_id=grant.id, description=grant.project_name[:200],
            spent_on=day,
        )
    )  # fmt: skip


def _build(session, user, book, plan, name, centres, funders, words) -> Grant:
    centre = centres[plan.centre] if plan.centre else None
    funder = funders[plan.funder]
    grant = operations.create_grant(
        session, user,
        {"funder": funder.id, "centre": plan.centre, "project_name": name,
         "programme": "", "project_leader": "", "summary": name,
         "start": plan.start, "end": plan.end, "amount_requested": D(plan.requested),
         "chance": plan.chance, "recurring": plan.recurring},
    )  # fmt: skip
    what, unit = words["goal_count"]
    parts.add_goal(session, user, grant, {"kind": "quantitative", "description": what,
                                          "unit": unit, "target": D(40)})  # fmt: skip
    parts.add_goal(session, user, grant, {"kind": "qualitative", "description": words["goal_aim"]})
    parts.add_budget_line(session, user, grant, {"category": "activities",
                                                 "amount": D(plan.requested) * 3 / 5})  # fmt: skip
    parts.add_budget_line(session, user, grant, {"category": "volunteers",
                                                 "amount": D(plan.requested) * 2 / 5})  # fmt: skip
    for state, day, amount in plan.moves:
        awarded = D(amount) if amount is not None else None
        operations.move_grant(session, user, grant, state, amount_awarded=awarded, on=day)
    for kind, due, sent in plan.reports:
        existing = next((o for o in grant.obligations if o.kind.value == kind), None)
        values = {"kind": kind, "due_date": due, "sent_on": sent}
        if existing is None:
            parts.add_obligation(session, user, grant, values)
        else:
            parts.update_obligation(session, user, existing, values)
    for day, amount in plan.tranches:
        line = book.add(centre, day, D(amount), f"{funder.name}: {name}", funder=funder)
        if line is not None:
            line.grant = grant
    for number, (year, category, amount) in enumerate(plan.spent):
        # Spread over the year: April, August, December...
        day = date(year, (3 + 4 * number) % 12 + 1, 15)
        _move_cost(session, centre, grant, year, category, amount, day)
    return grant


def build_grants(
    session: Session,
    data: ModuleType,
    book: IncomeBook,
    centres: dict[str, Centre],
    funders: dict[str, Funder],
    user: User,
) -> list[Grant]:
    """Add the demo's applications; flushed, not committed."""
    session.flush()
    words = WORDS[data.CODE]
    network_settings.update_network(session, user, {"volunteer_hour_rate": HOUR_VALUES[data.CODE]})
    grants = []
    for plan, name in zip(_plans(data, funders), words["projects"], strict=True):
        grants.append(_build(session, user, book, plan, name, centres, funders, words))
    # The first goal of the awarded application: measured from a baseline towards its target
    # by the project's end, with a result described; volunteers gave hours in kind.
    first = grants[0]
    counted = {"achieved": D(31), "as_of": date(2026, 6, 30), "baseline": D(6),
               "deadline": first.end_date}  # fmt: skip
    parts.update_goal(session, user, first.goals[0], counted)
    for day, value in ((date(2025, 6, 30), 14), (date(2025, 12, 31), 22), (date(2026, 6, 30), 31)):
        parts.add_measurement(
            session, user, first.goals[0], {"measured_on": day, "value": D(value)}
        )
    parts.update_goal(session, user, first.goals[1], {"result": words["result"]})
    for day, hours in ((date(2025, 5, 1), D("64")), (date(2025, 10, 1), D("82.5"))):
        parts.add_in_kind(session, user, first, {"centre": first.centre.code, "given_on": day,
                                                 "hours": hours})  # fmt: skip
    interim = next(o for o in first.obligations if o.kind.value == "interim")
    period = {"period_start": date(2025, 1, 1), "period_end": date(2025, 12, 31)}
    parts.update_obligation(session, user, interim, period)
    # The closed application spent 8,000 of 10,000 and returned the rest before closing;
    # closing needs every report sent, and the final report was.
    returned = {"unspent_decision": "returned", "unspent_amount": D(2000)}
    operations.update_grant(session, user, grants[3], returned)
    operations.move_grant(session, user, grants[3], "closed", on=date(2025, 4, 1))
    if data.CODE == "no":
        grants.append(companion_service(session, data, book, centres, funders, user))
    session.flush()
    return grants


def companion_service(session, data, book, centres, funders, user) -> Grant:
    """DOMAIN.md's application: NOK 700,000 asked from the stimulation programme for voluntary
    health work, the service at all 8 district offices, 160 users by the end of the year."""
    offices = [c.code for c in data.CENTRES if c.code.startswith("DK-")]
    funder = funders[data.HDIR]
    grant = operations.create_grant(
        session, user,
        {"funder": funder.id, "centre": None,
         "programme": "Stimuleringsprogram for frivillig helsearbeid",
         "project_name": "Følgetjeneste: ingen skal stå alene med kreft",
         "project_leader": "Ingrid Solberg",
         "summary": (
             "Hvorfor: pasienter med lite nettverk mistet livskvalitet under pandemien. Hva: en "
             "gratis følgetjeneste der en opplært frivillig møter en pasient inntil to timer i "
             "uken i inntil seks måneder, koblet gjennom en app. Hvem: sosialt sårbare "
             "pasienter som bor alene."
         ),
         "start": date(2026, 1, 1), "end": date(2026, 12, 31),
         "amount_requested": D(700000), "chance": 70},
    )  # fmt: skip
    goals = [
        {"kind": "quantitative", "description": "Følgetjenesten i drift ved distriktskontorene",
         "unit": "distriktskontorer", "target": D(8), "achieved": D(8), "as_of": date(2026, 9, 30),
         "baseline": D(0), "deadline": date(2026, 6, 30)},
        {"kind": "quantitative", "description": "Brukere ved utgangen av året", "unit": "brukere",
         "target": D(160), "baseline": D(0), "deadline": date(2026, 12, 31)},
        {"kind": "qualitative", "description": "Nå sosialt sårbare pasienter"},
        {"kind": "qualitative", "description": (
            "Redusere sosial ulikhet i kreftomsorgen ved å styrke pasientenes helsekompetanse "
            "og mestring")},
    ]  # fmt: skip
    for goal in goals:
        parts.add_goal(session, user, grant, goal)
    for category, amount in (("staff", 420000), ("volunteers", 180000), ("communication", 100000)):
        parts.add_budget_line(session, user, grant, {"category": category, "amount": D(amount)})
    operations.move_grant(session, user, grant, "submitted", on=date(2025, 9, 1))
    operations.move_grant(
        session, user, grant, "awarded", amount_awarded=D(700000), on=date(2025, 12, 10)
    )
    parts.add_obligation(session, user, grant, {
        "kind": "interim", "due_date": date(2026, 12, 20), "period_start": date(2026, 1, 1),
        "period_end": date(2026, 9, 30)})  # fmt: skip
    share = D(700000) / len(offices)
    for code in offices:
        parts.allocate(session, user, grant, code, share)
        line = book.add(centres[code], date(2026, 2, 2), share, grant.project_name, funder=funder)
        if line is not None:
            line.grant = grant
    _measure_companions(session, user, grant, offices)
    return grant


# Users per district office at the end of June and of September: 118 of 160 in all.
COMPANION_USERS = ((9, 15), (6, 12), (8, 17), (5, 13), (10, 19), (4, 11), (7, 14), (3, 17))


def _measure_companions(session, user, grant: Grant, offices: list[str]) -> None:
    """The companion service's users, measured at each district office; the volunteers'
    hours given in kind per office."""
    users = grant.goals[1]
    for code, (june, september) in zip(offices, COMPANION_USERS, strict=False):
        for day, value in ((date(2026, 6, 30), june), (date(2026, 9, 30), september)):
            values = {"centre": code, "measured_on": day, "value": D(value)}
            parts.add_measurement(session, user, users, values)
        hours = {"centre": code, "given_on": date(2026, 6, 1), "hours": D(september * 8)}
        parts.add_in_kind(session, user, grant, hours)
