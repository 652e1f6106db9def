"""Fill an empty database with a believable network: plain functions taking a session.

`build_demo` checks, adds and flushes; the caller commits (or rolls back) the whole lot.
"""

import secrets
from dataclasses import dataclass, field
from datetime import date
from types import ModuleType

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundtrack.auth.models import Role, User
from fundtrack.auth.operations import create_account_at_console
from fundtrack.centres.models import Centre, Network, Region
from fundtrack.config import is_production
from fundtrack.costs.basis import declare_year
from fundtrack.costs.models import CostKind
from fundtrack.demo import incidental, netherlands, norway
from fundtrack.demo.agreements import book_agreement
from fundtrack.demo.costs import book_costs, cost_totals
from fundtrack.demo.giving import build_giving
from fundtrack.demo.grants import build_grants
from fundtrack.demo.ledger import IncomeBook
from fundtrack.errors import ValidationError
from fundtrack.income.models import EarmarkedFund, Funder, FunderType, FundingAgreement
from fundtrack.yearend.mappings import DEFAULT_CLEARING
from fundtrack.yearend.operations import set_settings

COUNTRIES: dict[str, ModuleType] = {"nl": netherlands, "no": norway}
YEARS = (2024, 2025, 2026)
# The demo's today: 2026 is running, so its income stops here and most costs are budgets.
DEMO_TODAY = date(2026, 11, 24)
DEMO_EMAIL = "{role}@fundtrack.example"


class DemoRefused(ValueError):
    """The database is not empty, so the demo would mix with real data."""


@dataclass
class Login:
    role: str
    email: str
    password: str
    centre: str | None = None


@dataclass
class DemoResult:
    network: str
    currency: str
    centres: int
    agreements: int
    income_lines: int
    cost_lines: int
    grants: int = 0
    logins: list[Login] = field(default_factory=list)


def existing_network(session: Session) -> str | None:
    """What the database already holds, in words, or None when it is empty."""
    network = session.get(Network, 1)
    centres = session.scalar(select(func.count()).select_from(Centre))
    funders = session.scalar(select(func.count()).select_from(Funder))
    if network is None and not centres and not funders:
        return None
    name = f'"{network.name}"' if network is not None else "no network row"
    return f"{name}, {centres} centres, {funders} funders"


def build_demo(session: Session, country: str = "nl", today: date = DEMO_TODAY) -> DemoResult:
    """Add a whole demo network (regions, centres, funders, agreements, donors, earmarked
    funds, income and cost lines for 2024-2026, one user per role, grant applications in
    every state) to an empty database.

    Raises DemoRefused, without writing anything, when the database holds a network.
    """
    if country not in COUNTRIES:
        raise ValidationError(
            "country", _l("choose one of %(countries)s", countries=", ".join(COUNTRIES)),
            code="unknown_country",
        )  # fmt: skip
    found = existing_network(session)
    if found is not None:
        raise DemoRefused(
            _l("the database already holds a network (%(name)s); the demo only fills an empty"
               " database", name=found)
        )  # fmt: skip
    data = COUNTRIES[country]
    network = Network(
        id=1, **data.NETWORK, target_numerator=2, target_denominator=3, fiscal_year_start_month=1
    )
    session.add(network)
    session.flush()

    regions = {code: Region(code=code, name=name) for code, name in data.REGIONS}
    centres = {
        row.code: Centre(
            code=row.code,
            name=row.name,
            municipality=row.municipality,
            region=regions[row.region],
            currency=network.currency,
        )
        for row in data.CENTRES
    }
    funders = {name: Funder(name=name, type=kind) for name, kind in data.FUNDERS}
    session.add_all([*regions.values(), *centres.values(), *funders.values()])

    book = IncomeBook(session, network, today)
    for row in data.AGREEMENTS:
        book_agreement(book, row, centres[row.centre], funders[row.funder], YEARS)
    for gift in data.GIFTS:
        fund = None
        if gift.earmark:
            fund = EarmarkedFund(
                centre=centres[gift.centre], name=gift.earmark, purpose=gift.earmark_purpose
            )
            session.add(fund)
        book.add(
            centres[gift.centre],
            gift.day,
            gift.amount,
            gift.description,
            funder=funders[gift.funder],
            fund=fund,
            imported=False,
        )

    foundations = {n: f for n, f in funders.items() if f.type == FunderType.FOUNDATION}
    taken = set(funders)
    costs = {}
    for row in data.CENTRES:
        centre = centres[row.code]
        donors = incidental.make_donors(session, data, centre)
        local = incidental.make_local_funders(session, data, centre, taken)
        for year in YEARS:
            costs[row.code, year] = totals = cost_totals(data, row, year)
            basis = totals.get(CostKind.ACTUAL, totals[CostKind.BUDGET])
            incidental.book_incidental(book, data, centre, year, basis, donors, local, foundations)
    # Cost lines charge earmarked funds by id, so the funds must be in the database first.
    session.flush()
    cost_lines = sum(
        book_costs(session, centres[code], year, totals, book.into_fund[code, year], data.WORDS)
        for (code, year), totals in costs.items()
    )
    # The years that have ended were declared complete by their treasurers; the running
    # year's actuals booked so far stand beside its budget until declared.
    session.flush()
    for year in YEARS:
        if year < network.fiscal_year_of(today):
            declare_year(session, year)
    logins = _users(session, data)
    session.flush()
    national = session.scalars(select(User).where(User.role == Role.NATIONAL)).one()
    grants = build_grants(session, data, book, centres, funders, national)
    treasurer = session.scalars(select(User).where(User.role == Role.TREASURER)).one()
    build_giving(session, treasurer, today)
    if data.NATIONAL_OFFICE is not None:
        # The society's central office pays the offices a yearly contribution: eliminated
        # when the offices are consolidated (fundtrack.yearend.eliminations).
        office = funders[data.NATIONAL_OFFICE].id
        set_settings(session, national, DEFAULT_CLEARING, office)
    return DemoResult(
        network=network.name,
        currency=network.currency,
        centres=len(centres),
        agreements=session.scalar(select(func.count()).select_from(FundingAgreement)),
        income_lines=book.lines,
        cost_lines=cost_lines,
        grants=len(grants),
        logins=logins,
    )


def demo_password(role: Role) -> str:
    """Known passwords make the demo easy to try; in production they are random."""
    if is_production():
        return secrets.token_urlsafe(12)
    return f"demo-{role.value}-2026"


def _users(session: Session, data: ModuleType) -> list[Login]:
    logins = []
    for role in Role:
        centre = data.TREASURER_CENTRE if role == Role.TREASURER else None
        login = Login(role.value, DEMO_EMAIL.format(role=role.value), demo_password(role), centre)
        create_account_at_console(session, {
            "email": login.email, "role": role, "password": login.password, "centre": centre,
            "name": data.USER_NAMES[role.value],
        })  # fmt: skip
        logins.append(login)
    return logins


def demo_logins(session: Session) -> list[Login]:
    """The demo accounts that still sign in with their demo password."""
    logins = []
    for role in Role:
        email = DEMO_EMAIL.format(role=role.value)
        user = session.scalars(select(User).where(User.email == email)).first()
        if user is not None and user.active and user.check_password(demo_password(role)):
            centre = user.centre.code if user.centre else None
            logins.append(Login(role.value, email, demo_password(role), centre))
    return logins
