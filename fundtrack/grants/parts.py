"""What hangs off an application: allocations to centres, goals, budget lines, report duties.

Each function authorises through the grant (who may manage the applicant may manage these),
checks, changes and flushes, like `fundtrack.grants.operations`.
"""

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundtrack.auth.models import User
from fundtrack.costs.models import CostCategory
from fundtrack.errors import Conflict, ValidationError
from fundtrack.grants.models import (
    GoalKind,
    Grant,
    GrantAllocation,
    GrantBudgetLine,
    GrantGoal,
    GrantState,
    ReportKind,
    ReportObligation,
)
from fundtrack.grants.operations import check_date, positive_amount, require_manage_grant
from fundtrack.operations import centre_by_code, refuse_unknown, require

GOAL_FIELDS = ("kind", "description", "unit", "target", "achieved", "as_of", "result")
BUDGET_FIELDS = ("category", "description", "amount")
OBLIGATION_FIELDS = ("kind", "due_date", "sent_on", "note")


def _choice(enum_cls, value, field: str, what: str):
    try:
        return enum_cls(value)
    except ValueError:
        raise ValidationError(field, f"{value!r} is not {what}") from None


def _open(user: User, grant: Grant) -> None:
    require_manage_grant(user, grant)
    if grant.state == GrantState.CLOSED:
        raise Conflict("state", "a closed application can no longer change")


def _apply(session: Session, row, attributes: dict):
    for attribute, value in attributes.items():
        setattr(row, attribute, value)
    session.flush()
    return row


# Allocations -----------------------------------------------------------------------------


def allocate(session: Session, user: User, grant: Grant, centre_code, amount) -> GrantAllocation:
    """Give (or change) a centre's part of a national office's award.

    The parts sum to at most the award (the amount requested while undecided).
    """
    _open(user, grant)
    if grant.centre_id is not None:
        raise ValidationError("centre", "only the national office's applications are allocated")
    centre = centre_by_code(session, user, centre_code)
    amount = positive_amount(amount, "amount")
    allocation = next((a for a in grant.allocations if a.centre_id == centre.id), None)
    others = session.scalar(
        select(func.coalesce(func.sum(GrantAllocation.amount), 0)).where(
            GrantAllocation.grant_id == grant.id, GrantAllocation.centre_id != centre.id
        )
    )
    ceiling = grant.amount_awarded if grant.amount_awarded is not None else grant.amount_requested
    total = Decimal(others).quantize(Decimal("0.01")) + amount
    if total > ceiling:
        raise ValidationError(
            "amount",
            f"allocations would total {total}, more than the {ceiling} "
            f"{'awarded' if grant.amount_awarded is not None else 'requested'}",
        )
    if allocation is None:
        allocation = GrantAllocation(centre=centre, amount=amount)
        grant.allocations.append(allocation)
    allocation.amount = amount
    session.flush()
    return allocation


def remove_allocation(session: Session, user: User, allocation: GrantAllocation) -> None:
    _open(user, allocation.grant)
    session.delete(allocation)
    session.flush()


# Goals -----------------------------------------------------------------------------------


def _goal_values(values: dict, goal: GrantGoal | None) -> dict:
    refuse_unknown(values, GOAL_FIELDS, "a goal")
    current = {}
    if goal is not None:
        current = {f: getattr(goal, f) for f in GOAL_FIELDS}
    merged = current | values
    require(merged, "kind", "description")
    kind = _choice(GoalKind, merged["kind"], "kind", "quantitative or qualitative")
    description = (merged["description"] or "").strip()
    if not description:
        raise ValidationError("description", "is required")
    target, achieved = merged.get("target"), merged.get("achieved")
    if kind == GoalKind.QUANTITATIVE:
        if target is None:
            raise ValidationError("target", "a counted goal needs a target")
        target = positive_amount(target, "target", allow_zero=True)
        if achieved is not None:
            achieved = positive_amount(achieved, "achieved", allow_zero=True)
    elif target is not None or achieved is not None:
        field = "target" if target is not None else "achieved"
        raise ValidationError(field, "a qualitative goal is described, not counted")
    as_of = merged.get("as_of")
    if as_of is not None:
        as_of = check_date(as_of, "as_of")
    return {
        "kind": kind,
        "description": description,
        "unit": (merged.get("unit") or "").strip(),
        "target": target,
        "achieved": achieved,
        "as_of": as_of,
        "result": merged.get("result") or "",
    }


def add_goal(session: Session, user: User, grant: Grant, values: dict) -> GrantGoal:
    """Add a quantitative goal (what is counted, unit, target) or a qualitative one (an aim)."""
    _open(user, grant)
    goal = GrantGoal(**_goal_values(values, None))
    grant.goals.append(goal)
    session.flush()
    return goal


def update_goal(session: Session, user: User, goal: GrantGoal, values: dict) -> GrantGoal:
    """Change a goal, such as what was achieved by which date, or the result described."""
    _open(user, goal.grant)
    return _apply(session, goal, _goal_values(values, goal))


def delete_goal(session: Session, user: User, goal: GrantGoal) -> None:
    _open(user, goal.grant)
    session.delete(goal)
    session.flush()


# Budget lines ----------------------------------------------------------------------------


def _budget_values(session, grant: Grant, values: dict, line: GrantBudgetLine | None) -> dict:
    refuse_unknown(values, BUDGET_FIELDS, "a budget line")
    current = {}
    if line is not None:
        current = {f: getattr(line, f) for f in BUDGET_FIELDS}
    merged = current | values
    require(merged, "category", "amount")
    category = _choice(CostCategory, merged["category"], "category", "a cost category")
    same = select(GrantBudgetLine.id).where(
        GrantBudgetLine.grant_id == grant.id, GrantBudgetLine.category == category
    )
    if line is not None:
        same = same.where(GrantBudgetLine.id != line.id)
    if grant.id is not None and session.scalar(same) is not None:
        raise Conflict("category", f"the budget already has a {category.value} line")
    return {
        "category": category,
        "description": (merged.get("description") or "").strip(),
        "amount": positive_amount(merged["amount"], "amount", allow_zero=True),
    }


def add_budget_line(session: Session, user: User, grant: Grant, values: dict) -> GrantBudgetLine:
    """Budget one cost category; actual cost lines of that category are what it spent."""
    _open(user, grant)
    line = GrantBudgetLine(**_budget_values(session, grant, values, None))
    grant.budget_lines.append(line)
    session.flush()
    return line


def update_budget_line(
    session: Session, user: User, line: GrantBudgetLine, values: dict
) -> GrantBudgetLine:
    _open(user, line.grant)
    return _apply(session, line, _budget_values(session, line.grant, values, line))


def delete_budget_line(session: Session, user: User, line: GrantBudgetLine) -> None:
    _open(user, line.grant)
    session.delete(line)
    session.flush()


# Report obligations ----------------------------------------------------------------------


def _obligation_values(values: dict, obligation: ReportObligation | None) -> dict:
    refuse_unknown(values, OBLIGATION_FIELDS, "a report obligation")
    current = {}
    if obligation is not None:
        current = {f: getattr(obligation, f) for f in OBLIGATION_FIELDS}
    merged = current | values
    require(merged, "kind", "due_date")
    sent = merged.get("sent_on")
    return {
        "kind": _choice(ReportKind, merged["kind"], "kind", "interim or final"),
        "due_date": check_date(merged["due_date"], "due_date"),
        "sent_on": check_date(sent, "sent_on") if sent is not None else None,
        "note": (merged.get("note") or "").strip(),
    }


def add_obligation(session: Session, user: User, grant: Grant, values: dict) -> ReportObligation:
    """Owe the funder a report by a date. A final report's due date defaults to three months
    after the project's end."""
    from fundtrack.grants.operations import final_report_due

    _open(user, grant)
    if values.get("kind") == ReportKind.FINAL and values.get("due_date") is None:
        values = values | {"due_date": final_report_due(grant.end_date)}
    obligation = ReportObligation(**_obligation_values(values, None))
    grant.obligations.append(obligation)
    session.flush()
    return obligation


def update_obligation(
    session: Session, user: User, obligation: ReportObligation, values: dict
) -> ReportObligation:
    """Change a report duty, such as the day it was sent (not once the grant is closed:
    closing needs every report sent, so none may become unsent afterwards)."""
    _open(user, obligation.grant)
    return _apply(session, obligation, _obligation_values(values, obligation))


def delete_obligation(session: Session, user: User, obligation: ReportObligation) -> None:
    _open(user, obligation.grant)
    session.delete(obligation)
    session.flush()
