"""Signed gift agreements: the Dutch periodic gift and the Norwegian pledge.

Both are a yearly recurring gift (fundtrack.giving.operations) with a signed agreement
beside it: the gift holds the donor, the fixed yearly amount and the years (its end), its
instalments are the years expected, and a booked gift from the donor pays them as any
instalment. A Dutch periodic gift runs at least five years and needs the centre's RSIN on
its form; a Norwegian pledge is paid by transfer (SEPA direct debit is a Dutch centre's).
"""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from fundtrack.auth.access import require_manage
from fundtrack.auth.models import User
from fundtrack.errors import Conflict, ValidationError
from fundtrack.giving.models import (
    PERIODIC_MIN_YEARS,
    AgreementKind,
    Frequency,
    GiftAgreement,
    PaymentMethod,
)
from fundtrack.giving.operations import (
    create_recurring_gift,
    delete_recurring_gift,
    required,
    valid_day,
    valid_enum,
)
from fundtrack.giving.schedule import add_months
from fundtrack.operations import refuse_unknown

AGREEMENT_FIELDS = (
    "kind", "donor", "amount", "start", "years", "transaction_number", "donor_signed_on",
    "centre_signed_on", "centre_signatory", "fund", "payment_method", "reference",
)  # fmt: skip
CHANGEABLE = ("transaction_number", "centre_signed_on", "centre_signatory")
MAX_YEARS = 50


def _years(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_YEARS:
        raise ValidationError(
            "years", _l("a whole number of years from 1 to %(max)s", max=MAX_YEARS),
            code="not_years",
        )  # fmt: skip
    return value


def _transaction_number(session: Session, centre_id: int, value, start: date, exclude=None) -> str:
    """The number given, or the next free one of the start year (2026-0001, 2026-0002...)."""
    number = (value or "").strip()
    if len(number) > 40:
        raise ValidationError("transaction_number", _l("at most 40 characters"), code="too_long")
    taken = select(GiftAgreement.id).where(GiftAgreement.centre_id == centre_id)
    if exclude is not None:
        taken = taken.where(GiftAgreement.id != exclude)
    if not number:
        count = session.scalar(select(func.count()).select_from(taken.subquery()))
        sequence = count + 1
        while True:
            number = f"{start.year}-{sequence:04}"
            if session.scalar(taken.where(GiftAgreement.transaction_number == number)) is None:
                return number
            sequence += 1
    existing = session.scalar(taken.where(GiftAgreement.transaction_number == number))
    if existing is not None:
        raise Conflict(
            "transaction_number", _l("another agreement has this transaction number"), existing,
            code="duplicate",
        )  # fmt: skip
    return number


def create_gift_agreement(
    session: Session, user: User, values: dict, today: date | None = None
) -> GiftAgreement:
    """Record a signed agreement and the yearly gift it promises (its years expected)."""
    refuse_unknown(values, AGREEMENT_FIELDS, "a gift agreement")
    required(values, "kind", "donor", "amount", "start", "years", "donor_signed_on")
    kind = valid_enum(AgreementKind, values["kind"], "kind")
    years = _years(values["years"])
    start = valid_day(values["start"], "start")
    method = values.get("payment_method") or PaymentMethod.BANK_TRANSFER
    if kind == AgreementKind.PERIODIC_GIFT and years < PERIODIC_MIN_YEARS:
        raise ValidationError(
            "years",
            _l("a periodic gift is agreed for at least %(years)s years", years=PERIODIC_MIN_YEARS),
            code="too_short",
        )
    if kind == AgreementKind.PLEDGE and method == PaymentMethod.DIRECT_DEBIT:
        raise ValidationError(
            "payment_method",
            _l("SEPA direct debit is for Dutch centres; a pledge is paid by transfer"),
            code="no_sepa",
        )
    end = add_months(start, 12 * years) - timedelta(days=1)
    gift_values = {
        "donor": values["donor"], "amount": values["amount"], "frequency": Frequency.YEARLY,
        "start": start, "end": end, "fund": values.get("fund"), "payment_method": method,
        "reference": values.get("reference") or "",
    }  # fmt: skip
    gift = create_recurring_gift(session, user, gift_values, today=today)
    centre = gift.centre
    if kind == AgreementKind.PERIODIC_GIFT and not centre.rsin:
        raise ValidationError(
            "kind",
            _l("the centre's RSIN is not known yet; the national office fills it in first"),
            code="no_rsin",
        )
    donor_signed = valid_day(values["donor_signed_on"], "donor_signed_on")
    centre_signed = valid_day(values.get("centre_signed_on"), "centre_signed_on")
    if centre_signed is not None and centre_signed < donor_signed:
        raise ValidationError(
            "centre_signed_on", _l("the centre signs after the donor"), code="signed_too_early"
        )
    agreement = GiftAgreement(
        centre_id=centre.id, gift=gift, kind=kind, years=years,
        transaction_number=_transaction_number(
            session, centre.id, values.get("transaction_number"), start
        ),
        donor_signed_on=donor_signed, centre_signed_on=centre_signed,
        centre_signatory=(values.get("centre_signatory") or "").strip()[:200],
    )  # fmt: skip
    session.add(agreement)
    session.flush()
    return agreement


def update_gift_agreement(
    session: Session, user: User, agreement: GiftAgreement, values: dict
) -> GiftAgreement:
    """Countersign an agreement or correct its transaction number; the amount and the years
    are what the donor signed (a new agreement changes them)."""
    require_manage(user, agreement.centre_id)
    refuse_unknown(values, CHANGEABLE, "a signed agreement")
    if "transaction_number" in values:
        number = values["transaction_number"] or agreement.transaction_number
        agreement.transaction_number = _transaction_number(
            session, agreement.centre_id, number, agreement.gift.start_date, exclude=agreement.id
        )
    if "centre_signed_on" in values:
        signed = valid_day(values["centre_signed_on"], "centre_signed_on")
        if signed is not None and signed < agreement.donor_signed_on:
            raise ValidationError(
                "centre_signed_on", _l("the centre signs after the donor"), code="signed_too_early"
            )
        agreement.centre_signed_on = signed
    if "centre_signatory" in values:
        agreement.centre_signatory = (values["centre_signatory"] or "").strip()[:200]
    session.flush()
    return agreement


def delete_gift_agreement(session: Session, user: User, agreement: GiftAgreement) -> None:
    """Delete an agreement and its gift while none of its years is paid."""
    require_manage(user, agreement.centre_id)
    gift = agreement.gift
    session.delete(agreement)
    session.flush()
    delete_recurring_gift(session, user, gift)
