"""SEPA direct debit: mandates, a collection per date with FRST then RCUR, its pain.008 file
valid against the XSD with the right count and control sum, and no instalment ever collected
twice; booking the bank's credit pays exactly the collected instalments."""

from datetime import date
from decimal import Decimal

import pytest
from lxml import etree
from sqlalchemy.exc import IntegrityError

from fundtrack.errors import Conflict, ValidationError
from fundtrack.giving import operations
from fundtrack.giving.sepa import (
    amend_mandate,
    book_collection,
    create_collection,
    create_mandate,
    pain_008,
    revoke_mandate,
)
from fundtrack.giving.sepa_models import CollectionItem
from tests import factories

CREDITOR_ID = "NL56ZZZ404817180000"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"}


@pytest.fixture
def world(session, network):
    centre = factories.centre(session, creditor_id=CREDITOR_ID, iban="NL44RABO0123456789",
                              name="Inloophuis Haarlem")  # fmt: skip
    treasurer = factories.user(session, "treasurer", centre)
    return centre, treasurer


def _debtor(session, world, name, amount, start=date(2026, 1, 1), iban="NL91ABNA0417164300"):
    centre, treasurer = world
    donor = factories.donor(session, centre, name=name, iban=iban)
    gift = operations.create_recurring_gift(session, treasurer, {
        "donor": donor.id, "amount": Decimal(amount), "frequency": "monthly", "start": start,
        "payment_method": "direct_debit",
    }, today=date(2026, 1, 1))  # fmt: skip
    mandate = create_mandate(
        session, treasurer, {"donor": donor.id, "signed_on": date(2025, 12, 1)}
    )
    return donor, gift, mandate


def _batches(xml: bytes) -> dict:
    root = etree.fromstring(xml)
    batches = {}
    for info in root.iterfind(".//p:PmtInf", NS):
        sequence = info.findtext(".//p:SeqTp", namespaces=NS)
        batches[sequence] = (
            int(info.findtext("p:NbOfTxs", namespaces=NS)),
            Decimal(info.findtext("p:CtrlSum", namespaces=NS)),
            [e.text for e in info.iterfind(".//p:EndToEndId", NS)],
        )
    header = root.find(".//p:GrpHdr", NS)
    total = (int(header.findtext("p:NbOfTxs", namespaces=NS)),
             Decimal(header.findtext("p:CtrlSum", namespaces=NS)))  # fmt: skip
    return {"batches": batches, "total": total}


def test_a_collection_is_first_then_recurring_and_its_file_adds_up(session, world):
    centre, treasurer = world
    _donor, jansen, _m = _debtor(session, world, "Joke Jansen", "25.00")
    _donor, bakker, _m = _debtor(session, world, "Piet Bakker", "12.50")
    january = create_collection(session, treasurer, centre, date(2026, 1, 5))
    assert [i.sequence.value for i in january.items] == ["FRST", "FRST"]
    read = _batches(pain_008(january))  # sepaxml validated it against pain.008.001.08's XSD
    assert read["total"] == (2, Decimal("37.50"))
    assert read["batches"]["FRST"][:2] == (2, Decimal("37.50"))

    _donor, de_vries, _m = _debtor(session, world, "Anna de Vries", "10.00",
                                   start=date(2026, 2, 1))  # fmt: skip
    february = create_collection(session, treasurer, centre, date(2026, 2, 5))
    read = _batches(pain_008(february))
    assert read["batches"]["RCUR"][:2] == (2, Decimal("37.50"))
    assert read["batches"]["FRST"][:2] == (1, Decimal("10.00"))
    assert read["total"] == (3, Decimal("47.50"))
    collected = {item.instalment.due_date for item in february.items}
    assert collected == {date(2026, 2, 1)}
    assert jansen.instalments[1].id in {item.instalment_id for item in february.items}
    assert de_vries.instalments[0].id in {item.instalment_id for item in february.items}


def test_nothing_is_ever_collected_twice_for_one_instalment(session, world):
    centre, treasurer = world
    _donor, gift, mandate = _debtor(session, world, "Joke Jansen", "25.00")
    first = create_collection(session, treasurer, centre, date(2026, 1, 5))
    with pytest.raises(Conflict):  # asked again for the same date: nothing is left
        create_collection(session, treasurer, centre, date(2026, 1, 5))
    # Even written by hand, the database refuses.
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(CollectionItem(collection=first, instalment=gift.instalments[0],
                                       mandate=mandate, sequence="RCUR", amount=Decimal("25.00"),
                                       end_to_end_id="FT-again"))  # fmt: skip
        session.flush()


def test_booking_the_credit_pays_the_collected_instalments_once(session, world):
    centre, treasurer = world
    _donor, gift, _m = _debtor(session, world, "Joke Jansen", "25.00")
    collection = create_collection(session, treasurer, centre, date(2026, 1, 5))
    lines = book_collection(session, treasurer, collection, date(2026, 1, 6))
    assert gift.instalments[0].income_line_id == lines[0].id
    assert book_collection(session, treasurer, collection, date(2026, 1, 6)) == []


def test_a_revoked_mandate_collects_nothing_and_an_amended_one_starts_again(session, world):
    centre, treasurer = world
    _d, _g, revoked = _debtor(session, world, "Joke Jansen", "25.00")
    _d, _g, amended = _debtor(session, world, "Piet Bakker", "12.50")
    create_collection(session, treasurer, centre, date(2026, 1, 5))
    revoke_mandate(session, treasurer, revoked, date(2026, 1, 20))
    amend_mandate(session, treasurer, amended, "NL44RABO0123456789", date(2026, 1, 20))
    february = create_collection(session, treasurer, centre, date(2026, 2, 5))
    assert [(i.mandate_id, i.sequence.value) for i in february.items] == [(amended.id, "FRST")]
    assert pain_008(february).count(b"NL44RABO0123456789") == 2  # creditor and debtor


def test_a_mandate_needs_an_iban_and_a_free_reference(session, world):
    centre, treasurer = world
    donor = factories.donor(session, centre)
    with pytest.raises(ValidationError):
        create_mandate(session, treasurer, {"donor": donor.id, "signed_on": date(2026, 1, 1)})
    values = {"donor": donor.id, "signed_on": date(2026, 1, 1), "iban": "NL91ABNA0417164300"}
    create_mandate(session, treasurer, values | {"reference": "M-1"})
    with pytest.raises(Conflict):
        create_mandate(session, treasurer, values | {"reference": "M-1"})
    with pytest.raises(ValidationError):
        create_mandate(session, treasurer, values | {"iban": "NL00ABNA0000000000"})


def test_a_centre_without_a_creditor_identifier_collects_nothing(session, network):
    centre = factories.centre(session)
    treasurer = factories.user(session, "treasurer", centre)
    with pytest.raises(ValidationError) as error:
        create_collection(session, treasurer, centre, date(2026, 1, 5))
    assert error.value.code == "no_creditor_id"
