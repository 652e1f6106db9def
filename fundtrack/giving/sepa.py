"""SEPA direct debit: mandates kept by a centre's managers, a collection per date, and its
pain.008 file for the bank.

The file is pain.008.001.08 (the ISO 20022 2019 version the EPC rulebook requires and Dutch
banks take), made by `sepaxml`, which validates it against the XSD it ships. A collection
takes each direct-debit instalment due by its date, not paid and never collected before
(the unique constraint on `collection_items.instalment_id` makes that hold even for two
simultaneous requests), under the donor's mandate: FRST the first time a mandate is used
(or after its account changed), RCUR after. At most one instalment of a mandate goes into a
collection (the earliest open one), so a donor who missed months is never debited twice at
once; the rest follow in the next collections.
"""

from datetime import date

from flask_babel import lazy_gettext as _l
from sepaxml import SepaDD
from sqlalchemy import and_, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from fundtrack.auth.access import require_manage
from fundtrack.auth.models import User
from fundtrack.centres.models import Centre
from fundtrack.errors import Conflict, ValidationError
from fundtrack.giving.models import Instalment, PaymentMethod, RecurringGift
from fundtrack.giving.operations import pay_instalment, required, valid_day
from fundtrack.giving.sepa_models import Collection, CollectionItem, Mandate, Sequence
from fundtrack.income.models import Donor, IncomeLine
from fundtrack.operations import referenced, refuse_unknown

PAIN_008 = "pain.008.001.08"
MANDATE_FIELDS = ("donor", "reference", "signed_on", "iban")


def create_mandate(session: Session, user: User, values: dict) -> Mandate:
    """Record a donor's signed mandate; the IBAN defaults to the donor's."""
    refuse_unknown(values, MANDATE_FIELDS, "a mandate")
    required(values, "donor", "signed_on")
    donor = referenced(session, user, Donor, values["donor"], "donor", "donor")
    require_manage(user, donor.centre_id)
    iban = values.get("iban") or donor.iban
    if not iban:
        raise ValidationError("iban", _l("is required"), code="required")
    reference = (values.get("reference") or "").strip()
    if not reference:
        count = session.scalar(
            select(func.count()).select_from(Mandate).where(Mandate.centre_id == donor.centre_id)
        )
        reference = f"{donor.centre.code}-M{count + 1:05}"
    if len(reference) > 35:
        raise ValidationError("reference", _l("at most 35 characters"), code="too_long")
    taken = session.scalar(
        select(Mandate.id).where(
            Mandate.centre_id == donor.centre_id, Mandate.reference == reference
        )
    )
    if taken is not None:
        raise Conflict(
            "reference", _l("another mandate has this reference"), taken, code="duplicate"
        )
    mandate = Mandate(
        centre_id=donor.centre_id, donor=donor, reference=reference, iban=iban,
        signed_on=valid_day(values["signed_on"], "signed_on"),
    )  # fmt: skip
    session.add(mandate)
    session.flush()
    return mandate


def amend_mandate(
    session: Session, user: User, mandate: Mandate, iban: str, day: date | None
) -> Mandate:
    """The donor's account changed: the next collection under this mandate is FRST again."""
    require_manage(user, mandate.centre_id)
    mandate.iban = iban
    mandate.amended_on = valid_day(day or date.today(), "amended_on")
    session.flush()
    return mandate


def revoke_mandate(session: Session, user: User, mandate: Mandate, day: date) -> Mandate:
    """The donor withdrew the mandate: nothing is collected under it from `day` on."""
    require_manage(user, mandate.centre_id)
    mandate.revoked_on = valid_day(day, "revoked_on")
    session.flush()
    return mandate


def _collectable(centre_id: int, collection_date: date):
    """Per mandate usable on the date, its earliest open direct-debit instalment due by then."""
    never_collected = ~exists().where(CollectionItem.instalment_id == Instalment.id)
    active = and_(
        Mandate.signed_on <= collection_date,
        or_(Mandate.revoked_on.is_(None), Mandate.revoked_on > collection_date),
    )
    ranked = (
        select(
            Instalment.id.label("instalment_id"),
            Mandate.id.label("mandate_id"),
            func.row_number()
            .over(partition_by=Mandate.id, order_by=(Instalment.due_date, Instalment.id))
            .label("rank"),
        )
        .join(RecurringGift, RecurringGift.id == Instalment.recurring_gift_id)
        .join(Mandate, and_(Mandate.donor_id == RecurringGift.donor_id, active))
        .where(
            RecurringGift.centre_id == centre_id,
            RecurringGift.payment_method == PaymentMethod.DIRECT_DEBIT,
            Instalment.income_line_id.is_(None),
            Instalment.due_date <= collection_date,
            never_collected,
        )
        .subquery()
    )
    return select(ranked.c.instalment_id, ranked.c.mandate_id).where(ranked.c.rank == 1)


def _sequence_of(session: Session, mandate: Mandate) -> Sequence:
    """FRST unless the mandate was collected under since it was signed or amended."""
    earlier = aliased(Collection)
    used = session.scalar(
        select(CollectionItem.id)
        .join(earlier, earlier.id == CollectionItem.collection_id)
        .where(
            CollectionItem.mandate_id == mandate.id,
            earlier.collection_date >= (mandate.amended_on or mandate.signed_on),
        )
        .limit(1)
    )
    return Sequence.FIRST if used is None else Sequence.RECURRING


def create_collection(
    session: Session, user: User, centre: Centre, collection_date: date
) -> Collection:
    """Put every collectable instalment of the centre into a new collection for the date;
    Conflict when there is nothing to collect."""
    require_manage(user, centre.id)
    if not centre.creditor_id or not centre.iban:
        raise ValidationError(
            "centre",
            _l("the centre's creditor identifier and account are not known yet"),
            code="no_creditor_id",
        )
    pairs = session.execute(_collectable(centre.id, collection_date)).all()
    if not pairs:
        raise Conflict(
            "collection_date", _l("nothing is due for collection by this date"),
            code="nothing_due",
        )  # fmt: skip
    count = session.scalar(
        select(func.count()).select_from(Collection).where(Collection.centre_id == centre.id)
    )
    collection = Collection(
        centre_id=centre.id, collection_date=collection_date,
        message_id=f"FT{centre.id}-{collection_date:%Y%m%d}-{count + 1}",
    )  # fmt: skip
    session.add(collection)
    for instalment_id, mandate_id in pairs:
        instalment = session.get(Instalment, instalment_id)
        mandate = session.get(Mandate, mandate_id)
        collection.items.append(
            CollectionItem(
                instalment=instalment,
                mandate=mandate,
                amount=instalment.amount,
                sequence=_sequence_of(session, mandate),
                end_to_end_id=f"FT-{instalment_id}",
            )  # fmt: skip
        )
    session.flush()
    return collection


def pain_008(collection: Collection) -> bytes:
    """The collection as a pain.008.001.08 file, validated against its XSD by sepaxml; one
    batch per sequence (FRST, RCUR) with its own count and control sum."""
    centre = collection.centre
    sepa = SepaDD(
        {
            "name": centre.name,
            "IBAN": centre.iban,
            "batch": True,
            "creditor_id": centre.creditor_id,
            "currency": "EUR",
        },  # fmt: skip
        schema=PAIN_008,
    )
    for item in collection.items:
        sepa.add_payment(
            {
                "name": item.mandate.donor.name,
                "IBAN": item.mandate.iban,
                "amount": int(item.amount * 100),
                "type": item.sequence.value,
                "collection_date": collection.collection_date,
                "mandate_id": item.mandate.reference,
                "mandate_date": item.mandate.signed_on,
                "description": f"{centre.name} {item.instalment.due_date.isoformat()}",
                "endtoend_id": item.end_to_end_id,
            }
        )
    return sepa.export(validate=True)


def book_collection(
    session: Session, user: User, collection: Collection, booking_date: date
) -> list[IncomeLine]:
    """The bank credited the collection: one income line per item, each paying its own
    instalment (its end-to-end id is the line's external id, so it is booked once)."""
    from fundtrack.income.operations import book_income

    require_manage(user, collection.centre_id)
    lines = []
    for item in collection.items:
        instalment = item.instalment
        if instalment.income_line_id is not None:
            continue
        line = book_income(session, user, {
            "centre": collection.centre.code, "date": booking_date, "amount": item.amount,
            "donor": item.mandate.donor_id, "external_id": item.end_to_end_id,
            "reference": item.mandate.reference,
            "fund": instalment.gift.earmarked_fund_id,
        })  # fmt: skip
        # book_income paid the donor's earliest open instalment; this line pays this one.
        other = session.scalar(select(Instalment).where(Instalment.income_line_id == line.id))
        if other is not None and other.id != instalment.id:
            pay_instalment(session, user, other, None)
        pay_instalment(session, user, instalment, line)
        lines.append(line)
    return lines
