"""Issuing yearly giving statements: one donor's, a correction (reissue), or a void.

A statement covers the donor's gifts of a calendar year that no live statement covers yet;
the database refuses a second live statement covering the same gift
(fundtrack.giving.statement_models), so two issuers racing end with one statement and a
Conflict. Each statement keeps its PDF and its SHA-256. A correction voids the earlier
statement (its lines are released, its rows kept) and issues a new one naming it.
"""

import hashlib
from datetime import UTC, date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from fundtrack.auth.access import require_manage
from fundtrack.auth.models import User
from fundtrack.errors import Conflict, ValidationError
from fundtrack.formatting import network_today
from fundtrack.giving.statement_data import (
    TEMPLATE,
    donor_language,
    live_statement,
    statement_data,
    unstated_gifts,
)
from fundtrack.giving.statement_models import GivingStatement, GivingStatementLine
from fundtrack.income.models import Donor, IncomeLine
from fundtrack.operations import check_year
from fundtrack.reports.render import in_language, render_pdf

MAX_REASON = 500


def refuse_stated(session: Session, lines) -> None:
    """Refuse to remove the income lines `lines` (a condition on IncomeLine) selects when a
    giving statement names any of them, void or not: what a donor was told stays traceable."""
    statements = session.scalar(
        select(func.count(func.distinct(GivingStatementLine.statement_id)))
        .join(IncomeLine, IncomeLine.id == GivingStatementLine.income_line_id)
        .where(lines)
    )
    if statements:
        raise Conflict(
            "id",
            _l("%(count)s giving statements name these gifts; a gift on a statement stays",
               count=statements),
            code="on_statement",
        )  # fmt: skip


def ended_year(year, today: date | None = None) -> int:
    """`year` if it is a calendar year that has ended (statements are issued after it)."""
    check_year(year, "year")
    today = today or network_today()
    if year >= today.year:
        raise ValidationError(
            "year",
            _l("a statement is issued once %(year)s has ended", year=year),
            code="year_not_ended",
        )
    return year


def issue_statement(
    session: Session,
    user: User,
    donor: Donor,
    year: int,
    *,
    replaces: GivingStatement | None = None,
    today: date | None = None,
    cache: dict | None = None,
) -> GivingStatement:
    """Issue the donor's statement of `year`: its gifts not yet on a live statement, as a
    PDF in the donor's language, kept with its hash and the lines it covers."""
    require_manage(user, donor.centre_id)
    year = ended_year(year, today)
    existing = live_statement(session, donor.id, year)
    if existing is not None:
        raise Conflict(
            "year",
            _l("%(donor)s has a statement for %(year)s already; correct it with a reissue",
               donor=donor.name, year=year),
            existing.id, code="statement_exists",
        )  # fmt: skip
    gifts = unstated_gifts(session, donor, year)
    if not gifts:
        raise ValidationError(
            "year",
            _l("%(donor)s has no gifts in %(year)s that are not on a statement yet",
               donor=donor.name, year=year),
            code="no_gifts",
        )  # fmt: skip
    data = statement_data(session, user, donor, year, gifts, replaces)
    language = donor_language(session, donor)
    with in_language(language):
        pdf = render_pdf(TEMPLATE, cache=cache, lang=language, **data)
    statement = GivingStatement(
        centre_id=donor.centre_id, donor_id=donor.id, year=year, language=language,
        currency=data["currency"], total=data["total"], periodic_total=data["periodic_total"],
        issued_by_id=user.id, sha256=hashlib.sha256(pdf).hexdigest(), size=len(pdf), pdf=pdf,
        live=True, replaces_id=replaces.id if replaces is not None else None,
    )  # fmt: skip
    try:
        with session.begin_nested():
            session.add(statement)
            session.flush()
            session.add_all(
                GivingStatementLine(
                    statement_id=statement.id, income_line_id=gift.id, amount=gift.amount
                )
                for gift in gifts
            )
            session.flush()
    except IntegrityError:
        # Another issuer's statement covering some of these gifts was written meanwhile.
        raise Conflict(
            "year",
            _l("another statement covering these gifts was issued a moment ago; look again"),
            code="already_stated",
        ) from None
    return statement


def void_statement(
    session: Session, user: User, statement: GivingStatement, reason: str
) -> GivingStatement:
    """Void a statement: it stays on record with its lines, which are free for another."""
    require_manage(user, statement.centre_id)
    if statement.live is None:
        raise Conflict("id", _l("this statement is void already"), code="already_void")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("reason", _l("say why the statement is void"), code="reason_required")
    if len(reason) > MAX_REASON:
        raise ValidationError("reason", _l("at most %(max)s characters", max=MAX_REASON),
                              code="too_long")  # fmt: skip
    statement.live = None
    statement.voided_at = datetime.now(UTC)
    statement.voided_by_id = user.id
    statement.void_reason = reason
    session.flush()
    # The database released the lines (ON UPDATE CASCADE): forget their old state.
    for line in session.scalars(
        select(GivingStatementLine).where(GivingStatementLine.statement_id == statement.id)
    ):
        session.expire(line)
    return statement


def reissue_statement(
    session: Session,
    user: User,
    statement: GivingStatement,
    reason: str,
    today: date | None = None,
) -> GivingStatement:
    """Correct a statement: void it and issue the donor's statement of that year again,
    covering its gifts as they stand now and naming the one it replaces."""
    void_statement(session, user, statement, reason)
    return issue_statement(
        session, user, statement.donor, statement.year, replaces=statement, today=today
    )
