"""The structural rule (share/rule.py) joined to the tables for the sums, and put in words.

`structural_expression()` is the rule as SQL over an (outer-joined) agreement and its funder
type's rule; `verdict()` is the same rule on plain values: structural or not, whether it
awaits the national office's confirmation, which step decided and why, in words. An override
by the national office wins over a pending confirmation (see share/rule.py). Screens word the
verdict in the user's language, the API in English; no flag is ever read back from words.
"""

from collections.abc import Callable
from dataclasses import dataclass, fields

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from fundtrack.income.models import Funder, FundingAgreement, IncomeLine, StructuralRule
from fundtrack.share import rule
from fundtrack.share.rule import Facts


def _columns(agreement, structural_rule) -> dict:
    # The facts the rule reads (share.rule.Facts), as the columns they come from.
    return {
        "has_agreement": agreement.id.is_not(None),
        "structural_override": agreement.structural_override,
        "awaiting_confirmation": agreement.awaiting_confirmation,
        "structural_by_default": structural_rule.structural_by_default,
        "recurring": agreement.recurring,
        "start_date": agreement.start_date,
        "end_date": agreement.end_date,
    }


def structural_expression(agreement=FundingAgreement, structural_rule=StructuralRule):
    """A boolean SQL expression: is the (outer-joined) agreement structural?

    False when there is no agreement, never NULL. It holds no bound parameters, so it can be
    grouped by or summed over (`sum(case((expr, amount)))`) on PostgreSQL and SQLite alike.
    """
    return rule.as_sql(_columns(agreement, structural_rule))


def awaiting_expression(agreement=FundingAgreement, structural_rule=StructuralRule):
    """SQL: the (joined) agreement counts as incidental only until the national office
    confirms it: the rule's "awaiting" step decides (not overridden, structural by the rule)."""
    return rule.decided_by_sql("awaiting", _columns(agreement, structural_rule))


def join_rule(stmt: Select, agreement=FundingAgreement) -> Select:
    """Join the agreement's funder and the rule for its type (outer: a rule may be missing)."""
    return stmt.outerjoin(Funder, Funder.id == agreement.funder_id).outerjoin(
        StructuralRule, StructuralRule.funder_type == Funder.type
    )


def classified_agreements():
    """A subquery (id, structural) classifying every agreement once.

    Joining income lines to these few rows costs one hash join per line instead of three
    (agreement, funder, rule): what keeps a year of 100,000 lines near the bare SQL's speed.
    """
    stmt = select(FundingAgreement.id, structural_expression().label("structural"))
    return join_rule(stmt).subquery("classified_agreements")


def join_classification(stmt: Select) -> Select:
    """Join an income-line query to what `structural_expression()` needs."""
    stmt = stmt.outerjoin(FundingAgreement, FundingAgreement.id == IncomeLine.agreement_id)
    return join_rule(stmt)


# What `verdict_row` reads: select these (after `join_rule`) next to a query's own columns.
RULE_COLUMNS = (
    FundingAgreement.structural_override,
    FundingAgreement.override_reason,
    FundingAgreement.recurring,
    FundingAgreement.start_date,
    FundingAgreement.end_date,
    Funder.type.label("funder_type"),
    StructuralRule.structural_by_default,
    FundingAgreement.awaiting_confirmation,
)
_FACT_NAMES = tuple(f.name for f in fields(Facts) if f.name != "has_agreement")


def _funder_words(funder_type) -> str:
    value = getattr(funder_type, "value", funder_type)
    return str(value or "unknown funder").replace("_", " ")


def N_(message: str) -> str:  # noqa: N802  (gettext's conventional marker)
    """Marks a sentence for the catalogues; screens translate it, the API keeps English."""
    return message


def _english(message: str, **values) -> str:
    return message % values if values else message


@dataclass(frozen=True)
class Wording:
    """How an explanation is worded: English for the API, the user's language on screens."""

    translate: Callable[..., str] = _english
    funder: Callable[[object], str] = _funder_words


ENGLISH = Wording()


@dataclass(frozen=True)
class Verdict:
    """Whether an agreement's income counts as structural, and why."""

    structural: bool
    awaiting: bool  # incidental only until the national office confirms the agreement
    step: str  # the step of the rule that decided: no_agreement, override, awaiting, rule
    # Finer: the step's code, except for the rule's step and `awaiting` (which the rule would
    # make structural): not_by_default, recurring, open_ended, multi_year, one_year_or_less.
    reason: str
    words: str  # a sentence starting with the verdict, in the wording asked for


def verdict(facts: Facts, wording: Wording = ENGLISH) -> Verdict:
    """Decide by the rule and say why. Works from plain values, so a page of lines needs
    no query per line."""
    step, structural = rule.decide(facts)
    reason = _rule_reason(facts) if step.code in ("rule", "awaiting") else step.code
    t = wording.translate
    if step.code == "no_agreement":
        words = t(N_("incidental: no funding agreement"))
    elif step.code == "override" and structural:
        words = t(
            N_("structural: override by the national office: %(reason)s"),
            reason=facts.override_reason,
        )
    elif step.code == "override":
        words = t(
            N_("incidental: override by the national office: %(reason)s"),
            reason=facts.override_reason,
        )
    elif step.code == "awaiting":
        words = t(
            N_(
                "incidental: awaiting confirmation by the national office; once confirmed "
                "it counts as structural (%(why)s)"
            ),
            why=t(N_("%(who)s income is structural by default and %(how)s"),
                  who=wording.funder(facts.funder_type), how=_how(facts, reason, wording)),
        )  # fmt: skip
    else:
        words = _by_the_rule(facts, reason, wording)
    return Verdict(structural, step.code == "awaiting", step.code, reason, words)


def _rule_reason(facts: Facts) -> str:
    """Which part of the funder type's rule decided (the first that applies)."""
    if not rule.STRUCTURAL_BY_DEFAULT.holds(facts):
        return "not_by_default"
    if rule.RECURRING.holds(facts):
        return "recurring"
    if rule.OPEN_ENDED.holds(facts):
        return "open_ended"
    if rule.MORE_THAN_A_YEAR.holds(facts):
        return "multi_year"
    return "one_year_or_less"


def _how(facts: Facts, reason: str, wording: Wording) -> str:
    t = wording.translate
    if reason == "recurring":
        return t(N_("the agreement is recurring"))
    if reason == "open_ended":
        return t(N_("the agreement is open-ended"))
    return t(
        N_("the agreement runs more than one year (%(start)s to %(end)s)"),
        start=facts.start_date.isoformat(),
        end=facts.end_date.isoformat(),
    )


def _by_the_rule(facts: Facts, reason: str, wording: Wording) -> str:
    t = wording.translate
    who = wording.funder(facts.funder_type)
    if reason == "not_by_default":
        return t(N_("incidental: %(who)s income is not structural by default"), who=who)
    if reason == "one_year_or_less":
        return t(
            N_(
                "incidental: %(who)s income is structural by default, but the agreement is "
                "one-off and runs one year or less (%(start)s to %(end)s)"
            ),
            who=who,
            start=facts.start_date.isoformat(),
            end=facts.end_date.isoformat(),
        )
    return t(
        N_("structural: %(who)s income is structural by default and %(how)s"),
        who=who,
        how=_how(facts, reason, wording),
    )


# The rule step by step, as the /rules page lists it: one sentence per step of share.rule.
STEP_WORDS = {
    "no_agreement": N_("Income without a funding agreement is incidental."),
    "override": N_(
        "An override by the national office decides, structural or incidental, also for an "
        "agreement that awaits confirmation: the override is the office's own decision."
    ),
    "awaiting": N_(
        "An agreement a treasurer added or changed so that it would count as structural "
        "counts as incidental until the national office confirms it."
    ),
    "rule": N_(
        "Otherwise income is structural when the rule for its funder's type says so and the "
        "agreement is recurring, open-ended or runs more than one year (more than 366 days)."
    ),
}


def rule_in_words(wording: Wording = ENGLISH) -> list[str]:
    """The rule's steps in the order they decide, one sentence each."""
    return [wording.translate(STEP_WORDS[step.code]) for step in rule.STEPS]


def facts_of_row(row, *, has_agreement: bool = True) -> Facts:
    """The facts of a query row that selected RULE_COLUMNS."""
    if not has_agreement:
        return Facts(has_agreement=False)
    return Facts(True, **{name: getattr(row, name) for name in _FACT_NAMES})


def facts_of_agreement(agreement: FundingAgreement, funder_type, structural_by_default) -> Facts:
    """The facts of a loaded agreement, given its funder's type and that type's rule (None:
    no rule), so that a caller with the funders and rules loaded needs no statement."""
    return Facts(
        has_agreement=True,
        structural_override=agreement.structural_override,
        override_reason=agreement.override_reason,
        awaiting_confirmation=bool(agreement.awaiting_confirmation),
        funder_type=funder_type,
        structural_by_default=structural_by_default,
        recurring=bool(agreement.recurring),
        start_date=agreement.start_date,
        end_date=agreement.end_date,
    )


def verdict_row(row, *, has_agreement: bool = True, wording: Wording = ENGLISH) -> Verdict:
    """`verdict` for a query row that selected RULE_COLUMNS."""
    return verdict(facts_of_row(row, has_agreement=has_agreement), wording)


def verdict_of_agreement(
    session: Session, agreement: FundingAgreement, wording: Wording = ENGLISH
) -> Verdict:
    """The verdict on this agreement under the current rule (one look-up of its rule)."""
    funder_type = agreement.funder.type if agreement.funder else None
    found = session.get(StructuralRule, funder_type) if funder_type is not None else None
    default = found.structural_by_default if found else None
    return verdict(facts_of_agreement(agreement, funder_type, default), wording)


def explain(*, wording: Wording = ENGLISH, **values) -> str:
    """The words of `verdict` for plain values (the names of `Facts`)."""
    return verdict(Facts(**values), wording).words


def explain_row(row, *, has_agreement: bool = True, wording: Wording = ENGLISH) -> str:
    """The words of `verdict_row`."""
    return verdict_row(row, has_agreement=has_agreement, wording=wording).words


def explain_agreement(session: Session, agreement: FundingAgreement) -> str:
    """Why this agreement's income counts as structural or incidental (the current rule)."""
    return verdict_of_agreement(session, agreement).words


def structural_by_rule(session: Session, funder_type, recurring, start, end) -> bool:
    """Would an agreement with these values count as structural under its funder type's
    rule (no override, nothing awaiting)? What four eyes asks before a treasurer's change."""
    found = session.get(StructuralRule, funder_type) if funder_type is not None else None
    facts = Facts(
        has_agreement=True,
        funder_type=funder_type,
        structural_by_default=found.structural_by_default if found else None,
        recurring=bool(recurring),
        start_date=start,
        end_date=end,
    )
    return verdict(facts).structural
