"""Regions and centres: the network's map, kept by the national office and admins."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from fundtrack.auth.access import require_network_manager
from fundtrack.auth.models import User
from fundtrack.centres.codes import check_code
from fundtrack.centres.locks import current_network
from fundtrack.centres.models import Centre, Region
from fundtrack.centres.orgnumbers import (
    check_creditor_id,
    check_iban,
    check_organisation_number,
    check_rsin,
)
from fundtrack.costs.models import ActualsDeclaration, CostLine
from fundtrack.errors import Conflict, Field, Label, ValidationError
from fundtrack.income.models import Donor, EarmarkedFund, FundingAgreement, IncomeLine
from fundtrack.money import is_currency
from fundtrack.operations import check_unused, refuse_unknown, require

REGION_FIELDS = ("code", "name")
CENTRE_FIELDS = (
    "code", "name", "region", "municipality", "currency", "active", "organisation_number",
    "rsin", "creditor_id", "iban",
)  # fmt: skip


def _text(merged: dict, field: str) -> str:
    value = (merged.get(field) or "").strip()
    if not value:
        raise ValidationError(field, _l("is required"), code="required")
    return value


def _unique(session: Session, model, field: str, value, row, what: str) -> None:
    query = select(model.id).where(getattr(model, field) == value)
    if row is not None:
        query = query.where(model.id != row.id)
    existing = session.scalar(query)
    if existing is not None:
        raise Conflict(
            field,
            _l("%(what)s %(id)s already has this %(field)s", what=Label("ROW_LABELS", what),
               id=existing, field=Field(field)),
            existing,
            code="taken",
        )  # fmt: skip


def _region_values(session: Session, values: dict, region: Region | None) -> dict:
    refuse_unknown(values, REGION_FIELDS, "region")
    merged = ({"code": region.code, "name": region.name} if region else {}) | values
    result = {field: _text(merged, field) for field in REGION_FIELDS}
    if region is None or result["code"] != region.code:
        check_code(result["code"])
    for field in REGION_FIELDS:
        _unique(session, Region, field, result[field], region, "region")
    return result


def create_region(session: Session, user: User, values: dict) -> Region:
    """Add a region (national office and admins)."""
    require_network_manager(user)
    region = Region(**_region_values(session, values, None))
    session.add(region)
    session.flush()
    return region


def update_region(session: Session, user: User, region: Region, values: dict) -> Region:
    """Rename a region or change its code."""
    require_network_manager(user)
    for attribute, value in _region_values(session, values, region).items():
        setattr(region, attribute, value)
    session.flush()
    return region


def delete_region(session: Session, user: User, region: Region) -> None:
    """Delete a region without centres."""
    require_network_manager(user)
    check_unused(session, "region", (Centre.region_id, region.id, "centres"))
    session.delete(region)
    session.flush()


def _centre_values(session: Session, values: dict, centre: Centre | None) -> dict:
    refuse_unknown(values, CENTRE_FIELDS, "centre")
    current = {}
    if centre is not None:
        current = {f: getattr(centre, f) for f in CENTRE_FIELDS if f != "region"}
        current["region"] = centre.region.code
    merged = current | values
    require(merged, "region")
    result = {field: _text(merged, field) for field in ("code", "name", "municipality")}
    # A stored code from before the alphabet may stay while other fields change.
    if centre is None or result["code"] != centre.code:
        check_code(result["code"])
    _unique(session, Centre, "code", result["code"], centre, "centre")
    region = session.scalars(select(Region).where(Region.code == merged["region"])).one_or_none()
    if region is None:
        raise ValidationError(
            "region", _l("no region with code %(code)s", code=repr(merged["region"])),
            code="unknown_region",
        )  # fmt: skip
    currency = merged.get("currency") or current_network(session).currency
    if not isinstance(currency, str) or not is_currency(currency):
        raise ValidationError(
            "currency", _l("%(code)s is not an ISO 4217 currency code", code=repr(currency)),
            code="unknown_currency",
        )  # fmt: skip
    if centre is not None and currency != centre.currency and _has_money(session, centre):
        raise ValidationError(
            "currency", _l("the centre already has lines in its currency"), code="currency_fixed"
        )
    active = merged.get("active")
    number = check_organisation_number(
        merged.get("organisation_number"), current_network(session).locale
    )
    return result | {
        "region": region,
        "currency": currency,
        "active": active is not False,
        "organisation_number": number,
        "rsin": check_rsin(merged.get("rsin")),
        "creditor_id": check_creditor_id(merged.get("creditor_id")),
        "iban": check_iban(merged.get("iban")),
    }


def _has_money(session: Session, centre: Centre) -> bool:
    return any(
        session.scalar(select(model.id).where(model.centre_id == centre.id).limit(1))
        for model in (IncomeLine, CostLine, FundingAgreement)
    )


def create_centre(session: Session, user: User, values: dict) -> Centre:
    """Add a centre to a region; its currency defaults to the network's."""
    require_network_manager(user)
    centre = Centre(**_centre_values(session, values, None))
    session.add(centre)
    session.flush()
    return centre


def update_centre(session: Session, user: User, centre: Centre, values: dict) -> Centre:
    """Change a centre's details; its currency only while it has no money lines."""
    require_network_manager(user)
    for attribute, value in _centre_values(session, values, centre).items():
        setattr(centre, attribute, value)
    session.flush()
    return centre


def delete_centre(session: Session, user: User, centre: Centre) -> None:
    """Delete a centre that holds nothing yet (otherwise mark it inactive)."""
    require_network_manager(user)
    check_unused(
        session,
        "centre",
        (IncomeLine.centre_id, centre.id, "income lines"),
        (CostLine.centre_id, centre.id, "cost lines"),
        (ActualsDeclaration.centre_id, centre.id, "years with actual costs declared complete"),
        (FundingAgreement.centre_id, centre.id, "funding agreements"),
        (Donor.centre_id, centre.id, "donors"),
        (EarmarkedFund.centre_id, centre.id, "earmarked funds"),
        (User.centre_id, centre.id, "user accounts"),
    )
    session.delete(centre)
    session.flush()
