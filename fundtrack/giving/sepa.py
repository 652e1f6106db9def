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
from fundtrack.giving.returns import batch_id
from fundtrack.giving.sepa_models import Collection, CollectionItem, Mandate, Sequence
from fundtrack.income.models import Donor, IncomeLine, IncomeSource
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
        Mandate.flagged_on.is_(None),  # flagged after returns: until a treasurer clears it
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
    """FRST unless the mandate was collected under since it was signed or amended; a collection
    the bank returned does not count (after a failed first collection the next is FRST again)."""
    earlier = aliased(Collection)
    used = session.scalar(
        select(CollectionItem.id)
        .join(earlier, earlier.id == CollectionItem.collection_id)
        .where(
            CollectionItem.mandate_id == mandate.id,
            CollectionItem.returned_on.is_(None),
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
    batch per sequence (FRST, RCUR) with its own count and control sum.

    The message id is the collection's and each batch's payment information id is
    `returns.batch_id` (sepaxml makes random ones): the bank names them on the batch's credit,
    which is how an imported statement finds the instalments it pays."""
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
    return _named_batches(sepa.export(validate=True), collection.message_id)


def _named_batches(xml: bytes, message_id: str) -> bytes:
    """The file's message id made the collection's and each PmtInf's id `returns.batch_id` of
    its sequence type, validated again."""
    from lxml import etree
    from sepaxml.validation import try_valid_xml

    root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True))
    ns = {"p": root.nsmap[None]}
    root.find("p:CstmrDrctDbtInitn/p:GrpHdr/p:MsgId", ns).text = message_id
    for info in root.iterfind(".//p:PmtInf", ns):
        sequence = info.findtext("p:PmtTpInf/p:SeqTp", namespaces=ns)
        info.find("p:PmtInfId", ns).text = batch_id(message_id, sequence)
    named = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    try_valid_xml(named, PAIN_008)
    return named


def book_collection(
    session: Session, user: User, collection: Collection, booking_date: date
) -> list[IncomeLine]:
    """The bank credited the collection: one income line per item (`book_item`)."""
    require_manage(user, collection.centre_id)
    lines = [book_item(session, user, item, booking_date) for item in collection.items]
    return [line for line in lines if line is not None]


def book_item(
    session: Session, user: User, item: CollectionItem, booking_date: date,
    source: IncomeSource = IncomeSource.MANUAL,
) -> IncomeLine | None:  # fmt: skip
    """The income line of one collected instalment the bank credited, paying that instalment
    (its end-to-end id is the line's external id, so it is booked once); None when it is paid
    already or the bank returned it."""
    from fundtrack.income.operations import book_income

    instalment = item.instalment
    if instalment.income_line_id is not None or item.returned_on is not None:
        return None
    line = book_income(session, user, {
        "centre": item.collection.centre.code, "date": booking_date, "amount": item.amount,
        "donor": item.mandate.donor_id, "external_id": item.end_to_end_id,
        # The collected payment's own reference; the mandate's is the same every month.
        "reference": item.end_to_end_id, "description": item.mandate.reference,
        "fund": instalment.gift.earmarked_fund_id,
    }, source)  # fmt: skip
    # book_income paid the donor's earliest open instalment; this line pays this one.
    other = session.scalar(select(Instalment).where(Instalment.income_line_id == line.id))
    if other is not None and other.id != instalment.id:
        pay_instalment(session, user, other, None)
    pay_instalment(session, user, instalment, line)
    return line
