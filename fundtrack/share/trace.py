"""From a figure back to the lines behind it: income lines with their agreement, funder and
the reason they count as structural or not, and the cost lines the costs were taken from."""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, not_, select
from sqlalchemy.orm import Session, aliased

from fundtrack.auth.models import User
from fundtrack.centres.locks import current_network
from fundtrack.costs.basis import costs_basis
from fundtrack.costs.models import ActualsDeclaration, CostLine
from fundtrack.errors import ValidationError
from fundtrack.income.models import Funder, FundingAgreement, IncomeCategory, IncomeLine
from fundtrack.money import CENT
from fundtrack.share.classification import (
    ENGLISH,
    RULE_COLUMNS,
    Wording,
    join_classification,
    join_rule,
    structural_expression,
    verdict_row,
)
from fundtrack.share.queries import fiscal_year_bounds, months_covered, visible_centres

PAGE_DEFAULT = 100
PAGE_MAX = 500


@dataclass(frozen=True)
class TracedIncome:
    id: int
    booking_date: date
    amount: Decimal
    category: str
    reference: str
    description: str
    funder: str | None  # the line's own funder, else the agreement's
    agreement_id: int | None
    agreement_title: str | None
    structural: bool
    explanation: str  # "structural: ..." or "incidental: ..."
    # Four eyes: it would count as structural once the national office confirms its agreement.
    awaiting: bool = False


@dataclass(frozen=True)
class TracedCost:
    id: int
    kind: str
    category: str
    amount: Decimal
    description: str


@dataclass(frozen=True)
class Trace:
    """One page of the lines behind a centre's figures for a year.

    The totals and counts cover every line matching the filters, not just this page, so
    they equal the figure traced (income_total = structural_income when structural=True).
    """

    year: int
    centre_code: str
    centre_name: str
    costs_basis: str
    income_total: Decimal
    income_count: int
    costs_total: Decimal
    costs_count: int
    limit: int
    offset: int
    income_lines: list[TracedIncome] = field(default_factory=list)
    cost_lines: list[TracedCost] = field(default_factory=list)


def _page(limit: int, offset: int) -> tuple[int, int]:
    if not isinstance(limit, int) or not 1 <= limit <= PAGE_MAX:
        raise ValidationError(
            "limit", _l("between 1 and %(max)s", max=PAGE_MAX), code="out_of_range"
        )
    if not isinstance(offset, int) or offset < 0:
        raise ValidationError("offset", _l("must be 0 or more"), code="out_of_range")
    return limit, offset


def _income_filter(centre_id: int, year: int, category, structural: bool | None) -> list:
    conditions = [IncomeLine.centre_id == centre_id, IncomeLine.fiscal_year == year]
    if category is not None:
        try:
            conditions.append(IncomeLine.category == IncomeCategory(category))
        except ValueError:
            raise ValidationError(
                "category", _l("%(typed)s is not an income category", typed=repr(category)),
                code="unknown_category",
            ) from None  # fmt: skip
    if structural is True:
        conditions.append(structural_expression())
    elif structural is False:
        conditions.append(not_(structural_expression()))
    return conditions


def _traced_income(row, wording: Wording = ENGLISH) -> TracedIncome:
    # The flag and the words are one verdict; the page's filter and totals use the same rule
    # as SQL (structural_expression).
    said = verdict_row(row, has_agreement=row.agreement_id is not None, wording=wording)
    return TracedIncome(
        id=row.id,
        booking_date=row.booking_date,
        amount=row.amount,
        category=row.category.value,
        reference=row.reference,
        description=row.description,
        funder=row.line_funder or row.agreement_funder,
        agreement_id=row.agreement_id,
        agreement_title=row.title,
        structural=said.structural,
        explanation=said.words,
        awaiting=said.awaiting,
    )


def trace(
    session: Session,
    user: User,
    year: int,
    centre_code: str,
    category: str | None = None,
    structural: bool | None = None,
    limit: int = PAGE_DEFAULT,
    offset: int = 0,
    wording: Wording = ENGLISH,
) -> Trace:
    """The income and cost lines behind a centre's figures for `year`, a page at a time.

    Narrow the income lines to one RJ 650 category and/or to structural (True) or incidental
    (False) lines. The cost lines are those of the basis the figures used (actual once
    declared complete, else budget). Raises LookupError for a centre the user may not see,
    ValidationError (a ValueError) naming the field for a bad filter. Five statements whatever
    the number of lines.
    """
    limit, offset = _page(limit, offset)
    centre = visible_centres(session, user, centre_code=centre_code)[0]
    conditions = _income_filter(centre.id, year, category, structural)

    summary = join_classification(
        select(func.count(IncomeLine.id), func.sum(IncomeLine.amount))
    ).where(*conditions)
    income_count, income_total = session.execute(summary).one()

    line_funder = aliased(Funder)
    page = (
        join_classification(
            select(
                IncomeLine.id,
                IncomeLine.booking_date,
                IncomeLine.amount,
                IncomeLine.category,
                IncomeLine.reference,
                IncomeLine.description,
                IncomeLine.agreement_id,
                line_funder.name.label("line_funder"),
                Funder.name.label("agreement_funder"),
                FundingAgreement.title,
                *RULE_COLUMNS,
            )
        )
        .outerjoin(line_funder, line_funder.id == IncomeLine.funder_id)
        .where(*conditions)
        .order_by(IncomeLine.booking_date, IncomeLine.id)
        .limit(limit)
        .offset(offset)
    )
    income_lines = [_traced_income(row, wording) for row in session.execute(page)]

    declared = (
        select(ActualsDeclaration.id)
        .where(ActualsDeclaration.centre_id == centre.id, ActualsDeclaration.year == year)
        .exists()
    )
    kinds = select(
        CostLine.kind, func.count(CostLine.id), func.sum(CostLine.amount), declared
    ).where(CostLine.centre_id == centre.id, CostLine.year == year)
    rows = session.execute(kinds.group_by(CostLine.kind)).all()
    by_kind = {kind.value: (n, total) for kind, n, total, _declared in rows}
    declared = any(row[3] for row in rows)
    basis = costs_basis(declared, "actual" in by_kind, "budget" in by_kind)
    costs_count, costs_total = by_kind.get(basis, (0, None))
    cost_lines = []
    if basis != "none":
        costs = (
            select(CostLine)
            .where(CostLine.centre_id == centre.id, CostLine.year == year, CostLine.kind == basis)
            .order_by(CostLine.category, CostLine.id)
            .limit(limit)
            .offset(offset)
        )
        cost_lines = [
            TracedCost(c.id, c.kind.value, c.category.value, c.amount, c.description)
            for c in session.scalars(costs)
        ]
    return Trace(
        year=year,
        centre_code=centre.code,
        centre_name=centre.name,
        costs_basis=basis,
        income_total=Decimal(income_total or 0).quantize(CENT),
        income_count=income_count,
        costs_total=Decimal(costs_total or 0).quantize(CENT),
        costs_count=costs_count,
        limit=limit,
        offset=offset,
        income_lines=income_lines,
        cost_lines=cost_lines,
    )


@dataclass(frozen=True)
class SecuredAgreement:
    agreement_id: int
    title: str
    funder: str
    start_date: date
    end_date: date | None
    annual_amount: Decimal
    months: int  # whole months of the next fiscal year the agreement covers
    amount: Decimal  # annual_amount x months / 12, to the cent
    explanation: str


@dataclass(frozen=True)
class SecuredTrace:
    """The structural agreements behind "secured next year": `year` is that next year."""

    year: int
    total: Decimal  # equals the figure: summed exactly, rounded once
    agreements: list[SecuredAgreement] = field(default_factory=list)


def trace_secured(
    session: Session, user: User, year: int, centre_code: str, wording: Wording = ENGLISH
) -> SecuredTrace:
    """The structural agreements running into the fiscal year after `year`, with the whole
    months of it they cover: the lines behind the centre's "secured next year".

    Raises LookupError for a centre the user may not see. Two statements besides the centre.
    """
    centre = visible_centres(session, user, centre_code=centre_code)[0]
    start, end = fiscal_year_bounds(current_network(session), year + 1)
    stmt = join_rule(
        select(
            FundingAgreement.id,
            FundingAgreement.title,
            FundingAgreement.annual_amount,
            Funder.name.label("funder"),
            *RULE_COLUMNS,
        )
    ).where(
        FundingAgreement.centre_id == centre.id,
        structural_expression(),
        FundingAgreement.start_date < end,
        FundingAgreement.end_date.is_(None) | (FundingAgreement.end_date >= start),
    )
    agreements, twelfths = [], Decimal(0)
    for row in session.execute(stmt.order_by(FundingAgreement.start_date, FundingAgreement.id)):
        months = months_covered(row.start_date, row.end_date, start, end)
        if not months:
            continue
        twelfths += row.annual_amount * months
        why = verdict_row(row, wording=wording).words
        amount = (row.annual_amount * months / 12).quantize(CENT, rounding=ROUND_HALF_UP)
        agreements.append(
            SecuredAgreement(
                row.id,
                row.title,
                row.funder,
                row.start_date,
                row.end_date,
                row.annual_amount,
                months,
                amount,
                why,
            )  # fmt: skip
        )
    total = (twelfths / 12).quantize(CENT, rounding=ROUND_HALF_UP)
    return SecuredTrace(year=year + 1, total=total, agreements=agreements)
