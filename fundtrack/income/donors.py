"""Donors and earmarked funds of a centre: created, changed and deleted by its managers."""

from datetime import UTC, date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundtrack.auth.access import require_manage
from fundtrack.auth.models import User
from fundtrack.costs.models import CostLine
from fundtrack.emails import normalise_email
from fundtrack.errors import Conflict, Label, ValidationError
from fundtrack.income.models import Donor, DonorKind, EarmarkedFund, IncomeLine, IncomeLineFund
from fundtrack.operations import centre_by_code, check_unused, check_year, refuse_unknown, require
from fundtrack.reports.render import LANGUAGES

DONOR_FIELDS = (
    "centre", "kind", "name", "email", "phone", "address", "postcode", "city", "iban",
    "consent_contact", "consent_newsletter", "language",
)  # fmt: skip
FUND_FIELDS = ("centre", "name", "purpose", "end")


def _centre_of(session, user, merged: dict, row, what: str, centres: dict | None = None):
    if row is not None and merged["centre"] != row.centre.code:
        raise ValidationError(
            "centre",
            _l("a %(what)s cannot move to another centre", what=Label("ROW_LABELS", what)),
            code="centre_fixed",
        )
    if row is not None:
        centre = row.centre
    elif centres is not None and merged["centre"] in centres:
        centre = centres[merged["centre"]]
    else:
        centre = centre_by_code(session, user, merged["centre"])
        if centres is not None:
            centres[merged["centre"]] = centre
    require_manage(user, centre.id)
    return centre


def _donor_values(session, user, values: dict, donor: Donor | None, centres=None) -> dict:
    refuse_unknown(values, DONOR_FIELDS, "donor")
    current = {f: getattr(donor, f) for f in DONOR_FIELDS if f != "centre"} if donor else {}
    if donor is not None:
        current["centre"] = donor.centre.code
    merged = current | values
    require(merged, "centre", "kind", "name")
    centre = _centre_of(session, user, merged, donor, "donor", centres)
    if not merged["name"].strip():
        raise ValidationError("name", _l("is required"), code="required")
    try:
        kind = DonorKind(merged["kind"])
    except ValueError:
        raise ValidationError(
            "kind", _l("%(typed)s is not a kind of donor", typed=repr(merged["kind"])),
            code="unknown_kind",
        ) from None  # fmt: skip
    result = {f: merged.get(f) or None for f in ("email", "phone", "address", "postcode", "city")}
    if result["email"] is not None:
        result["email"] = normalise_email(result["email"])
    result |= {"centre": centre, "kind": kind, "name": merged["name"].strip()}
    result["iban"] = merged.get("iban") or None
    result["language"] = merged.get("language") or None
    if result["language"] not in (None, *LANGUAGES):  # none: the network's language
        raise ValidationError(
            "language",
            _l("one of %(languages)s, or none for the network's", languages=", ".join(LANGUAGES)),
            code="unknown_language",
        )
    for consent in ("consent_contact", "consent_newsletter"):
        result[consent] = bool(merged.get(consent))
    newly_given = any(
        result[c] and not (donor is not None and getattr(donor, c))
        for c in ("consent_contact", "consent_newsletter")
    )
    if newly_given:
        # The GDPR asks when consent was given; the moment it is recorded here is that moment.
        result["consent_recorded_at"] = datetime.now(UTC)
    return result


def _assign(row, values: dict) -> None:
    for attribute, value in values.items():
        try:
            setattr(row, attribute, value)
        except ValidationError:  # the model's own checks, such as the IBAN's
            raise
        except ValueError:  # a library's, naming no field: the attribute set
            raise ValidationError(
                attribute, _l("is not a valid value"), code="invalid_value"
            ) from None


def create_donor(session: Session, user: User, values: dict) -> Donor:
    """Register a donor of a centre."""
    donor = Donor()
    _assign(donor, _donor_values(session, user, values, None))
    session.add(donor)
    session.flush()
    return donor


def create_donors(session: Session, user: User, many: list[tuple[str, dict]]) -> list[Donor]:
    """Register several donors at once (an import's new payers), each checked as
    `create_donor` checks it; one flush for all of them instead of one per donor.

    `many` holds (label, values) pairs; a refusal names the label, such as "row 17".
    """
    centres: dict = {}
    donors = []
    for label, values in many:
        donor = Donor()
        try:
            _assign(donor, _donor_values(session, user, values, None, centres))
        except ValidationError as error:
            raise ValidationError(
                error.field,
                _l("%(row)s: %(message)s", row=label, message=error.message),
                code=error.code,
            ) from None
        donors.append(donor)
    session.add_all(donors)
    session.flush()
    return donors


def update_donor(session: Session, user: User, donor: Donor, values: dict) -> Donor:
    """Change a donor's details; consent given now is dated now."""
    require_manage(user, donor.centre_id)
    _assign(donor, _donor_values(session, user, values, donor))
    session.flush()
    return donor


def delete_donor(session: Session, user: User, donor: Donor) -> None:
    """Delete a donor no income line refers to."""
    require_manage(user, donor.centre_id)
    check_unused(
        session,
        "donor",
        (IncomeLine.donor_id, donor.id, "income lines"),
        (Donor.merged_into_id, donor.id, "merged donors"),
    )
    session.delete(donor)
    session.flush()


def _fund_values(session, user, values: dict, fund: EarmarkedFund | None) -> dict:
    refuse_unknown(values, FUND_FIELDS, "earmarked fund")
    current = {}
    if fund is not None:
        current = {"centre": fund.centre.code, "name": fund.name, "purpose": fund.purpose,
                   "end": fund.end_date}  # fmt: skip
    merged = current | values
    require(merged, "centre", "name")
    centre = _centre_of(session, user, merged, fund, "fund")
    name = merged["name"].strip()
    if not name:
        raise ValidationError("name", _l("is required"), code="required")
    if merged.get("end") is not None:
        if not isinstance(merged["end"], date):
            raise ValidationError("end", _l("is not a date"), code="not_a_date")
        check_year(merged["end"].year, "end")
    same = select(EarmarkedFund.id).where(
        EarmarkedFund.centre_id == centre.id, EarmarkedFund.name == name
    )
    if fund is not None:
        same = same.where(EarmarkedFund.id != fund.id)
    existing = session.scalar(same)
    if existing is not None:
        raise Conflict(
            "name", _l("earmarked fund %(id)s already has this name", id=existing), existing,
            code="name_taken",
        )  # fmt: skip
    return {"centre": centre, "name": name, "purpose": merged.get("purpose") or "",
            "end_date": merged.get("end")}  # fmt: skip


def create_fund(session: Session, user: User, values: dict) -> EarmarkedFund:
    """Open an earmarked fund for a centre."""
    fund = EarmarkedFund(**_fund_values(session, user, values, None))
    session.add(fund)
    session.flush()
    return fund


def update_fund(session: Session, user: User, fund: EarmarkedFund, values: dict) -> EarmarkedFund:
    """Rename a fund or change its purpose or end date."""
    require_manage(user, fund.centre_id)
    _assign(fund, _fund_values(session, user, values, fund))
    session.flush()
    return fund


def delete_fund(session: Session, user: User, fund: EarmarkedFund) -> None:
    """Delete a fund no income or cost line is charged to."""
    require_manage(user, fund.centre_id)
    check_unused(
        session,
        "fund",
        (IncomeLine.earmarked_fund_id, fund.id, "income lines"),
        (IncomeLineFund.earmarked_fund_id, fund.id, "income lines"),
        (CostLine.earmarked_fund_id, fund.id, "cost lines"),
    )
    session.delete(fund)
    session.flush()
