"""The national office's classification rules: per funder type, and per agreement.

Both operations check who acts and what is asked, change the rows and flush; the caller
commits. The audit hook records who changed which rule, from what to what.
"""

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundtrack.auth.access import load_visible, require_network_manager
from fundtrack.auth.models import User
from fundtrack.centres.locks import closed_years_with_income, reclassification_refused
from fundtrack.centres.models import Centre
from fundtrack.errors import ValidationError
from fundtrack.income.models import (
    Funder,
    FunderType,
    FundingAgreement,
    IncomeLine,
    StructuralRule,
)
from fundtrack.labels import FUNDER_TYPE_LABELS, label_of
from fundtrack.share.classification import RULE_COLUMNS, awaiting_expression, join_rule

NOTE_MAX = 500


def _funder_type(value) -> FunderType:
    try:
        return FunderType(value)
    except ValueError:
        known = LazyString(
            lambda: ", ".join(label_of(FUNDER_TYPE_LABELS, kind) for kind in FunderType)
        )
        raise ValidationError(
            "funder_type", _l("%(typed)s is not one of %(known)s", typed=repr(value), known=known),
            code="unknown_funder_type",
        ) from None  # fmt: skip


def _text(value, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(name, _l("must be text"), code="not_text")
    value = value.strip()
    if len(value) > NOTE_MAX:
        raise ValidationError(
            name, _l("at most %(limit)s characters", limit=NOTE_MAX), code="too_long"
        )
    return value


def closed_years_under_rule(session: Session, funder_type) -> list[int]:
    """Closed years whose figures a change of this funder type's rule would rewrite."""
    kind = _funder_type(funder_type)
    return closed_years_with_income(
        session,
        IncomeLine.agreement_id.is_not(None),
        IncomeLine.funder_id.in_(select(Funder.id).where(Funder.type == kind)),
    )


def set_structural_rule(
    session: Session, user: User, funder_type, structural_by_default: bool, note: str = ""
) -> StructuralRule:
    """Say whether agreed income from this funder type is structural by default.

    Only the national office and admins may; raises NotAllowed otherwise and ValidationError
    naming the field for a bad value. Flushes; the caller commits.
    """
    require_network_manager(user)
    kind = _funder_type(funder_type)
    if not isinstance(structural_by_default, bool):
        raise ValidationError(
            "structural_by_default", _l("must be true or false"), code="not_a_boolean"
        )
    note = _text(note, "note")
    rule = session.get(StructuralRule, kind)
    if rule is None:
        rule = StructuralRule(funder_type=kind)
        session.add(rule)
    rule.structural_by_default = structural_by_default
    rule.note = note
    session.flush()
    return rule


def override_agreement(
    session: Session, user: User, agreement_id: int, structural: bool | None, reason: str = ""
) -> FundingAgreement:
    """Make one agreement structural (True) or incidental (False) whatever its funder's
    rule, with a reason; None returns it to the rule and clears the reason.

    Only the national office and admins may; raises NotAllowed otherwise, NotFound (a
    LookupError) for an unknown agreement and ValidationError naming the field for a missing
    reason.
    """
    require_network_manager(user)
    agreement = load_visible(session, FundingAgreement, agreement_id, user)
    if structural is not None and not isinstance(structural, bool):
        raise ValidationError(
            "structural", _l("must be true, false or empty (follow the rule)"),
            code="not_a_boolean",
        )  # fmt: skip
    refusal = (
        reclassification_refused(session, agreement.id)
        if structural != agreement.structural_override
        else None
    )
    if refusal:
        raise ValidationError("structural", refusal, code="year_closed")
    if structural is None:
        agreement.structural_override = None
        agreement.override_reason = None
    else:
        reason = _text(reason, "reason")
        if not reason:
            raise ValidationError(
                "reason", _l("required when overriding the rule"), code="reason_required"
            )
        agreement.structural_override = structural
        agreement.override_reason = reason
    session.flush()
    return agreement


def awaiting_filter():
    """Agreements that count as incidental only until the national office confirms them:
    the structural rule's "awaiting" step decides. Not those an override already decided
    (the override is the office's own decision), nor those the funder type's rule makes
    incidental anyway. Needs the rule joined (`join_rule`)."""
    return awaiting_expression()


def confirm_agreement(session: Session, user: User, agreement_id: int) -> FundingAgreement:
    """The national office's second pair of eyes: the agreement now counts as its funder
    type's rule says (structural, most often), no longer as incidental.

    Only the national office and admins may (NotAllowed); NotFound (a LookupError) for an
    unknown agreement; ValidationError naming the field when it awaits nothing or has income
    in a closed fiscal year (confirming would rewrite that year's final figures). Flushes;
    the audit hook records who confirmed it.
    """
    require_network_manager(user)
    agreement = load_visible(session, FundingAgreement, agreement_id, user)
    if not agreement.awaiting_confirmation:
        raise ValidationError(
            "agreement",
            _l("agreement %(id)s awaits no confirmation", id=agreement_id),
            code="not_awaiting",
        )
    refusal = reclassification_refused(session, agreement.id)
    if refusal:
        raise ValidationError("agreement", refusal, code="year_closed")
    agreement.awaiting_confirmation = False
    session.flush()
    return agreement


def awaiting_agreements(session: Session, centre_id: int | None = None, limit: int = 100):
    """(count, rows) of the agreements awaiting confirmation, for one centre or all; each
    row has the agreement's id, title, amount, centre, funder and RULE_COLUMNS (explain_row)."""
    where = [awaiting_filter()]
    if centre_id is not None:
        where.append(FundingAgreement.centre_id == centre_id)
    count = session.scalar(join_rule(select(func.count(FundingAgreement.id))).where(*where))
    if not count:
        return 0, []
    stmt = join_rule(
        select(
            FundingAgreement.id,
            FundingAgreement.title,
            FundingAgreement.annual_amount,
            Centre.code.label("centre_code"),
            Centre.name.label("centre_name"),
            Funder.name.label("funder_name"),
            *RULE_COLUMNS,
        ).join(Centre, Centre.id == FundingAgreement.centre_id)
    ).where(*where)
    rows = session.execute(stmt.order_by(Centre.code, FundingAgreement.id).limit(limit))
    return count, list(rows)
