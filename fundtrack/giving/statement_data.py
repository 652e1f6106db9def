"""What a yearly giving statement says, in SQL: a donor's gifts of a calendar year that no
live statement covers yet, the periodic-gift agreements among them, and the donors a
centre's batch still has to state.

The statement is built as a plain dict (`statement_data`) that the PDF template renders.
"""

from datetime import date
from decimal import Decimal

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from fundtrack.auth.access import scoped
from fundtrack.auth.models import User
from fundtrack.centres.models import Centre
from fundtrack.giving.models import AgreementKind, GiftAgreement, Instalment, RecurringGift
from fundtrack.giving.statement_models import GivingStatement, GivingStatementLine
from fundtrack.income.models import Donor, EarmarkedFund, IncomeLine, IncomeLineFund
from fundtrack.labels import ROLE_LABELS, label_of
from fundtrack.reports.render import network_language, report_language

TEMPLATE = "giving/statement.html"


def donor_language(session: Session, donor: Donor) -> str:
    """The language the donor reads: theirs when set, else the network's."""
    return report_language(donor.language) if donor.language else network_language(session)


def _periodic():
    """Income lines that pay a year of a Dutch periodic-gift agreement, with the agreement."""
    return (
        select(
            Instalment.income_line_id.label("line_id"),
            GiftAgreement.transaction_number.label("transaction_number"),
            RecurringGift.amount.label("agreed"),
        )
        .join(RecurringGift, RecurringGift.id == Instalment.recurring_gift_id)
        .join(GiftAgreement, GiftAgreement.recurring_gift_id == RecurringGift.id)
        .where(
            GiftAgreement.kind == AgreementKind.PERIODIC_GIFT,
            Instalment.income_line_id.is_not(None),
        )
        .subquery("periodic")
    )


def _unstated(donor_ids, year: int, currency: str):
    """The WHERE of a donor's gifts in a calendar year, in the statement's currency, that no
    live statement covers."""
    covered = exists().where(
        GivingStatementLine.income_line_id == IncomeLine.id, GivingStatementLine.live.is_(True)
    )
    return and_(
        donor_ids,
        IncomeLine.booking_date.between(date(year, 1, 1), date(year, 12, 31)),
        IncomeLine.currency == currency,
        ~covered,
    )


def unstated_gifts(session: Session, donor: Donor, year: int) -> list:
    """The donor's gifts of `year` not on a live statement, in date order: id, date, amount,
    fund, and the periodic-gift agreement's transaction number (None for other gifts)."""
    periodic = _periodic()
    # A gift split over funds names them all (fundtrack.income.splits).
    parts = (
        select(func.aggregate_strings(EarmarkedFund.name, ", "))
        .join(IncomeLineFund, IncomeLineFund.earmarked_fund_id == EarmarkedFund.id)
        .where(IncomeLineFund.income_line_id == IncomeLine.id)
        .scalar_subquery()
    )
    stmt = (
        select(
            IncomeLine.id,
            IncomeLine.booking_date,
            IncomeLine.amount,
            func.coalesce(EarmarkedFund.name, parts).label("fund"),
            periodic.c.transaction_number,
        )
        .outerjoin(EarmarkedFund, EarmarkedFund.id == IncomeLine.earmarked_fund_id)
        .outerjoin(periodic, periodic.c.line_id == IncomeLine.id)
        .where(_unstated(IncomeLine.donor_id == donor.id, year, donor.centre.currency))
        .order_by(IncomeLine.booking_date, IncomeLine.id)
    )
    return list(session.execute(stmt))


def periodic_years(session: Session, line_ids: list[int]) -> list:
    """Per periodic-gift agreement among `line_ids`: its transaction number, the amount
    agreed a year and what came in (summed in SQL)."""
    periodic = _periodic()
    stmt = (
        select(
            periodic.c.transaction_number,
            periodic.c.agreed,
            func.sum(IncomeLine.amount).label("received"),
        )
        .join(periodic, periodic.c.line_id == IncomeLine.id)
        .where(IncomeLine.id.in_(line_ids))
        .group_by(periodic.c.transaction_number, periodic.c.agreed)
        .order_by(periodic.c.transaction_number)
    )
    return list(session.execute(stmt))


def gift_totals(session: Session, line_ids: list[int]) -> tuple[Decimal, Decimal]:
    """The total of `line_ids` and the part of it paid under periodic-gift agreements."""
    periodic = _periodic()
    total, in_periodic = session.execute(
        select(
            func.coalesce(func.sum(IncomeLine.amount), 0),
            func.coalesce(func.sum(IncomeLine.amount).filter(periodic.c.line_id.is_not(None)), 0),
        )
        .outerjoin(periodic, periodic.c.line_id == IncomeLine.id)
        .where(IncomeLine.id.in_(line_ids))
    ).one()
    return Decimal(total), Decimal(in_periodic)


def donors_to_state(session: Session, centre, year: int) -> list[int]:
    """The centre's donors with gifts in `year` that no live statement covers and no live
    statement for that year yet (a donor who has one gets a reissue, not a second one)."""
    has_statement = exists().where(
        GivingStatement.donor_id == Donor.id,
        GivingStatement.year == year,
        GivingStatement.live.is_(True),
    )
    stmt = (
        select(Donor.id)
        .join(IncomeLine, IncomeLine.donor_id == Donor.id)
        .where(
            Donor.centre_id == centre.id,
            _unstated(IncomeLine.donor_id == Donor.id, year, centre.currency),
            ~has_statement,
        )
        .group_by(Donor.id, Donor.name)
        .order_by(Donor.name, Donor.id)
    )
    return list(session.scalars(stmt))


def live_statement(session: Session, donor_id: int, year: int) -> GivingStatement | None:
    return session.scalars(
        select(GivingStatement).where(
            GivingStatement.donor_id == donor_id,
            GivingStatement.year == year,
            GivingStatement.live.is_(True),
        )
    ).first()


def statement_data(
    session: Session,
    user: User,
    donor: Donor,
    year: int,
    gifts: list,
    replaces: GivingStatement | None = None,
) -> dict:
    """The values the statement shows, for `gifts` (rows of `unstated_gifts`)."""
    centre = donor.centre
    line_ids = [gift.id for gift in gifts]
    total, periodic_total = gift_totals(session, line_ids)
    ordinary = [gift for gift in gifts if gift.transaction_number is None]
    periodic = [
        {"transaction_number": row.transaction_number, "agreed": row.agreed,
         "received": row.received}
        for row in periodic_years(session, line_ids)
    ]  # fmt: skip
    return {
        "year": year,
        "currency": centre.currency,
        "donor": {
            "name": donor.name,
            "address": donor.address or "",
            "postcode": donor.postcode or "",
            "city": donor.city or "",
        },  # fmt: skip
        "centre": {"name": centre.name, "municipality": centre.municipality, "rsin": centre.rsin},
        "organisation": centre.name,
        "gifts": [
            {"date": gift.booking_date, "amount": gift.amount, "fund": gift.fund or ""}
            for gift in ordinary
        ],
        "gifts_total": total - periodic_total,
        "periodic": periodic,
        # The Dutch tax words (threshold, periodic gifts) for a centre the Belastingdienst
        # knows by its RSIN, or one with periodic-gift agreements.
        "dutch_tax": bool(centre.rsin) or bool(periodic),
        "periodic_total": periodic_total,
        "total": total,
        "signatory": {
            "name": user.name or user.email,
            "role": label_of(ROLE_LABELS, user.role),
        },  # fmt: skip
        "replaces_issued_at": replaces.issued_at if replaces is not None else None,
    }


def statement_rows(
    session: Session,
    user: User,
    *,
    centre_id: int | None = None,
    donor_id: int | None = None,
    year: int | None = None,
    limit: int = 500,
) -> list:
    """The statements the user may see, newest first, with their donor, issuer and the
    number of gifts each covers."""
    gifts = (
        select(GivingStatementLine.statement_id, func.count().label("gifts"))
        .group_by(GivingStatementLine.statement_id)
        .subquery("gifts")
    )
    stmt = (
        select(
            GivingStatement.id,
            Centre.code.label("centre_code"),
            Donor.id.label("donor_id"),
            Donor.name.label("donor_name"),
            GivingStatement.year,
            GivingStatement.language,
            GivingStatement.total,
            GivingStatement.periodic_total,
            GivingStatement.currency,
            GivingStatement.issued_at,
            func.coalesce(func.nullif(User.name, ""), User.email).label("issued_by"),
            GivingStatement.live,
            GivingStatement.voided_at,
            GivingStatement.void_reason,
            GivingStatement.replaces_id,
            func.coalesce(gifts.c.gifts, 0).label("gifts"),
        )  # fmt: skip
        .join(Centre, Centre.id == GivingStatement.centre_id)
        .join(Donor, Donor.id == GivingStatement.donor_id)
        .outerjoin(User, User.id == GivingStatement.issued_by_id)
        .outerjoin(gifts, gifts.c.statement_id == GivingStatement.id)
    )
    stmt = scoped(stmt, GivingStatement, user)
    for column, value in (
        (GivingStatement.centre_id, centre_id),
        (GivingStatement.donor_id, donor_id),
        (GivingStatement.year, year),
    ):
        if value is not None:
            stmt = stmt.where(column == value)
    order = (GivingStatement.issued_at.desc(), GivingStatement.id.desc())
    return list(session.execute(stmt.order_by(*order).limit(limit)))
