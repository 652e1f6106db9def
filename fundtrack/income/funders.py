"""Funders (network-wide) and the funding agreements they make with centres.

Treasurers may add a funder (their municipality must be on the list before they can book its
subsidy); renaming, retyping and deleting funders is the national office's, since every
centre shares them. Agreements belong to a centre and follow its managers.
"""

from datetime import date
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundtrack.auth.access import (
    NotAllowed,
    require_manage,
    require_network_manager,
    visible,
)
from fundtrack.auth.models import User
from fundtrack.centres.locks import reclassification_refused
from fundtrack.errors import Conflict, ValidationError
from fundtrack.income.models import Funder, FunderType, FundingAgreement, IncomeLine
from fundtrack.income.operations import check_money
from fundtrack.operations import (
    centre_by_code,
    check_unused,
    check_year,
    referenced,
    refuse_unknown,
    require,
)
from fundtrack.share.classification import structural_by_rule

FUNDER_FIELDS = ("name", "type", "centre")
AGREEMENT_FIELDS = (
    "funder", "centre", "title", "start", "end", "recurring", "annual_amount", "currency",
    "structural_override", "override_reason",
)  # fmt: skip


def _funder_centre(session: Session, user: User, merged: dict, kind: FunderType):
    """A private person funds one centre: the treasurer's own, or the one the office names
    (`centre`, a code). Every other funder is shared by the network (None)."""
    if kind != FunderType.INDIVIDUAL:
        return None
    if user.centre_id is not None:
        return user.centre
    if not merged.get("centre"):
        return None  # the national office's choice: a person known to the whole network
    return centre_by_code(session, user, merged["centre"])


def _funder_values(session: Session, user: User, values: dict, funder: Funder | None) -> dict:
    refuse_unknown(values, FUNDER_FIELDS, "funder")
    current = (
        {"name": funder.name, "type": funder.type, "centre": funder.centre and funder.centre.code}
        if funder
        else {}
    )
    merged = current | values
    require(merged, "name", "type")
    name = merged["name"].strip()
    if not name:
        raise ValidationError("name", _l("is required"), code="required")
    try:
        kind = FunderType(merged["type"])
    except ValueError:
        raise ValidationError(
            "type", _l("%(typed)s is not a funder type", typed=repr(merged["type"])),
            code="unknown_funder_type",
        ) from None  # fmt: skip
    same = select(Funder.id).where(Funder.name == name)
    if funder is not None:
        same = same.where(Funder.id != funder.id)
    existing = session.scalar(same)
    if existing is not None:
        if not session.scalar(visible(Funder, user).where(Funder.id == existing).exists().select()):
            # Another centre's private funder: say nothing about it.
            raise ValidationError(
                "name", _l("is taken; add what tells them apart (a town)"), code="name_taken"
            )
        raise Conflict(
            "name", _l("funder %(id)s already has this name", id=existing), existing,
            code="name_taken",
        )  # fmt: skip
    return {"name": name, "type": kind, "centre": _funder_centre(session, user, merged, kind)}


def create_funder(session: Session, user: User, values: dict) -> Funder:
    """Add a funder to the network's list; treasurers, the national office and admins may."""
    if not user.can_write:
        raise NotAllowed(_l("your role may not add funders"))
    funder = Funder(**_funder_values(session, user, values, None))
    session.add(funder)
    session.flush()
    return funder


def update_funder(session: Session, user: User, funder: Funder, values: dict) -> Funder:
    """Rename or retype a funder (national office and admins only: every centre shares it)."""
    require_network_manager(user)
    for attribute, value in _funder_values(session, user, values, funder).items():
        setattr(funder, attribute, value)
    session.flush()
    return funder


def delete_funder(session: Session, user: User, funder: Funder) -> None:
    """Delete a funder nobody refers to any more."""
    require_network_manager(user)
    check_unused(
        session,
        "funder",
        (FundingAgreement.funder_id, funder.id, "funding agreements"),
        (IncomeLine.funder_id, funder.id, "income lines"),
    )
    session.delete(funder)
    session.flush()


def _agreement_current(agreement: FundingAgreement) -> dict:
    return {
        "funder": agreement.funder_id,
        "centre": agreement.centre.code,
        "title": agreement.title,
        "start": agreement.start_date,
        "end": agreement.end_date,
        "recurring": agreement.recurring,
        "annual_amount": agreement.annual_amount,
        "currency": agreement.currency,
        "structural_override": agreement.structural_override,
        "override_reason": agreement.override_reason,
    }


def _agreement_values(session, user, values: dict, agreement: FundingAgreement | None) -> dict:
    refuse_unknown(values, AGREEMENT_FIELDS, "funding agreement")
    merged = (_agreement_current(agreement) if agreement else {}) | values
    require(merged, "funder", "centre", "start", "annual_amount")
    if agreement is not None and merged["centre"] != agreement.centre.code:
        raise ValidationError(
            "centre", _l("an agreement cannot move to another centre"), code="centre_fixed"
        )
    centre = agreement.centre if agreement else centre_by_code(session, user, merged["centre"])
    require_manage(user, centre.id)
    funder = referenced(session, user, Funder, merged["funder"], "funder", "funder")
    if agreement is not None and funder.id != agreement.funder_id:
        # Its income lines name the funder too: moving the agreement alone would split them.
        booked = session.scalar(select(func.count()).where(IncomeLine.agreement_id == agreement.id))
        if booked:
            raise Conflict(
                "funder",
                _l("%(count)s income lines are booked under this agreement with its funder",
                   count=booked),
                code="in_use",
            )  # fmt: skip
    currency = check_money(
        merged["annual_amount"], merged.get("currency"), centre, field="annual_amount"
    )
    for field in ("start", "end"):
        if merged.get(field) is not None:
            if not isinstance(merged[field], date):
                raise ValidationError(field, _l("is not a date"), code="not_a_date")
            check_year(merged[field].year, field)
    if merged.get("end") is not None and merged["end"] < merged["start"]:
        raise ValidationError("end", _l("ends before it starts"), code="ends_before_start")
    override = merged.get("structural_override")
    reason = (merged.get("override_reason") or "").strip() or None
    changed = agreement is None or (override, reason) != (
        agreement.structural_override,
        agreement.override_reason,
    )
    if changed and (override is not None or reason) and not user.can_manage_network:
        # Whether income counts as structural is the national office's rule.
        raise NotAllowed(
            _l("only the national office may override whether an agreement is structural")
        )
    if override is not None and not reason:
        raise ValidationError(
            "override_reason", _l("say why the rule is overridden"), code="reason_required"
        )
    if agreement is not None:
        _refuse_reclassifying_closed_years(session, agreement, merged)
    awaiting = _awaiting(session, user, agreement, merged, funder, override)
    return {
        "funder": funder,
        "centre": centre,
        "title": merged.get("title") or "",
        "start_date": merged["start"],
        "end_date": merged.get("end"),
        "recurring": bool(merged.get("recurring")),
        "annual_amount": merged["annual_amount"],
        "currency": currency,
        "structural_override": override,
        "override_reason": reason if override is not None else None,
        "awaiting_confirmation": awaiting,
    }


def _awaiting(session, user, agreement, merged: dict, funder: Funder, override) -> bool:
    """Four eyes on the target: what a treasurer adds or changes so that it would count as
    structural, or would count for more (an earlier start, a later end, recurring, another
    funder, a higher annual amount), waits for the national office's confirmation
    (share.rules.confirm_agreement) and counts as incidental until then. The office's own
    agreements need none."""
    kept = bool(agreement is not None and agreement.awaiting_confirmation)
    if user.can_manage_network or override is not None:
        return kept
    if not structural_by_rule(
        session, funder.type, merged.get("recurring"), merged["start"], merged.get("end")
    ):
        return False
    if agreement is None or funder.id != agreement.funder_id:
        return True
    changed = (
        merged["start"] != agreement.start_date
        or merged.get("end") != agreement.end_date
        or bool(merged.get("recurring")) != agreement.recurring
        # More money a year is more structural money: secured next year rises with it.
        or Decimal(str(merged["annual_amount"])) > agreement.annual_amount
    )
    return changed or kept


# What decides whether an agreement's income is structural (see share.classification).
CLASSIFYING = {"start": "start_date", "end": "end_date", "recurring": "recurring",
               "structural_override": "structural_override"}  # fmt: skip


def _refuse_reclassifying_closed_years(session, agreement: FundingAgreement, merged: dict):
    """Refuse changing what classifies an agreement once it has income in a closed year."""
    changed = [
        field
        for field, attribute in CLASSIFYING.items()
        if field in merged and merged[field] != getattr(agreement, attribute)
    ]
    refusal = reclassification_refused(session, agreement.id) if changed else None
    if refusal:
        raise Conflict(changed[0], refusal, code="year_closed")


def create_agreement(session: Session, user: User, values: dict) -> FundingAgreement:
    """Record what a funder agreed to pay a centre."""
    agreement = FundingAgreement(**_agreement_values(session, user, values, None))
    session.add(agreement)
    session.flush()
    return agreement


def update_agreement(
    session: Session, user: User, agreement: FundingAgreement, values: dict
) -> FundingAgreement:
    """Change an agreement; the whole agreement is checked again."""
    require_manage(user, agreement.centre_id)
    for attribute, value in _agreement_values(session, user, values, agreement).items():
        setattr(agreement, attribute, value)
    session.flush()
    return agreement


def delete_agreement(session: Session, user: User, agreement: FundingAgreement) -> None:
    """Delete an agreement no income line is booked under."""
    require_manage(user, agreement.centre_id)
    check_unused(session, "agreement", (IncomeLine.agreement_id, agreement.id, "income lines"))
    session.delete(agreement)
    session.flush()
