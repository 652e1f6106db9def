"""Which costs a centre-year's figures stand on: its budget, or its actuals once declared.

A year stands on its budget until the treasurer (or the national office) declares its
actual costs complete; from then on on its actuals. Closing a year declares every centre
with actual lines that year (`declare_year`), so a closed year stands on actuals
wherever it has them. Declaring and withdrawing are refused in a closed year: its figures
are final. The audit hook records who declared or withdrew, and when.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, exists, func, select
from sqlalchemy.orm import Session

from fundtrack.auth.access import require_manage, visible
from fundtrack.auth.models import User
from fundtrack.centres.locks import current_network, locked_years
from fundtrack.centres.models import Centre
from fundtrack.costs.models import ActualsDeclaration, CostKind, CostLine
from fundtrack.errors import Conflict, ValidationError, YearLocked
from fundtrack.money import CENT
from fundtrack.operations import centre_by_code, check_year


@dataclass(frozen=True)
class YearCosts:
    """Both totals of a centre-year side by side: what the confirmation page shows."""

    centre_id: int
    centre_code: str
    centre_name: str
    year: int
    budget: Decimal
    actual: Decimal
    budget_lines: int
    actual_lines: int
    declared: bool
    closed: bool

    @property
    def basis(self) -> str:
        """The basis the figures use: the same choice `share.service` makes."""
        return costs_basis(self.declared, self.actual_lines > 0, self.budget_lines > 0)


def costs_basis(declared: bool, has_actual: bool, has_budget: bool) -> str:
    """actual once declared (and there are actual lines), else budget, else none.

    The one place the choice is written; the figures and the confirmation page both ask it.
    """
    if declared and has_actual:
        return "actual"
    if has_budget:
        return "budget"
    return "none"


def year_costs(session: Session, user: User, centre_code, year) -> YearCosts:
    """The budget and actual totals of a centre-year, and whether its actuals are declared.

    Raises ValidationError naming `centre` for a centre the user may not see, `year` for a
    year outside the ledger. Two statements besides the centre.
    """
    centre = centre_by_code(session, user, centre_code)
    check_year(year, "year")
    kinds = select(
        CostLine.kind, func.count(CostLine.id), func.coalesce(func.sum(CostLine.amount), 0)
    ).where(CostLine.centre_id == centre.id, CostLine.year == year)
    totals = {
        kind: (n, Decimal(total).quantize(CENT))
        for kind, n, total in session.execute(kinds.group_by(CostLine.kind))
    }
    budget_lines, budget = totals.get(CostKind.BUDGET, (0, Decimal("0.00")))
    actual_lines, actual = totals.get(CostKind.ACTUAL, (0, Decimal("0.00")))
    return YearCosts(
        centre_id=centre.id,
        centre_code=centre.code,
        centre_name=centre.name,
        year=year,
        budget=budget,
        actual=actual,
        budget_lines=budget_lines,
        actual_lines=actual_lines,
        declared=_declaration(session, centre.id, year) is not None,
        closed=year in locked_years(session),
    )


def _declaration(session: Session, centre_id: int, year: int) -> ActualsDeclaration | None:
    return session.scalars(
        select(ActualsDeclaration).where(
            ActualsDeclaration.centre_id == centre_id, ActualsDeclaration.year == year
        )
    ).first()


def _refuse_closed(costs: YearCosts, declaring: bool) -> None:
    if costs.closed and declaring:
        message = _l(
            "fiscal year %(year)s is closed; its actual costs can no longer be declared complete",
            year=costs.year,
        )
    elif costs.closed:
        message = _l(
            "fiscal year %(year)s is closed; its declaration can no longer be withdrawn",
            year=costs.year,
        )
    if costs.closed:
        raise ValidationError("year", message, code="year_closed")


def declare_actuals_complete(session: Session, user: User, centre_code, year) -> YearCosts:
    """Declare a centre-year's actual costs complete: its figures stand on them from now on.

    Treasurers for their own centre, the national office and admins for any. Refused
    (ValidationError on `year`) in a closed year and when no actual cost line is recorded;
    Conflict when already declared. Flushes; the caller commits.
    """
    costs = year_costs(session, user, centre_code, year)
    require_manage(user, costs.centre_id)
    _refuse_closed(costs, declaring=True)
    if costs.declared:
        raise Conflict(
            "year",
            _l("the actual costs of %(year)s are already declared complete", year=costs.year),
            code="already_declared",
        )
    if not costs.actual_lines:
        raise ValidationError(
            "year",
            _l(
                "no actual cost lines are recorded for %(year)s; record them first", year=costs.year
            ),
            code="no_actual_costs",
        )
    session.add(ActualsDeclaration(centre_id=costs.centre_id, year=year, declared_by_id=user.id))
    session.flush()
    return year_costs(session, user, centre_code, year)


def withdraw_actuals_declaration(session: Session, user: User, centre_code, year) -> YearCosts:
    """Take the declaration back: the year stands on its budget again until declared anew.

    Same people as declaring; refused in a closed year, and when nothing was declared.
    """
    costs = year_costs(session, user, centre_code, year)
    require_manage(user, costs.centre_id)
    _refuse_closed(costs, declaring=False)
    declaration = _declaration(session, costs.centre_id, year)
    if declaration is None:
        raise ValidationError(
            "year",
            _l("the actual costs of %(year)s were not declared", year=costs.year),
            code="not_declared",
        )
    session.delete(declaration)
    session.flush()
    return year_costs(session, user, centre_code, year)


def line_declared():
    """SQL: the (correlated) cost line's centre-year has its actuals declared complete. The
    figures, the lists and the declaring below all ask it this way."""
    return exists().where(
        ActualsDeclaration.centre_id == CostLine.centre_id,
        ActualsDeclaration.year == CostLine.year,
    )


def _declare_undeclared(session: Session, *where, user: User | None = None) -> list:
    """Declare every centre-year with actual lines matching `where` and no declaration yet,
    through the ORM so that the audit hook records each; returns the new declarations."""
    pairs = session.execute(
        select(CostLine.centre_id, CostLine.year)
        .where(CostLine.kind == CostKind.ACTUAL, ~line_declared(), *where)
        .distinct()
    ).all()
    by = user.id if user is not None else None
    made = [ActualsDeclaration(centre_id=c, year=y, declared_by_id=by) for c, y in pairs]
    if made:
        session.add_all(made)
        session.flush()
    return made


def declare_year(session: Session, year: int, user: User | None = None) -> int:
    """Declare every centre with actual lines in `year` that has not declared yet: what closing
    a year does, so that a closed year stands on its actuals (and what the demo does for the
    years that have ended). Returns how many centres it declared."""
    return len(_declare_undeclared(session, CostLine.year == year, user=user))


# Ids per IN (...) list: an onboarded history can hold tens of thousands of cost lines.
CHUNK = 500


def declare_ended_years(
    session: Session, cost_line_ids: list[int], today: date | None = None
) -> list[int]:
    """Declare complete the ended years of these cost lines' centres that have actual lines
    among them and no declaration yet: a centre's history brought in whole (an onboarding
    workbook) is its books of years gone by, as the migration took existing ones. Returns the
    new declarations' ids, so that the import can be undone with them."""
    if not cost_line_ids:
        return []
    running = current_network(session).fiscal_year_of(today or date.today())
    made = []
    for start in range(0, len(cost_line_ids), CHUNK):
        chunk = cost_line_ids[start : start + CHUNK]
        made += _declare_undeclared(session, CostLine.id.in_(chunk), CostLine.year < running)
    return [row.id for row in made]


def delete_declaration(session: Session, user: User, declaration: ActualsDeclaration) -> None:
    """Remove a declaration as taking back an import does (not in a closed year)."""
    require_manage(user, declaration.centre_id)
    if declaration.year in locked_years(session):
        raise ValidationError("year", YearLocked(declaration.year).message, code="year_closed")
    session.delete(declaration)
    session.flush()


@dataclass(frozen=True)
class StillOnBudget:
    centre_code: str
    centre_name: str
    year: int
    budget: Decimal
    actual: Decimal  # actual lines booked so far, though not declared complete


def still_on_budget(
    session: Session, user: User, today: date | None = None, limit: int = 200
) -> tuple[int, list[StillOnBudget]]:
    """(count, rows) of the centre-years the user may see whose fiscal year has ended while
    their figures still stand on the budget (actuals never declared complete), latest year
    first; with `limit=0` only the count. At most three statements."""
    running = current_network(session).fiscal_year_of(today or date.today())
    declared = line_declared()
    budget = func.sum(case((CostLine.kind == CostKind.BUDGET, CostLine.amount), else_=0))
    actual = func.sum(case((CostLine.kind == CostKind.ACTUAL, CostLine.amount), else_=0))
    centres = visible(Centre, user).with_only_columns(Centre.id).scalar_subquery()
    stmt = (
        select(Centre.code, Centre.name, CostLine.year, budget.label("b"), actual.label("a"))
        .join(Centre, Centre.id == CostLine.centre_id)
        .where(CostLine.year < running, CostLine.centre_id.in_(centres), ~declared)
        .group_by(Centre.code, Centre.name, CostLine.year)
    )
    count = session.scalar(select(func.count()).select_from(stmt.subquery()))
    if not count or not limit:
        return count, []
    rows = session.execute(stmt.order_by(CostLine.year.desc(), Centre.code).limit(limit))
    return count, [
        StillOnBudget(
            row.code,
            row.name,
            row.year,
            Decimal(row.b).quantize(CENT),
            Decimal(row.a).quantize(CENT),
        )
        for row in rows
    ]
