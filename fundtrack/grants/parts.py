"""What hangs off an application: allocations to centres, goals, budget lines, report duties.

Each function authorises through the grant (who may manage the applicant may manage these),
checks, changes and flushes, like `fundtrack.grants.operations`.
"""

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundtrack.auth.models import User
from fundtrack.costs.models import CostCategory
from fundtrack.errors import Conflict, ValidationError
from fundtrack.formatting import format_day
from fundtrack.grants.models import (
    GoalKind,
    GoalMeasurement,
    Grant,
    GrantAllocation,
    GrantBudgetLine,
    GrantGoal,
    GrantState,
    InKindContribution,
    ReportKind,
    ReportObligation,
)
from fundtrack.grants.operations import check_date, positive_amount, require_manage_grant
from fundtrack.operations import centre_by_code, refuse_unknown, require

GOAL_FIELDS = (
    "kind", "description", "unit", "target", "achieved", "as_of", "result", "baseline",
    "deadline",
)  # fmt: skip
BUDGET_FIELDS = ("category", "description", "amount")
OBLIGATION_FIELDS = ("kind", "due_date", "sent_on", "note", "period_start", "period_end")
MEASUREMENT_FIELDS = ("centre", "measured_on", "value")
IN_KIND_FIELDS = ("centre", "given_on", "description", "hours")


def _choice(enum_cls, value, field: str):
    try:
        return enum_cls(value)
    except ValueError:
        raise ValidationError(
            field, _l("%(value)s is not one of the choices", value=value), code="not_a_choice"
        ) from None


def _open(user: User, grant: Grant) -> None:
    require_manage_grant(user, grant)
    if grant.state == GrantState.CLOSED:
        raise Conflict(
            "state", _l("a closed application can no longer change"), code="grant_closed"
        )


def _optional_date(value, field: str) -> date | None:
    return check_date(value, field) if value is not None else None


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
        raise ValidationError(
            "centre",
            _l("only the national office's applications are allocated"),
            code="not_shared",
        )
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
    if total > ceiling and grant.amount_awarded is not None:
        raise ValidationError(
            "amount",
            _l("allocations would total %(total)s, more than the %(ceiling)s awarded",
               total=total, ceiling=ceiling),
            code="allocations_above_award",
        )  # fmt: skip
    if total > ceiling:
        raise ValidationError(
            "amount",
            _l("allocations would total %(total)s, more than the %(ceiling)s requested",
               total=total, ceiling=ceiling),
            code="allocations_above_request",
        )  # fmt: skip
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
    kind = _choice(GoalKind, merged["kind"], "kind")
    description = (merged["description"] or "").strip()
    if not description:
        raise ValidationError("description", _l("is required"), code="required")
    target, achieved = merged.get("target"), merged.get("achieved")
    baseline = merged.get("baseline")
    if kind == GoalKind.QUANTITATIVE:
        if target is None:
            raise ValidationError(
                "target", _l("a counted goal needs a target"), code="target_required"
            )
        target = positive_amount(target, "target", allow_zero=True)
        if achieved is not None:
            achieved = positive_amount(achieved, "achieved", allow_zero=True)
        if baseline is not None:
            baseline = positive_amount(baseline, "baseline", allow_zero=True)
    elif target is not None or achieved is not None or baseline is not None:
        field = next(f for f in ("target", "achieved", "baseline") if merged.get(f) is not None)
        raise ValidationError(
            field, _l("a qualitative goal is described, not counted"), code="goal_not_counted"
        )
    return {
        "kind": kind,
        "description": description,
        "unit": (merged.get("unit") or "").strip(),
        "target": target,
        "achieved": achieved,
        "as_of": _optional_date(merged.get("as_of"), "as_of"),
        "result": merged.get("result") or "",
        "baseline": baseline,
        "deadline": _optional_date(merged.get("deadline"), "deadline"),
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
    category = _choice(CostCategory, merged["category"], "category")
    same = select(GrantBudgetLine.id).where(
        GrantBudgetLine.grant_id == grant.id, GrantBudgetLine.category == category
    )
    if line is not None:
        same = same.where(GrantBudgetLine.id != line.id)
    if grant.id is not None and session.scalar(same) is not None:
        raise Conflict(
            "category",
            _l("the budget already has a line for this cost category"),
            code="budget_line_exists",
        )  # fmt: skip
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


def _obligation_values(grant: Grant, values: dict, obligation: ReportObligation | None) -> dict:
    refuse_unknown(values, OBLIGATION_FIELDS, "a report obligation")
    current = {}
    if obligation is not None:
        current = {f: getattr(obligation, f) for f in OBLIGATION_FIELDS}
    merged = current | values
    require(merged, "kind", "due_date")
    start = _optional_date(merged.get("period_start"), "period_start")
    end = _optional_date(merged.get("period_end"), "period_end")
    for field, day in (("period_start", start), ("period_end", end)):
        if day is not None and not grant.start_date <= day <= grant.end_date:
            raise ValidationError(
                field,
                _l("%(day)s is outside the project (%(start)s to %(end)s)",
                   day=format_day(day), start=format_day(grant.start_date),
                   end=format_day(grant.end_date)),
                code="outside_project",
            )  # fmt: skip
    if start is not None and end is not None and end < start:
        raise ValidationError(
            "period_end", _l("the period ends before it starts"), code="ends_before_start"
        )
    return {
        "kind": _choice(ReportKind, merged["kind"], "kind"),
        "due_date": check_date(merged["due_date"], "due_date"),
        "sent_on": _optional_date(merged.get("sent_on"), "sent_on"),
        "note": (merged.get("note") or "").strip(),
        "period_start": start,
        "period_end": end,
    }


def add_obligation(session: Session, user: User, grant: Grant, values: dict) -> ReportObligation:
    """Owe the funder a report by a date. A final report's due date defaults to three months
    after the project's end."""
    from fundtrack.grants.operations import final_report_due

    _open(user, grant)
    if values.get("kind") == ReportKind.FINAL and values.get("due_date") is None:
        values = values | {"due_date": final_report_due(grant.end_date)}
    obligation = ReportObligation(**_obligation_values(grant, values, None))
    grant.obligations.append(obligation)
    session.flush()
    return obligation


def update_obligation(
    session: Session, user: User, obligation: ReportObligation, values: dict
) -> ReportObligation:
    """Change a report duty, such as the day it was sent (not once the grant is closed:
    closing needs every report sent, so none may become unsent afterwards)."""
    _open(user, obligation.grant)
    return _apply(session, obligation, _obligation_values(obligation.grant, values, obligation))


def delete_obligation(session: Session, user: User, obligation: ReportObligation) -> None:
    _open(user, obligation.grant)
    session.delete(obligation)
    session.flush()


# Where a goal is measured or hours are given ---------------------------------------------


def _place(session: Session, user: User, grant: Grant, code) -> int | None:
    """The centre id a measurement or in-kind row is for: None for the whole project, else
    the applicant or an office the award is shared with."""
    if code in (None, ""):
        return None
    centre = centre_by_code(session, user, code)
    shared = {a.centre_id for a in grant.allocations} | {grant.centre_id}
    if centre.id not in shared:
        raise ValidationError(
            "centre",
            _l("%(code)s has no part in this application", code=centre.code),
            code="centre_not_in_grant",
        )
    return centre.id


def _merged(values: dict, row, fields: tuple, what: str) -> dict:
    refuse_unknown(values, fields, what)
    current = {}
    if row is not None:
        current = {f: getattr(row, f) for f in fields if f != "centre"}
        current["centre"] = row.centre.code if row.centre else None
    return current | values


# Goal measurements -----------------------------------------------------------------------


def _measurement_values(session, user, goal: GrantGoal, values: dict, row) -> dict:
    merged = _merged(values, row, MEASUREMENT_FIELDS, "a goal measurement")
    require(merged, "measured_on", "value")
    if goal.kind != GoalKind.QUANTITATIVE:
        raise ValidationError(
            "goal", _l("a qualitative goal is described, not counted"), code="goal_not_counted"
        )
    return {
        "centre_id": _place(session, user, goal.grant, merged.get("centre")),
        "measured_on": check_date(merged["measured_on"], "measured_on"),
        "value": positive_amount(merged["value"], "value", allow_zero=True),
    }


def _no_twin(session: Session, goal: GrantGoal, values: dict, row) -> None:
    same = select(GoalMeasurement.id).where(
        GoalMeasurement.goal_id == goal.id,
        GoalMeasurement.measured_on == values["measured_on"],
        GoalMeasurement.centre_id.is_(None)
        if values["centre_id"] is None
        else GoalMeasurement.centre_id == values["centre_id"],
    )
    if row is not None:
        same = same.where(GoalMeasurement.id != row.id)
    existing = session.scalar(same)
    if existing is not None:
        raise Conflict(
            "measured_on",
            _l("this goal was already measured there on %(day)s",
               day=format_day(values["measured_on"])),
            existing,
            code="measured_already",
        )  # fmt: skip


def add_measurement(session: Session, user: User, goal: GrantGoal, values: dict):
    """Record where a counted goal stood on a day, for the whole project or at one office."""
    _open(user, goal.grant)
    checked = _measurement_values(session, user, goal, values, None)
    _no_twin(session, goal, checked, None)
    row = GoalMeasurement(**checked)
    goal.measurements.append(row)
    session.flush()
    return row


def update_measurement(session: Session, user: User, row: GoalMeasurement, values: dict):
    _open(user, row.goal.grant)
    checked = _measurement_values(session, user, row.goal, values, row)
    _no_twin(session, row.goal, checked, row)
    return _apply(session, row, checked)


def delete_measurement(session: Session, user: User, row: GoalMeasurement) -> None:
    _open(user, row.goal.grant)
    session.delete(row)
    session.flush()


# Volunteer hours given in kind -------------------------------------------------------------


def _in_kind_values(session, user, grant: Grant, values: dict, row) -> dict:
    merged = _merged(values, row, IN_KIND_FIELDS, "an in-kind contribution")
    require(merged, "given_on", "hours")
    description = (merged.get("description") or "").strip()
    if len(description) > 300:
        raise ValidationError(
            "description", _l("at most %(limit)s characters", limit=300), code="too_long"
        )
    return {
        "centre_id": _place(session, user, grant, merged.get("centre")),
        "given_on": check_date(merged["given_on"], "given_on"),
        "description": description,
        "hours": positive_amount(merged["hours"], "hours"),
    }


def add_in_kind(session: Session, user: User, grant: Grant, values: dict) -> InKindContribution:
    """Record volunteer hours given to the project in a month (worth the network's rate an
    hour in the report, never booked as money)."""
    _open(user, grant)
    row = InKindContribution(**_in_kind_values(session, user, grant, values, None))
    grant.in_kind.append(row)
    session.flush()
    return row


def update_in_kind(session: Session, user: User, row: InKindContribution, values: dict):
    _open(user, row.grant)
    return _apply(session, row, _in_kind_values(session, user, row.grant, values, row))


def delete_in_kind(session: Session, user: User, row: InKindContribution) -> None:
    _open(user, row.grant)
    session.delete(row)
    session.flush()
