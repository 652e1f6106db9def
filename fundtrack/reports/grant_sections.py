"""The parts of a grant report that follow time and kind: the period it covers, spending by
month or quarter, volunteer hours given in kind, money not used, and counted goals as dated
measurements per office.

Plain values for templates/reports/grant.html from the one query layer
(`fundtrack.grants.figures` and `fundtrack.grants.timeline`); words in the report's language
(call inside `render.in_language`).
"""

from datetime import date
from decimal import Decimal

from flask_babel import format_date, gettext
from sqlalchemy.orm import Session

from fundtrack.centres.models import Network
from fundtrack.grants.figures import GrantMoney, Period
from fundtrack.grants.models import Grant, ReportKind, ReportObligation
from fundtrack.grants.timeline import (
    by_quarter,
    goal_series,
    hour_rates,
    in_kind_hours,
    spending_by_step,
)
from fundtrack.labels import UNSPENT_DECISION_LABELS, label_of

ZERO = Decimal("0.00")


def period_dict(period: Period) -> dict:
    return {"start": period.start, "end": period.end, "only": period.only}


def spending(session: Session, grant: Grant, period: Period, money: GrantMoney) -> dict:
    """Spending per month (per quarter over a year), the undated last; the steps add up to
    the report's spent total. `later`: undated spending of the fiscal year still running at
    the end of an interim report's period, shown apart (a later report counts it)."""
    quarterly = by_quarter(period)
    steps, later = [], ZERO
    for step in spending_by_step(session, grant, period):
        if not step.counted:
            later += step.amount
            continue
        if step.year is None:
            label = gettext("No date recorded")
        elif quarterly:
            label = gettext("Q%(quarter)s %(year)s", quarter=step.number, year=step.year)
        else:
            label = format_date(date(step.year, step.number, 1), "MMMM y")
        steps.append({"label": label, "amount": step.amount, "undated": step.year is None})
    return {
        "by_quarter": quarterly,
        "steps": steps,
        "total": sum((s["amount"] for s in steps), ZERO),
        "spent": money.spent,
        "later": later,
        "later_year": period.undated_later,
    }


def in_kind(session: Session, grant: Grant, period: Period, network: Network) -> dict:
    """Volunteer hours per place, valued at the network's rate in force on the days they were
    given (apart from money). `rate`: the one rate applied (the current one when no hours
    were given); where the rate changed between them, None, and `rates` its history (from,
    rate). Both None while the network has set no rate."""
    current = network.volunteer_hour_rate
    rows = in_kind_hours(session, grant, period, current)
    applied = {rate for r in rows if r.rates for rate in r.rates}
    several = len(applied) > 1
    return {
        "rate": None if several else next(iter(applied), current),
        "rates": [{"from": day, "rate": rate} for day, rate in hour_rates(session)]
        if several
        else [],
        "currency": network.currency,
        "rows": [
            {
                "place": f"{r.centre_code} {r.centre_name}" if r.centre_code else "",
                "hours": r.hours,
                "value": r.value,
            }
            for r in rows
        ],
        "hours": sum((r.hours for r in rows), ZERO),
        "value": None if current is None else sum((r.value for r in rows), ZERO),
    }


def unspent(grant: Grant, obligation: ReportObligation | None, money: GrantMoney) -> dict | None:
    """Money not used (the project's income less its spending, never below 0) and what
    happens to it, in a final report; None in an interim one."""
    if obligation is not None and obligation.kind != ReportKind.FINAL:
        return None
    return {
        "not_used": max(ZERO, money.remaining),
        "decision": label_of(UNSPENT_DECISION_LABELS, grant.unspent_decision)
        if grant.unspent_decision
        else None,
        "amount": grant.unspent_amount,
    }


def counted_goals(session: Session, grant: Grant, period: Period, share) -> list[dict]:
    """Each counted goal with its baseline, target and deadline; its result is the latest
    total of its measurements (where it has any, else the figure typed on the goal), with
    each place's latest and the dated totals."""
    series = goal_series(session, grant, period)
    goals = []
    for goal in grant.goals:
        if goal.target is None:
            continue
        measured = series.get(goal.id)
        achieved, as_of = goal.achieved, goal.as_of
        if measured is not None and measured.latest is not None:
            as_of, achieved = measured.latest
        places = measured.places if measured else []
        goals.append(
            {
                "description": goal.description,
                "unit": goal.unit,
                "baseline": goal.baseline,
                "target": goal.target,
                "deadline": goal.deadline,
                "achieved": achieved,
                "as_of": as_of,
                "achieved_share": share(achieved, goal.target),
                "points": [
                    {"day": day, "total": total, "share": share(total, goal.target)}
                    for day, total in measured.points
                ]
                if measured
                else [],
                "places": [
                    {
                        "place": f"{p.centre_code} {p.centre_name}"
                        if p.centre_code
                        else gettext("The project as a whole"),
                        "day": p.measured_on,
                        "value": p.value,
                    }
                    for p in places
                ]
                if len(places) > 1 or any(p.centre_code for p in places)
                else [],
            }
        )
    return goals
