"""One structural rule: the figures' SQL, the words, the trace, the import preview and the
API give the same answer for every agreement; the national office's override wins over a
pending confirmation."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from fundtrack.imports.matching import Counterparties, counterparty_key
from fundtrack.income.models import FunderType, IncomeCategory, StructuralRule
from fundtrack.share import rule
from fundtrack.share.classification import (
    classified_agreements,
    rule_in_words,
    verdict_of_agreement,
)
from fundtrack.share.rules import awaiting_agreements
from fundtrack.share.trace import trace
from tests import factories
from tests.api_helpers import ApiCaller

# 2023-03-01 to 2024-03-01 crosses a leap day: 366 days, still "one year or less".
STARTS = [date(2023, 3, 1), date(2024, 1, 1), date(2025, 1, 1)]
BOUNDARY_DAYS = [0, 364, 365, 366, 367, 800]


@pytest.fixture
def office(client, session, network):
    """The national office with an API token; its user traces the figures too."""
    return ApiCaller(client, session).as_("national")


def _rule(session, funder_type, by_default: bool | None) -> None:
    """Set a funder type's rule; None leaves the type without one."""
    existing = session.get(StructuralRule, funder_type)
    if by_default is None:
        if existing is not None:
            session.delete(existing)
    elif existing is None:
        session.add(StructuralRule(funder_type=funder_type, structural_by_default=by_default))
    else:
        existing.structural_by_default = by_default
    session.flush()


def _book(session, centre, case: dict):
    """A funder of the case's type, its agreement (unless the case has none) and one line."""
    funder = factories.funder(session, case["funder_type"])
    agreement = None
    if case["agreement"]:
        start, days = case["start"], case["days"]
        agreement = factories.agreement(
            session,
            centre,
            funder,
            start_date=start,
            end_date=None if days is None else start + timedelta(days=days),
            recurring=case["recurring"],
            structural_override=case["override"],
            override_reason="the office decided" if case["override"] is not None else None,
            awaiting_confirmation=case["awaiting"],
        )
    line = factories.income(session, centre, "100.00", booking_date=case["start"],
                            funder=funder, agreement=agreement,
                            category=IncomeCategory.GOVERNMENT)  # fmt: skip
    return funder, agreement, line


def _every_path(session, office, centre, booked) -> dict[int, dict[str, bool]]:
    """Per income line: what each path says about it being structural (and awaiting)."""
    session.commit()  # the API call reads what is committed, as a platform would
    answers: dict[int, dict[str, bool]] = {line.id: {} for _f, _a, line in booked}

    classified = classified_agreements()
    ids = [a.id for _f, a, _l in booked if a is not None]
    sql = dict(session.execute(select(classified.c.id, classified.c.structural)
                               .where(classified.c.id.in_(ids))).all())  # fmt: skip
    known = Counterparties.load(session, office.user, centre)
    awaiting_ids = {row.id for row in awaiting_agreements(session, centre.id)[1]}
    for funder, agreement, line in booked:
        said = answers[line.id]
        chosen = (
            {"kind": "agreement", "id": agreement.id}
            if agreement
            else {"kind": "funder", "id": funder.id}
        )
        key = counterparty_key(None, "payer")
        said["import preview"] = known.match(
            None, "payer", line.booking_date, {key: chosen}
        ).structural
        if agreement is None:
            continue
        verdict = verdict_of_agreement(session, agreement)
        said["sql"] = bool(sql[agreement.id])
        said["verdict"] = verdict.structural
        said["words"] = verdict.words.startswith("structural:")
        said["awaiting: verdict"] = verdict.awaiting
        said["awaiting: dashboard"] = agreement.id in awaiting_ids

    for year in {line.fiscal_year for _f, _a, line in booked}:
        traced = trace(session, office.user, year, centre.code, limit=500)
        only_structural = trace(session, office.user, year, centre.code, structural=True, limit=500)
        chosen = {line.id for line in only_structural.income_lines}
        for line in traced.income_lines:
            answers[line.id]["trace"] = line.structural
            answers[line.id]["trace filter"] = line.id in chosen
            if line.agreement_id is not None:
                answers[line.id]["awaiting: trace"] = line.awaiting

    body = office.get(f"/income?centre={centre.code}&page_size=500").get_json()
    for item in body["items"]:
        answers[item["id"]]["api"] = item["structural"]
    body = office.get(f"/agreements?centre={centre.code}&page_size=500").get_json()
    by_agreement = {item["id"]: item["structural"] for item in body["items"]}
    for _f, agreement, line in booked:
        if agreement is not None:
            answers[line.id]["api agreement"] = by_agreement[agreement.id]
    return answers


cases = st.fixed_dictionaries(
    {
        "agreement": st.booleans(),
        "funder_type": st.sampled_from(list(FunderType)),
        "override": st.sampled_from([None, True, False]),
        "awaiting": st.booleans(),
        "recurring": st.booleans(),
        "start": st.sampled_from(STARTS),
        "days": st.one_of(st.none(), st.sampled_from(BOUNDARY_DAYS), st.integers(0, 800)),
    }
)
rules = st.fixed_dictionaries({kind: st.sampled_from([True, False, None]) for kind in FunderType})


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rules=rules, drawn=st.lists(cases, min_size=1, max_size=6))
def test_every_path_gives_the_same_answer_for_every_agreement(session, office, rules, drawn):
    for kind, by_default in rules.items():
        _rule(session, kind, by_default)
    centre = factories.centre(session)
    booked = [_book(session, centre, case) for case in drawn]

    answers = _every_path(session, office, centre, booked)

    for (_funder, agreement, line), case in zip(booked, drawn, strict=True):
        said = answers[line.id]
        structural = {path: v for path, v in said.items() if not path.startswith("awaiting")}
        assert len(set(structural.values())) == 1, (case, rules[case["funder_type"]], said)
        assert len(structural) == (8 if agreement else 4), said
        if agreement is None:
            assert not any(structural.values()), said  # no agreement: incidental
        awaiting = {path: v for path, v in said.items() if path.startswith("awaiting")}
        assert len(set(awaiting.values())) <= 1, (case, said)


# The decisions, one sentence each.


@pytest.fixture
def awaited(session, network):
    """A treasurer's recurring municipal agreement, awaiting the national office."""
    from fundtrack.income.funders import create_agreement

    _rule(session, FunderType.MUNICIPALITY, True)
    centre = factories.centre(session)
    treasurer = factories.user(session, "treasurer", centre)
    values = {"funder": factories.funder(session, FunderType.MUNICIPALITY).id,
              "centre": centre.code, "start": date(2025, 1, 1), "recurring": True,
              "annual_amount": Decimal("12000.00")}  # fmt: skip
    agreement = create_agreement(session, treasurer, values)
    assert agreement.awaiting_confirmation
    return agreement


def test_an_agreement_awaiting_confirmation_counts_as_incidental_and_says_so(session, awaited):
    said = verdict_of_agreement(session, awaited)
    assert (said.structural, said.awaiting, said.step, said.reason) == (
        False, True, "awaiting", "recurring"
    )  # fmt: skip
    assert said.words.startswith("incidental: awaiting confirmation by the national office")
    assert awaited.id in {row.id for row in awaiting_agreements(session, awaited.centre_id)[1]}


@pytest.mark.parametrize("override", [True, False])
def test_the_national_offices_override_wins_over_a_pending_confirmation(
    session, office, awaited, override
):
    from fundtrack.share.rules import override_agreement

    override_agreement(session, office.user, awaited.id, override, "agreed with the town")

    said = verdict_of_agreement(session, awaited)
    assert (said.structural, said.awaiting, said.step) == (override, False, "override")
    assert said.words.endswith("override by the national office: agreed with the town")
    assert awaited.awaiting_confirmation  # kept, but no longer what decides
    assert awaiting_agreements(session, awaited.centre_id) == (0, [])
    known = Counterparties.load(session, office.user, awaited.centre)
    assert known.structural(awaited, awaited.funder) is override


@pytest.mark.parametrize(
    ("start", "days", "structural", "reason"),
    [
        (date(2025, 1, 1), 365, False, "one_year_or_less"),
        (date(2023, 3, 1), 366, False, "one_year_or_less"),  # over a leap day
        (date(2025, 1, 1), 367, True, "multi_year"),
    ],
)
def test_an_agreement_must_run_more_than_366_days_to_be_multi_year(
    session, network, start, days, structural, reason
):
    _rule(session, FunderType.MUNICIPALITY, True)
    centre = factories.centre(session)
    funder = factories.funder(session, FunderType.MUNICIPALITY)
    end = start + timedelta(days=days)
    agreement = factories.agreement(
        session, centre, funder, start_date=start, end_date=end, recurring=False
    )
    said = verdict_of_agreement(session, agreement)
    assert (said.structural, said.step, said.reason) == (structural, "rule", reason)
    classified = classified_agreements()
    in_sql = session.scalar(select(classified.c.structural).where(classified.c.id == agreement.id))
    assert bool(in_sql) is structural


def test_a_funder_type_without_a_rule_gives_incidental_income(session, network):
    _rule(session, FunderType.FOUNDATION, None)
    centre = factories.centre(session)
    funder = factories.funder(session, FunderType.FOUNDATION)
    agreement = factories.agreement(session, centre, funder, recurring=True)
    said = verdict_of_agreement(session, agreement)
    assert (said.structural, said.step, said.reason) == (False, "rule", "not_by_default")
    assert said.words == "incidental: foundation income is not structural by default"


def test_the_rules_page_words_name_every_step_in_the_order_it_decides():
    words = rule_in_words()
    assert [step.code for step in rule.STEPS] == ["no_agreement", "override", "awaiting", "rule"]
    assert len(words) == len(rule.STEPS)
    assert words[1].startswith("An override by the national office decides")
    assert "awaits confirmation" in words[1] and "until the national office confirms" in words[2]
