"""Creating, changing, moving and deleting grant applications: the rules every path meets.

Plain functions in the shape of `income/operations.py`: each checks that the user may manage
the applicant (a centre, or the national office for the network's own applications), checks
the values together, changes the rows and flushes; the caller commits. The audit log follows
from the session hook; each state move is also kept in `grant_transitions` with its day and
who made it. Values use the API's names: `centre` is a centre code (None: national office),
`funder` an id, `start`/`end` dates.
"""

import calendar
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from fundtrack.auth.access import require_manage
from fundtrack.auth.models import User
from fundtrack.centres.locks import current_network
from fundtrack.errors import Conflict, ValidationError
from fundtrack.formatting import format_day
from fundtrack.grants.models import (
    Grant,
    GrantState,
    GrantTransition,
    ReportKind,
    ReportObligation,
    UnspentDecision,
)
from fundtrack.income.models import Funder
from fundtrack.labels import GRANT_STATE_LABELS, REPORT_KIND_LABELS, label_of
from fundtrack.money import check_cents
from fundtrack.operations import centre_by_code, check_year, referenced, refuse_unknown, require

GRANT_FIELDS = (
    "funder", "centre", "programme", "project_name", "project_leader", "summary", "start",
    "end", "amount_requested", "amount_awarded", "currency", "chance", "recurring",
    "auditor_statement_required", "funder_reference", "signatory", "unspent_decision",
    "unspent_amount",
)  # fmt: skip

S = GrantState
# Where each state may move next; anything else is refused naming the state.
MOVES: dict[GrantState, tuple[GrantState, ...]] = {
    S.DRAFT: (S.SUBMITTED,),
    S.SUBMITTED: (S.AWARDED, S.PARTLY_AWARDED, S.REJECTED, S.WITHDRAWN),
    S.AWARDED: (S.REPORTING,),
    S.PARTLY_AWARDED: (S.REPORTING,),
    S.REPORTING: (S.CLOSED,),
    S.REJECTED: (),
    S.WITHDRAWN: (),
    S.CLOSED: (),
}
AWARDED_STATES = (S.AWARDED, S.PARTLY_AWARDED, S.REPORTING, S.CLOSED)
UNDECIDED_STATES = (S.SUBMITTED,)
# A final report is due this many months after the project's end (Stiftelsen Dam asks three).
FINAL_REPORT_MONTHS = 3


def allowed_moves(grant: Grant) -> tuple[GrantState, ...]:
    """The states this grant may move to now (what the screens offer as buttons)."""
    return MOVES[grant.state]


def final_report_due(end: date) -> date:
    """Three months after the end; the month's last day when it is shorter (30 Nov -> 28 Feb)."""
    month = end.month - 1 + FINAL_REPORT_MONTHS
    year, month = end.year + month // 12, month % 12 + 1
    return date(year, month, min(end.day, calendar.monthrange(year, month)[1]))


def require_manage_grant(user: User, grant: Grant) -> None:
    """Treasurers manage their own centre's applications; the network's are the office's."""
    require_manage(user, grant.centre_id)


def _current(grant: Grant) -> dict:
    return {
        "funder": grant.funder_id,
        "centre": grant.centre.code if grant.centre else None,
        "programme": grant.programme,
        "project_name": grant.project_name,
        "project_leader": grant.project_leader,
        "summary": grant.summary,
        "start": grant.start_date,
        "end": grant.end_date,
        "amount_requested": grant.amount_requested,
        "amount_awarded": grant.amount_awarded,
        "currency": grant.currency,
        "chance": grant.chance,
        "recurring": grant.recurring,
        "auditor_statement_required": grant.auditor_statement_required,
        "funder_reference": grant.funder_reference,
        "signatory": grant.signatory,
        "unspent_decision": grant.unspent_decision,
        "unspent_amount": grant.unspent_amount,
    }


def positive_amount(value, field: str, *, allow_zero: bool = False):
    if value is None or value < 0 or (value == 0 and not allow_zero):
        if allow_zero:
            raise ValidationError(field, _l("must be 0 or more"), code="negative")
        raise ValidationError(field, _l("must be more than 0"), code="not_positive")
    return check_cents(value, field)


def check_date(value, field: str) -> date:
    if not isinstance(value, date):
        raise ValidationError(field, _l("is not a date"), code="not_a_date")
    check_year(value.year, field)
    return value


def awarded_on(grant: Grant) -> date | None:
    """The day the funder decided the award (its last move to awarded or partly awarded)."""
    moves = [t for t in grant.transitions if t.to_state in AWARDED_STATES[:2]]
    return moves[-1].moved_on if moves else None


def needs_auditor_statement(funder: Funder, amount) -> bool:
    """Whether the funder's threshold asks for an auditor's statement on this amount."""
    threshold = funder.auditor_statement_threshold
    return threshold is not None and amount is not None and amount >= threshold


def _values(session: Session, user: User, values: dict, grant: Grant | None) -> dict:
    refuse_unknown(values, GRANT_FIELDS, "a grant application")
    merged = (_current(grant) if grant else {}) | values
    require(merged, "funder", "project_name", "start", "end", "amount_requested")
    if grant is not None and merged.get("centre") != _current(grant)["centre"]:
        raise ValidationError(
            "centre",
            _l("an application cannot move to another applicant"),
            code="applicant_fixed",
        )
    if grant is not None:
        centre = grant.centre
    elif merged.get("centre") is not None:
        centre = centre_by_code(session, user, merged["centre"])
    else:
        centre = None
    require_manage(user, centre.id if centre else None)
    funder = referenced(session, user, Funder, merged["funder"], "funder", "funder")
    name = (merged["project_name"] or "").strip()
    if not name:
        raise ValidationError("project_name", _l("is required"), code="required")
    start, end = check_date(merged["start"], "start"), check_date(merged["end"], "end")
    if end < start:
        raise ValidationError("end", _l("ends before it starts"), code="ends_before_start")
    requested = positive_amount(merged["amount_requested"], "amount_requested")
    awarded = merged.get("amount_awarded")
    state = grant.state if grant else S.DRAFT
    if awarded is not None:
        if state not in AWARDED_STATES:
            raise ValidationError(
                "amount_awarded",
                _l("an application in state “%(state)s” has no award",
                   state=label_of(GRANT_STATE_LABELS, state)),
                code="no_award",
            )  # fmt: skip
        awarded = positive_amount(awarded, "amount_awarded")
    currency = centre.currency if centre else current_network(session).currency
    if merged.get("currency") not in (None, currency):
        raise ValidationError(
            "currency",
            _l("the applicant keeps its books in %(currency)s, not %(given)s",
               currency=currency, given=merged["currency"]),
            code="other_currency",
        )  # fmt: skip
    chance = merged.get("chance")
    if chance is not None and (
        isinstance(chance, bool) or not isinstance(chance, int) or not 0 <= chance <= 100
    ):
        raise ValidationError(
            "chance", _l("must be a whole percentage from 0 to 100"), code="not_a_percentage"
        )
    statement = merged.get("auditor_statement_required")
    if statement is None:
        statement = needs_auditor_statement(funder, awarded or requested)
    return {
        "funder": funder,
        "centre": centre,
        "programme": (merged.get("programme") or "").strip(),
        "project_name": name,
        "project_leader": (merged.get("project_leader") or "").strip(),
        "summary": merged.get("summary") or "",
        "start_date": start,
        "end_date": end,
        "amount_requested": requested,
        "amount_awarded": awarded,
        "currency": currency,
        "chance": chance,
        "recurring": bool(merged.get("recurring")),
        "auditor_statement_required": bool(statement),
        "funder_reference": _short(merged, "funder_reference", 100),
        "signatory": _short(merged, "signatory", 200),
        **_unspent(merged, state),
    }


def _unspent(values: dict, state: GrantState) -> dict:
    """The decision on money not used and its amount: both or neither, once awarded."""
    decision, amount = values.get("unspent_decision"), values.get("unspent_amount")
    if decision in (None, "") and amount is None:
        return {"unspent_decision": None, "unspent_amount": None}
    if state not in AWARDED_STATES:
        raise ValidationError(
            "unspent_decision",
            _l("an application in state “%(state)s” has no award to return",
               state=label_of(GRANT_STATE_LABELS, state)),
            code="no_award",
        )  # fmt: skip
    if decision in (None, ""):
        raise ValidationError(
            "unspent_decision",
            _l("say whether the money not used is returned or kept"),
            code="decision_required",
        )
    try:
        decision = UnspentDecision(decision)
    except ValueError:
        raise ValidationError(
            "unspent_decision",
            _l("%(value)s is not one of the choices", value=decision),
            code="not_a_choice",
        ) from None
    if amount is None:
        raise ValidationError(
            "unspent_amount", _l("say how much money was not used"), code="amount_required"
        )
    return {
        "unspent_decision": decision,
        "unspent_amount": positive_amount(amount, "unspent_amount", allow_zero=True),
    }


def _short(values: dict, field: str, limit: int) -> str:
    text = (values.get(field) or "").strip()
    if len(text) > limit:
        raise ValidationError(
            field, _l("at most %(limit)s characters", limit=limit), code="too_long"
        )
    return text


def create_grant(session: Session, user: User, values: dict) -> Grant:
    """Record a new application as a draft; flushed, not committed."""
    grant = Grant(state=S.DRAFT, **_values(session, user, values, None))
    session.add(grant)
    session.flush()
    return grant


def update_grant(session: Session, user: User, grant: Grant, values: dict) -> Grant:
    """Change an application; the whole application is checked again. A closed one is final."""
    require_manage_grant(user, grant)
    if grant.state == S.CLOSED:
        raise Conflict(
            "state", _l("a closed application can no longer change"), code="grant_closed"
        )
    for attribute, value in _values(session, user, values, grant).items():
        setattr(grant, attribute, value)
    session.flush()
    return grant


def delete_grant(session: Session, user: User, grant: Grant) -> None:
    """Delete an application while it is a draft and no ledger line refers to it."""
    from fundtrack.costs.models import CostLine
    from fundtrack.income.models import IncomeLine
    from fundtrack.operations import check_unused

    require_manage_grant(user, grant)
    if grant.state != S.DRAFT:
        raise Conflict(
            "state",
            _l("only a draft can be deleted; this one is “%(state)s”",
               state=label_of(GRANT_STATE_LABELS, grant.state)),
            code="not_a_draft",
        )  # fmt: skip
    check_unused(
        session,
        "grant",
        (IncomeLine.grant_id, grant.id, "income lines"),
        (CostLine.grant_id, grant.id, "cost lines"),
    )
    session.delete(grant)
    session.flush()


def _target(value) -> GrantState:
    try:
        return GrantState(value)
    except ValueError:
        raise ValidationError(
            "state", _l("%(value)s is not a state of an application", value=value),
            code="not_a_choice",
        ) from None  # fmt: skip


def move_grant(
    session: Session,
    user: User,
    grant: Grant,
    target,
    *,
    amount_awarded=None,
    partly: bool | None = None,
    on: date | None = None,
    note: str = "",
) -> GrantTransition:
    """Move an application to `target`, if its state allows; record the move.

    Awarding needs the amount awarded (given here or already on the grant). An award below
    the amount requested becomes "partly awarded" unless `partly=False` says otherwise;
    `partly=True` marks a partial award whatever the amount. Awarding adds the final report
    obligation (due three months after the end) when there is none. Closing is refused while
    a report is unsent.
    """
    require_manage_grant(user, grant)
    target = _target(target)
    allowed = MOVES[grant.state]
    if target not in allowed:
        words = {"state": label_of(GRANT_STATE_LABELS, grant.state),
                 "target": label_of(GRANT_STATE_LABELS, target)}  # fmt: skip
        if not allowed:
            raise Conflict(
                "state",
                _l(
                    "“%(state)s” is final: the application cannot become “%(target)s”",
                    **words,
                ),
                code="move_not_allowed",
            )
        offered = ", ".join(f"“{label_of(GRANT_STATE_LABELS, s)}”" for s in allowed)
        raise Conflict(
            "state",
            _l("an application in state “%(state)s” cannot become “%(target)s”; "
               "it may become %(offered)s",
               offered=offered, **words),
            code="move_not_allowed",
        )  # fmt: skip
    if amount_awarded is not None and target not in (S.AWARDED, S.PARTLY_AWARDED):
        raise ValidationError(
            "amount_awarded",
            _l("is set when awarding, not when the application becomes “%(target)s”",
               target=label_of(GRANT_STATE_LABELS, target)),
            code="award_when_awarding",
        )  # fmt: skip
    if target in (S.AWARDED, S.PARTLY_AWARDED):
        awarded = amount_awarded if amount_awarded is not None else grant.amount_awarded
        if awarded is None:
            raise ValidationError(
                "amount_awarded", _l("say how much was awarded"), code="award_required"
            )
        grant.amount_awarded = positive_amount(awarded, "amount_awarded")
        if target == S.PARTLY_AWARDED and partly is None:
            partly = True
        if partly is None:
            partly = grant.amount_awarded < grant.amount_requested
        target = S.PARTLY_AWARDED if partly else S.AWARDED
        if needs_auditor_statement(grant.funder, grant.amount_awarded):
            grant.auditor_statement_required = True
        if not any(o.kind == ReportKind.FINAL for o in grant.obligations):
            grant.obligations.append(
                ReportObligation(kind=ReportKind.FINAL, due_date=final_report_due(grant.end_date))
            )
    if target == S.CLOSED:
        unsent = [o for o in grant.obligations if o.sent_on is None]
        if unsent:
            raise Conflict(
                "state",
                _l("%(kind)s due %(day)s is not sent",
                   kind=label_of(REPORT_KIND_LABELS, unsent[0].kind),
                   day=format_day(unsent[0].due_date)),
                code="report_unsent",
            )  # fmt: skip
    move = GrantTransition(
        from_state=grant.state,
        to_state=target,
        moved_on=on or date.today(),
        user_id=user.id,
        note=(note or "").strip(),
    )
    grant.transitions.append(move)
    grant.state = target
    session.flush()
    return move


def turn_into_agreement(session: Session, user: User, grant: Grant):
    """Make an awarded, recurring application a funding agreement, so the share counts it.

    The agreement runs over the grant's period with the award as its annual amount; the
    grant remembers it, and a second call is refused.
    """
    from fundtrack.income.funders import create_agreement

    require_manage_grant(user, grant)
    if grant.state not in AWARDED_STATES or grant.amount_awarded is None:
        raise Conflict(
            "state",
            _l("an application in state “%(state)s” has no award to agree on",
               state=label_of(GRANT_STATE_LABELS, grant.state)),
            code="no_award",
        )  # fmt: skip
    if not grant.recurring:
        raise Conflict(
            "recurring",
            _l("only recurring money becomes a funding agreement"),
            code="not_recurring",
        )
    if grant.centre is None:
        raise Conflict(
            "centre",
            _l("an agreement belongs to a centre; this is the network's"),
            code="network_grant",
        )
    if grant.agreement_id is not None:
        raise Conflict(
            "agreement",
            _l("already funding agreement %(id)s", id=grant.agreement_id),
            grant.agreement_id,
            code="agreement_exists",
        )
    agreement = create_agreement(
        session,
        user,
        {
            "funder": grant.funder_id,
            "centre": grant.centre.code,
            "title": grant.project_name[:200],
            "start": grant.start_date,
            "end": grant.end_date,
            "recurring": True,
            "annual_amount": grant.amount_awarded,
            "currency": grant.currency,
        },
    )
    grant.agreement = agreement
    session.flush()
    return agreement
