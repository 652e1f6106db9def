"""Small factories that build valid rows with sensible defaults and return them flushed."""

from datetime import date
from decimal import Decimal
from itertools import count

from sqlalchemy import select

from fundtrack.auth.models import Role, User
from fundtrack.centres.models import Centre, Network, Region
from fundtrack.costs.models import ActualsDeclaration, CostCategory, CostKind, CostLine
from fundtrack.income.models import (
    Donor,
    DonorKind,
    EarmarkedFund,
    Funder,
    FunderType,
    FundingAgreement,
    IncomeCategory,
    IncomeLine,
)

_seq = count(1)


def network(session, **kwargs) -> Network:
    existing = session.get(Network, 1)
    if existing:
        return existing
    values = {"name": "Test network", "currency": "EUR", "locale": "nl_NL"} | kwargs
    row = Network(id=1, **values)
    session.add(row)
    session.flush()
    return row


def region(session, **kwargs) -> Region:
    n = next(_seq)
    row = Region(**({"code": f"R{n}", "name": f"Region {n}"} | kwargs))
    session.add(row)
    session.flush()
    return row


def centre(session, **kwargs) -> Centre:
    n = next(_seq)
    if "region" not in kwargs and "region_id" not in kwargs:
        kwargs["region"] = region(session)
    values = {
        "code": f"C{n:03}",
        "name": f"Centre {n}",
        "municipality": f"Town {n}",
        "currency": "EUR",
    } | kwargs
    row = Centre(**values)
    session.add(row)
    session.flush()
    return row


def user(session, role="treasurer", centre=None, password="correct horse battery", **kwargs):
    n = next(_seq)
    row = User(email=kwargs.pop("email", f"user{n}@example.org"), role=Role(role), **kwargs)
    row.centre = centre
    row.set_password(password)
    session.add(row)
    session.flush()
    return row


def funder(session, type=FunderType.MUNICIPALITY, **kwargs) -> Funder:
    n = next(_seq)
    row = Funder(**({"name": f"Funder {n}", "type": type} | kwargs))
    session.add(row)
    session.flush()
    return row


def agreement(session, centre, funder, **kwargs) -> FundingAgreement:
    values = {
        "start_date": date(2024, 1, 1),
        "end_date": None,
        "recurring": True,
        "annual_amount": Decimal("10000.00"),
        "currency": centre.currency,
    } | kwargs
    row = FundingAgreement(centre=centre, funder=funder, **values)
    session.add(row)
    session.flush()
    return row


def donor(session, centre, **kwargs) -> Donor:
    n = next(_seq)
    row = Donor(centre=centre, **({"kind": DonorKind.PERSON, "name": f"Donor {n}"} | kwargs))
    session.add(row)
    session.flush()
    return row


def fund(session, centre, **kwargs) -> EarmarkedFund:
    n = next(_seq)
    row = EarmarkedFund(centre=centre, **({"name": f"Fund {n}"} | kwargs))
    session.add(row)
    session.flush()
    return row


def income(session, centre, amount="100.00", **kwargs) -> IncomeLine:
    values = {
        "booking_date": date(2025, 3, 1),
        "amount": Decimal(amount),
        "currency": centre.currency,
        "category": IncomeCategory.INDIVIDUALS,
    } | kwargs
    row = IncomeLine(centre=centre, **values)
    session.add(row)
    session.flush()
    return row


def cost(session, centre, amount="1000.00", declared: bool | None = None, **kwargs) -> CostLine:
    """A cost line. Actual lines of a year that has ended are declared complete, as the
    migration and a treasurer at year end leave them, unless `declared` says otherwise;
    `declared=True` declares a running year's too."""
    values = {
        "year": 2025,
        "kind": CostKind.ACTUAL,
        "category": CostCategory.STAFF,
        "amount": Decimal(amount),
        "currency": centre.currency,
    } | kwargs
    row = CostLine(centre=centre, **values)
    session.add(row)
    session.flush()
    if declared is None:
        network = session.get(Network, 1)
        running = network.fiscal_year_of(date.today()) if network else date.today().year
        declared = row.kind == CostKind.ACTUAL and row.year < running
    if declared and not session.scalar(
        select(ActualsDeclaration.id).filter_by(centre_id=centre.id, year=row.year)
    ):
        session.add(ActualsDeclaration(centre_id=centre.id, year=row.year))
        session.flush()
    return row


def first(session, model, **where):
    return session.scalars(select(model).filter_by(**where)).first()


def enrol_mfa(session, user) -> str:
    """Turn on the second sign-in step for `user`; returns the TOTP secret."""
    import pyotp

    from fundtrack.auth.sessions import now

    user.mfa_secret = pyotp.random_base32()
    user.mfa_enabled_at = now()
    session.flush()
    return user.mfa_secret


def signed_in(client, session, user, fresh: bool = True):
    """Sign the test client in as `user` with a real server-side session; `fresh` as just
    after typing the password (and the code, when the second step is on)."""
    import time

    from fundtrack.auth import fresh as freshness
    from fundtrack.auth.sessions import SID_KEY, new_session

    # Outside a request: a test request context would share the test's app context (and its
    # `g`, where Flask-Login keeps the user it loaded) with the requests that follow.
    _row, sid, _token = new_session(user)
    session.commit()
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = str(user.id)
        flask_session["_fresh"] = True
        flask_session[SID_KEY] = sid
        if fresh:
            flask_session[freshness.KEY] = {"at": int(time.time()), "mfa": user.mfa_enabled}
    return user
