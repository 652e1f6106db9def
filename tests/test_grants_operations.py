"""Grant applications: every allowed and refused move, award rules, allocations, scoping."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from fundtrack.audit.models import AuditEvent
from fundtrack.auth.access import NotAllowed, load_visible, may_change, visible
from fundtrack.errors import Conflict, NotFound, ValidationError
from fundtrack.grants import operations, parts
from fundtrack.grants.models import Grant, GrantState, ReportKind
from fundtrack.grants.operations import MOVES, final_report_due, move_grant
from fundtrack.income.models import FundingAgreement
from fundtrack.labels import GRANT_STATE_LABELS, label_of
from tests import factories
from tests.grant_helpers import awarded, grant

S = GrantState
ALLOWED = [(source, target) for source, targets in MOVES.items() for target in targets]
REFUSED = [(source, target) for source in S for target in S if (source, target) not in ALLOWED]
# How to reach each state from a draft.
PATHS = {
    S.DRAFT: [],
    S.SUBMITTED: [S.SUBMITTED],
    S.AWARDED: [S.SUBMITTED, S.AWARDED],
    S.PARTLY_AWARDED: [S.SUBMITTED, S.PARTLY_AWARDED],
    S.REJECTED: [S.SUBMITTED, S.REJECTED],
    S.WITHDRAWN: [S.SUBMITTED, S.WITHDRAWN],
    S.REPORTING: [S.SUBMITTED, S.AWARDED, S.REPORTING],
    S.CLOSED: [S.SUBMITTED, S.AWARDED, S.REPORTING, S.CLOSED],
}


@pytest.fixture
def centre(session, network):
    return factories.centre(session, code="HLM")


@pytest.fixture
def national(session, network):
    return factories.user(session, role="national")


def _reach(session, user, row, state):
    for step in PATHS[state]:
        amount = Decimal("500000.00") if step == S.PARTLY_AWARDED else row.amount_requested
        move_grant(
            session, user, row, step,
            amount_awarded=amount if step in (S.AWARDED, S.PARTLY_AWARDED) else None,
        )  # fmt: skip
        if step == S.REPORTING:
            for obligation in row.obligations:
                obligation.sent_on = date(2026, 3, 1)


def test_the_move_table_follows_the_issue():
    assert MOVES[S.DRAFT] == (S.SUBMITTED,)
    assert set(MOVES[S.SUBMITTED]) == {S.AWARDED, S.PARTLY_AWARDED, S.REJECTED, S.WITHDRAWN}
    assert MOVES[S.AWARDED] == MOVES[S.PARTLY_AWARDED] == (S.REPORTING,)
    assert MOVES[S.REPORTING] == (S.CLOSED,)
    assert not MOVES[S.REJECTED] and not MOVES[S.WITHDRAWN] and not MOVES[S.CLOSED]


@pytest.mark.parametrize(("source", "target"), ALLOWED, ids=lambda s: s.value)
def test_every_allowed_move_is_made_and_recorded(session, centre, national, source, target):
    row = grant(session, centre, user=national)
    _reach(session, national, row, source)
    amount = row.amount_requested if target in (S.AWARDED, S.PARTLY_AWARDED) else None
    move = move_grant(session, national, row, target, amount_awarded=amount, on=date(2025, 2, 3))
    assert row.state == target
    assert (move.from_state, move.to_state) == (source, target)
    assert move.moved_on == date(2025, 2, 3) and move.user_id == national.id
    session.commit()
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "grant_transitions")
    ).all()
    assert events, "every move is audited"


@pytest.mark.parametrize(("source", "target"), REFUSED, ids=lambda s: s.value)
def test_every_other_move_is_refused_naming_the_state(session, centre, national, source, target):
    row = grant(session, centre, user=national)
    _reach(session, national, row, source)
    with pytest.raises(Conflict) as refused:
        move_grant(session, national, row, target, amount_awarded=Decimal("1.00"))
    assert refused.value.field == "state"
    assert refused.value.code == "move_not_allowed"
    said = str(refused.value.message)
    # Both states named in words, whichever of the two sentences it is.
    assert f"“{label_of(GRANT_STATE_LABELS, source)}”" in said
    assert f"cannot become “{label_of(GRANT_STATE_LABELS, target)}”" in said
    assert row.state == source


def test_an_award_below_the_request_is_partly_awarded(session, centre, national):
    row = grant(session, centre, user=national)
    move_grant(session, national, row, "submitted")
    move_grant(session, national, row, "awarded", amount_awarded=Decimal("600000.00"))
    assert row.state == S.PARTLY_AWARDED and row.amount_awarded == Decimal("600000.00")


def test_the_user_may_say_a_lower_award_is_awarded_in_full(session, centre, national):
    row = grant(session, centre, user=national)
    move_grant(session, national, row, "submitted")
    move_grant(session, national, row, "awarded", amount_awarded=Decimal("600000.00"), partly=False)
    assert row.state == S.AWARDED


def test_awarding_needs_an_amount_and_adds_the_final_report(session, centre, national):
    row = grant(session, centre, user=national, end=date(2025, 11, 30))
    move_grant(session, national, row, "submitted")
    with pytest.raises(ValidationError) as refused:
        move_grant(session, national, row, "awarded")
    assert refused.value.field == "amount_awarded"
    move_grant(session, national, row, "awarded", amount_awarded=Decimal("700000.00"))
    [final] = row.obligations
    assert final.kind == ReportKind.FINAL and final.due_date == date(2026, 2, 28)


def test_closing_is_refused_while_a_report_is_unsent(session, centre, national):
    row = awarded(session, centre)
    move_grant(session, national, row, "reporting")
    with pytest.raises(Conflict) as refused:
        move_grant(session, national, row, "closed")
    assert refused.value.code == "report_unsent"
    assert str(refused.value.message) == "Final report due Mar 31, 2026 is not sent"
    parts.update_obligation(session, national, row.obligations[0], {"sent_on": date(2026, 3, 20)})
    move_grant(session, national, row, "closed")
    assert row.state == S.CLOSED


def test_a_closed_grants_report_cannot_become_unsent(session, centre, national):
    row = awarded(session, centre)
    move_grant(session, national, row, "reporting")
    parts.update_obligation(session, national, row.obligations[0], {"sent_on": date(2026, 3, 20)})
    move_grant(session, national, row, "closed")
    with pytest.raises(Conflict, match="closed application"):
        parts.update_obligation(session, national, row.obligations[0], {"sent_on": None})
    assert row.obligations[0].sent_on == date(2026, 3, 20)


def test_a_final_report_is_due_three_months_after_the_end():
    assert final_report_due(date(2025, 12, 31)) == date(2026, 3, 31)
    assert final_report_due(date(2025, 6, 15)) == date(2025, 9, 15)


def test_only_a_draft_can_be_deleted(session, centre, national):
    draft = grant(session, centre, user=national)
    operations.delete_grant(session, national, draft)
    row = grant(session, centre, user=national)
    move_grant(session, national, row, "submitted")
    with pytest.raises(Conflict) as refused:
        operations.delete_grant(session, national, row)
    assert refused.value.code == "not_a_draft"


def test_the_funders_threshold_marks_an_auditors_statement(session, centre, national):
    dam = factories.funder(session, type="foundation", auditor_statement_threshold=Decimal(300000))
    big = grant(session, centre, funder=dam, user=national)
    small = grant(session, centre, funder=dam, user=national, amount_requested=Decimal("200000"))
    assert big.auditor_statement_required and not small.auditor_statement_required


def test_allocations_sum_to_at_most_the_award(session, network, national):
    offices = [factories.centre(session) for _ in range(3)]
    row = awarded(session, None, amount="600000.00")
    parts.allocate(session, national, row, offices[0].code, Decimal("300000.00"))
    parts.allocate(session, national, row, offices[1].code, Decimal("300000.00"))
    with pytest.raises(ValidationError) as refused:
        parts.allocate(session, national, row, offices[2].code, Decimal("0.01"))
    assert refused.value.field == "amount" and "more than the 600000.00 awarded" in str(
        refused.value
    )
    parts.allocate(session, national, row, offices[1].code, Decimal("200000.00"))
    parts.allocate(session, national, row, offices[2].code, Decimal("100000.00"))
    assert sum(a.amount for a in row.allocations) == Decimal("600000.00")


def test_a_centres_own_application_is_not_allocated(session, centre, national):
    row = grant(session, centre, user=national)
    with pytest.raises(ValidationError, match="only the national office"):
        parts.allocate(session, national, row, centre.code, Decimal("1.00"))


def test_goals_budget_and_obligations(session, centre, national):
    row = grant(session, centre, user=national)
    counted = parts.add_goal(session, national, row, {
        "kind": "quantitative", "description": "users of the service", "unit": "users",
        "target": Decimal(160),
    })  # fmt: skip
    parts.add_goal(session, national, row, {"kind": "qualitative", "description": "reach"})
    with pytest.raises(ValidationError) as refused:
        parts.add_goal(session, national, row, {"kind": "quantitative", "description": "x"})
    assert refused.value.field == "target"
    parts.update_goal(
        session, national, counted, {"achieved": Decimal(120), "as_of": date(2025, 9, 1)}
    )
    parts.add_budget_line(session, national, row, {"category": "staff", "amount": Decimal(400000)})
    with pytest.raises(Conflict):
        parts.add_budget_line(session, national, row, {"category": "staff", "amount": Decimal(1)})
    final = parts.add_obligation(session, national, row, {"kind": "final"})
    assert final.due_date == date(2026, 3, 31)
    assert len(row.goals) == 2 and len(row.budget_lines) == 1


def test_a_treasurer_cannot_see_change_or_move_another_centres_grant(session, centre, network):
    other = factories.centre(session)
    theirs = grant(session, other)
    treasurer = factories.user(session, role="treasurer", centre=centre)
    with pytest.raises(NotFound):
        load_visible(session, Grant, theirs.id, treasurer)
    assert not may_change(treasurer, theirs)
    assert theirs not in session.scalars(visible(Grant, treasurer)).all()
    with pytest.raises(NotAllowed):
        operations.update_grant(session, treasurer, theirs, {"summary": "mine now"})
    with pytest.raises(NotAllowed):
        move_grant(session, treasurer, theirs, "submitted")
    with pytest.raises(NotAllowed):
        parts.add_goal(session, treasurer, theirs, {"kind": "qualitative", "description": "x"})
    with pytest.raises(ValidationError):
        grant(session, other, user=treasurer)
    with pytest.raises(NotAllowed):
        grant(session, None, user=treasurer)


def test_a_treasurer_applies_and_moves_their_own(session, centre):
    treasurer = factories.user(session, role="treasurer", centre=centre)
    row = grant(session, centre, user=treasurer)
    move_grant(session, treasurer, row, "submitted")
    assert row.state == S.SUBMITTED and row.currency == centre.currency


def test_an_auditor_changes_nothing(session, centre):
    row = grant(session, centre)
    auditor = factories.user(session, role="auditor")
    assert load_visible(session, Grant, row.id, auditor) is row
    assert not may_change(auditor, row)
    with pytest.raises(NotAllowed):
        move_grant(session, auditor, row, "submitted")


def test_a_recurring_award_becomes_a_funding_agreement(session, centre, national):
    municipality = factories.funder(session, type="municipality")
    row = awarded(session, centre, amount="50000.00", funder=municipality, recurring=True,
                  amount_requested=Decimal("50000.00"), end=date(2027, 12, 31))  # fmt: skip
    agreement = operations.turn_into_agreement(session, national, row)
    assert isinstance(agreement, FundingAgreement)
    assert agreement.annual_amount == Decimal("50000.00") and agreement.recurring
    assert (agreement.start_date, agreement.end_date) == (row.start_date, row.end_date)
    assert row.agreement is agreement
    with pytest.raises(Conflict):
        operations.turn_into_agreement(session, national, row)


def test_a_one_off_or_undecided_grant_does_not_become_an_agreement(session, centre, national):
    with pytest.raises(Conflict) as refused:
        operations.turn_into_agreement(session, national, awarded(session, centre))
    assert refused.value.field == "recurring"
    with pytest.raises(Conflict) as refused:
        operations.turn_into_agreement(session, national, grant(session, centre, recurring=True))
    assert refused.value.field == "state"
