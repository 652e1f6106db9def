"""The rule that makes funding structural, once in SQL (for the sums) and once in words.

An agreement is structural when the national office has overridden it (then that answer,
with its reason); otherwise, while it awaits the national office's confirmation (four eyes:
a treasurer added or changed it), it is incidental; otherwise when its funder's type is
structural by default AND the agreement is recurring or multi-year (open-ended, or running
more than one year). An income line is structural exactly when it has an agreement that is
structural. tests/test_share_four_eyes.py checks that the SQL and the words agree.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Integer, Select, and_, case, false, literal_column, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement, coalesce

from fundtrack.income.models import Funder, FundingAgreement, IncomeLine, StructuralRule

# Same threshold as FundingAgreement.multi_year: more than a (leap) year between the dates.
MULTI_YEAR_DAYS = 366


class days_between(FunctionElement):
    """Whole days from the second date to the first, in either database."""

    type = Integer()
    inherit_cache = True


@compiles(days_between)
def _days_between_postgresql(element, compiler, **kw):
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"({later} - {earlier})"


@compiles(days_between, "sqlite")
def _days_between_sqlite(element, compiler, **kw):
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


def structural_expression(agreement=FundingAgreement, rule=StructuralRule):
    """A boolean SQL expression: is the (outer-joined) agreement structural?

    False when there is no agreement. It holds no bound parameters, so it can be grouped by
    or summed over (`sum(case((expr, amount)))`) on PostgreSQL and SQLite alike.
    """
    long_running = or_(
        agreement.recurring,
        agreement.end_date.is_(None),
        days_between(agreement.end_date, agreement.start_date)
        > literal_column(str(MULTI_YEAR_DAYS)),
    )
    return case(
        (agreement.id.is_(None), false()),
        (agreement.structural_override.is_not(None), agreement.structural_override),
        (agreement.awaiting_confirmation, false()),
        else_=and_(coalesce(rule.structural_by_default, false()), long_running),
    )


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


def is_long_running(recurring: bool, start: date, end: date | None) -> bool:
    """Recurring, open-ended or running more than one year: the Python twin of the SQL."""
    return recurring or end is None or (end - start).days > MULTI_YEAR_DAYS


def structural_by_rule(session: Session, funder_type, recurring, start, end) -> bool:
    """Would an agreement with these values count as structural under its funder type's
    rule (no override, nothing awaiting)? What four eyes asks before a treasurer's change."""
    rule = session.get(StructuralRule, funder_type) if funder_type is not None else None
    return bool(rule and rule.structural_by_default) and is_long_running(
        bool(recurring), start, end
    )


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


def explain(
    *,
    has_agreement: bool,
    override: bool | None = None,
    reason: str | None = None,
    funder_type=None,
    structural_by_default: bool | None = None,
    recurring: bool = False,
    start: date | None = None,
    end: date | None = None,
    awaiting: bool = False,
    wording: Wording = ENGLISH,
) -> str:
    """Why income is structural or incidental, in a sentence starting with the verdict.

    Works from plain values so that a page of traced lines needs no query per line.
    """
    t = wording.translate
    if not has_agreement:
        return t(N_("incidental: no funding agreement"))
    if override is not None:
        if override:
            return t(N_("structural: override by the national office: %(reason)s"), reason=reason)
        return t(N_("incidental: override by the national office: %(reason)s"), reason=reason)
    by_rule = _by_rule(funder_type, structural_by_default, recurring, start, end, wording)
    if awaiting and structural_by_default and is_long_running(recurring, start, end):
        return t(
            N_(
                "incidental: awaiting confirmation by the national office; once confirmed "
                "it counts as structural (%(why)s)"
            ),
            why=by_rule.partition(": ")[2],
        )
    return by_rule


def _by_rule(funder_type, structural_by_default, recurring, start, end, wording) -> str:
    t = wording.translate
    who = wording.funder(funder_type)
    if not structural_by_default:
        return t(N_("incidental: %(who)s income is not structural by default"), who=who)
    if recurring:
        how = t(N_("the agreement is recurring"))
    elif end is None:
        how = t(N_("the agreement is open-ended"))
    elif is_long_running(recurring, start, end):
        how = t(
            N_("the agreement runs more than one year (%(start)s to %(end)s)"),
            start=start.isoformat(),
            end=end.isoformat(),
        )
    else:
        return t(
            N_(
                "incidental: %(who)s income is structural by default, but the agreement is "
                "one-off and runs one year or less (%(start)s to %(end)s)"
            ),
            who=who,
            start=start.isoformat(),
            end=end.isoformat(),
        )
    return t(
        N_("structural: %(who)s income is structural by default and %(how)s"), who=who, how=how
    )


# What `explain_row` reads: select these (after `join_rule`) next to a query's own columns.
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


def explain_row(row, *, has_agreement: bool = True, wording: Wording = ENGLISH) -> str:
    """`explain` for a query row that selected RULE_COLUMNS."""
    return explain(
        has_agreement=has_agreement,
        override=row.structural_override,
        reason=row.override_reason,
        funder_type=row.funder_type,
        structural_by_default=row.structural_by_default,
        recurring=bool(row.recurring),
        start=row.start_date,
        end=row.end_date,
        awaiting=bool(row.awaiting_confirmation),
        wording=wording,
    )


def explain_agreement(session: Session, agreement: FundingAgreement) -> str:
    """Why this agreement's income counts as structural or incidental (the current rule)."""
    funder_type = agreement.funder.type if agreement.funder else None
    rule = session.get(StructuralRule, funder_type) if funder_type else None
    return explain(
        has_agreement=True,
        override=agreement.structural_override,
        reason=agreement.override_reason,
        funder_type=funder_type,
        structural_by_default=rule.structural_by_default if rule else False,
        recurring=agreement.recurring,
        start=agreement.start_date,
        end=agreement.end_date,
        awaiting=bool(agreement.awaiting_confirmation),
    )


def is_structural(explanation: str) -> bool:
    return explanation.startswith("structural:")


def is_awaiting(explanation: str) -> bool:
    """Does this (English) explanation say the agreement awaits the national office?"""
    return explanation.startswith("incidental: awaiting confirmation")
