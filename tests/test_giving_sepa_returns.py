"""Direct debits read back from the bank through the real import path: a camt.053.001.02
statement whose batch credit pays the collected instalments (never one unmatched line), a
camt.054.001.02 return (AM04) that marks the instalment failed and books nothing, a
camt.054.001.08 notification with per-transaction credits and an AC04 return that flags the
mandate at once; two AM04s in a row flag it too, a flagged mandate is not collected until a
treasurer clears it, and nothing is ever collected twice for one instalment."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path
from string import Template

import pytest
from lxml import etree
from sqlalchemy import func, select

from fundtrack.costs.models import CostLine
from fundtrack.errors import Conflict, from_stored
from fundtrack.giving import operations
from fundtrack.giving.returns import batch_id, clear_flag
from fundtrack.giving.sepa import create_collection, create_mandate, pain_008
from fundtrack.giving.sepa_models import CollectionItem
from fundtrack.imports import service
from fundtrack.imports.booking import undo_import
from fundtrack.income.models import IncomeLine
from tests import factories

SDD = Path(__file__).parent / "fixtures" / "sdd"
BATCH_CREDIT = SDD / "rabobank-batch-credit.camt053.001.02.xml"
RETURN = SDD / "ing-returns.camt054.001.02.xml"
CREDITS_AND_RETURN = SDD / "abnamro-credits-and-return.camt054.001.08.xml"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.08"}


@pytest.fixture
def world(session, network, tmp_path):
    centre = factories.centre(session, creditor_id="NL56ZZZ404817180000", name="Inloophuis",
                              iban="NL44RABO0123456789")  # fmt: skip
    treasurer = factories.user(session, "treasurer", centre)
    return {"centre": centre, "user": treasurer, "instance": str(tmp_path)}


def _debtor(session, world, name, amount, iban="NL91ABNA0417164300"):
    donor = factories.donor(session, world["centre"], name=name, iban=iban)
    gift = operations.create_recurring_gift(session, world["user"], {
        "donor": donor.id, "amount": Decimal(amount), "frequency": "monthly",
        "start": date(2026, 1, 1), "payment_method": "direct_debit",
    }, today=date(2026, 1, 1))  # fmt: skip
    mandate = create_mandate(
        session, world["user"], {"donor": donor.id, "signed_on": date(2025, 12, 1)}
    )
    return gift, mandate


def _import(session, world, path: Path, **values):
    """Fill the file's placeholders, then upload, preview and book it as a treasurer does."""
    data = Template(path.read_text()).substitute(values).encode()
    record = service.receive(session, world["user"], world["centre"], io.BytesIO(data),
                             path.name, world["instance"], 1024 * 1024)  # fmt: skip
    preview = service.preview(session, world["user"], record, world["instance"])
    if not preview["counts"]["error"]:
        service.commit(session, world["user"], record, world["instance"])
    return record, preview


def _return(session, world, item: CollectionItem, reason: str, day: date, name="J. Jansen"):
    return _import(session, world, RETURN, day=day.isoformat(), amount=item.amount,
                   end_to_end=item.end_to_end_id, mandate=item.mandate.reference,
                   reason=reason, name=name)  # fmt: skip


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_the_pain008_file_names_each_batch_as_the_banks_credit_will(session, world):
    _debtor(session, world, "Joke Jansen", "25.00")
    collection = create_collection(session, world["user"], world["centre"], date(2026, 1, 5))
    root = etree.fromstring(pain_008(collection))
    assert root.findtext(".//p:GrpHdr/p:MsgId", namespaces=NS) == collection.message_id
    assert [e.text for e in root.iterfind(".//p:PmtInfId", NS)] == [
        batch_id(collection.message_id, "FRST")
    ]


def test_a_batch_credit_pays_the_instalments_and_a_return_fails_one_and_books_nothing(
    session, world
):
    jansen, mandate = _debtor(session, world, "Joke Jansen", "25.00")
    bakker, _m = _debtor(session, world, "Piet Bakker", "12.50", iban="NL20INGB0001234567")
    january = create_collection(session, world["user"], world["centre"], date(2026, 1, 5))
    costs = _count(session, CostLine)

    record, preview = _import(
        session, world, BATCH_CREDIT, closing="1577.50", batch_total="37.50", count=2,
        message_id=january.message_id, batch=batch_id(january.message_id, "FRST"),
    )  # fmt: skip
    assert (preview["counts"]["collected"], preview["counts"]["book"]) == (1, 1)
    batch_row = preview["rows"][0]
    assert str(from_stored(batch_row["reason"])) == "pays 2 collected instalments"
    lines = session.scalars(
        select(IncomeLine).where(IncomeLine.import_id == record.id).order_by(IncomeLine.amount)
    ).all()
    # Each instalment paid by a line of its own, the gift beside them as ever: no 37.50 line.
    assert [line.amount for line in lines] == [Decimal("12.50"), Decimal("25.00"),
                                               Decimal("40.00")]  # fmt: skip
    assert jansen.instalments[0].income_line_id == lines[1].id
    assert bakker.instalments[0].income_line_id == lines[0].id
    assert record.rows_booked == 3

    # The same statement again: the batch is booked already.
    _again, preview = _import(
        session, world, BATCH_CREDIT, closing="1577.50", batch_total="37.50", count=2,
        message_id=january.message_id, batch=batch_id(january.message_id, "FRST"),
    )  # fmt: skip
    assert preview["counts"]["collected"] == 0 and preview["counts"]["duplicate"] == 2

    # Jansen's bank returns hers for insufficient funds: failed, her line removed, no cost.
    item = next(i for i in january.items if i.instalment_id == jansen.instalments[0].id)
    returned, preview = _return(session, world, item, "AM04", date(2026, 1, 9))
    assert preview["counts"]["returned"] == 1 and preview["counts"]["book"] == 0
    reason = str(from_stored(preview["rows"][0]["reason"]))
    assert "AM04: insufficient funds" in reason
    assert (item.returned_on, item.return_reason) == (date(2026, 1, 9), "AM04")
    assert jansen.instalments[0].income_line_id is None
    assert session.get(IncomeLine, lines[1].id) is None
    assert _count(session, CostLine) == costs
    assert mandate.flagged_on is None  # one AM04 is not yet a reason to stop
    assert returned.rows_booked == 0

    # Read again (the camt.053 that reports it too): recorded once.
    _again, preview = _return(session, world, item, "AM04", date(2026, 1, 9))
    assert preview["counts"]["duplicate"] == 1 and preview["counts"]["returned"] == 0


def test_two_returns_in_a_row_flag_the_mandate_until_a_treasurer_clears_it(session, world):
    jansen, mandate = _debtor(session, world, "Joke Jansen", "25.00")
    january = create_collection(session, world["user"], world["centre"], date(2026, 1, 5))
    _return(session, world, january.items[0], "AM04", date(2026, 1, 9))
    february = create_collection(session, world["user"], world["centre"], date(2026, 2, 5))
    # The failed January instalment is never collected again; February's goes, FRST again
    # since the first collection under the mandate came back.
    assert [(i.instalment.due_date, i.sequence.value) for i in february.items] == [
        (date(2026, 2, 1), "FRST")
    ]
    _return(session, world, february.items[0], "MS02", date(2026, 2, 10))
    assert (mandate.flagged_on, mandate.flag_reason) == (date(2026, 2, 10), "MS02")
    with pytest.raises(Conflict):
        create_collection(session, world["user"], world["centre"], date(2026, 3, 5))
    clear_flag(session, world["user"], mandate)
    march = create_collection(session, world["user"], world["centre"], date(2026, 3, 5))
    assert [i.instalment.due_date for i in march.items] == [date(2026, 3, 1)]


def test_per_transaction_credits_and_an_ac04_return_flag_the_mandate_at_once(session, world):
    jansen, _m = _debtor(session, world, "Joke Jansen", "25.00")
    bakker, bakker_mandate = _debtor(session, world, "Piet Bakker", "12.50",
                                     iban="NL20INGB0001234567")  # fmt: skip
    create_collection(session, world["user"], world["centre"], date(2026, 1, 5))
    february = create_collection(session, world["user"], world["centre"], date(2026, 2, 5))
    first, second = february.items
    record, preview = _import(
        session, world, CREDITS_AND_RETURN, batch=batch_id(february.message_id, "RCUR"),
        credited="37.50", first=first.end_to_end_id, first_amount=first.amount,
        first_name="J. Jansen", second=second.end_to_end_id, second_amount=second.amount,
        second_name="P. Bakker",
    )  # fmt: skip
    counts = preview["counts"]
    assert (counts["collected"], counts["returned"], counts["book"]) == (2, 1, 0)
    assert jansen.instalments[1].income_line is not None
    # Credited, then returned in the same file: paid and unpaid again, nothing booked for it.
    assert bakker.instalments[1].income_line_id is None
    assert second.return_reason == "AC04"
    assert (bakker_mandate.flagged_on, bakker_mandate.flag_reason) == (date(2026, 2, 9), "AC04")
    booked = session.scalars(select(IncomeLine.amount).where(IncomeLine.import_id == record.id))
    assert list(booked) == [Decimal("25.00")]
    march = create_collection(session, world["user"], world["centre"], date(2026, 3, 5))
    assert [i.mandate_id for i in march.items] == [first.mandate_id]

    # Undone: the credit's lines go and the return is taken back.
    undo_import(session, world["user"], record)
    session.expire_all()
    assert second.returned_on is None and jansen.instalments[1].income_line_id is None


def test_a_batch_credit_that_does_not_add_up_is_refused_rather_than_booked(session, world):
    _debtor(session, world, "Joke Jansen", "25.00")
    january = create_collection(session, world["user"], world["centre"], date(2026, 1, 5))
    _record, preview = _import(
        session, world, BATCH_CREDIT, closing="1560.00", batch_total="20.00", count=1,
        message_id=january.message_id, batch=batch_id(january.message_id, "FRST"),
    )  # fmt: skip
    assert preview["counts"]["error"] == 1
    column, message = preview["rows"][0]["errors"][0]
    assert "which instalments it pays cannot be told" in str(from_stored(message))
    assert _count(session, IncomeLine) == 0


def test_nothing_is_collected_twice_rerun_same_day_or_after_a_return(session, world):
    jansen, _m = _debtor(session, world, "Joke Jansen", "25.00")
    january = create_collection(session, world["user"], world["centre"], date(2026, 1, 5))
    with pytest.raises(Conflict):  # the same run again
        create_collection(session, world["user"], world["centre"], date(2026, 1, 5))
    bakker, _m = _debtor(session, world, "Piet Bakker", "12.50", iban="NL20INGB0001234567")
    again = create_collection(session, world["user"], world["centre"], date(2026, 1, 5))
    assert [i.instalment.gift for i in again.items] == [bakker]  # only what was not collected
    _return(session, world, january.items[0], "AM04", date(2026, 1, 9))
    with pytest.raises(Conflict):  # after the return: Jansen's January is not collected again
        create_collection(session, world["user"], world["centre"], date(2026, 1, 20))
    collected = session.scalars(select(CollectionItem.instalment_id)).all()
    assert len(collected) == len(set(collected)) == 2


def test_the_api_shows_a_returned_instalment_with_its_reason(client, session, world):
    from tests.api_helpers import ApiCaller

    jansen, _m = _debtor(session, world, "Joke Jansen", "25.00")
    january = create_collection(session, world["user"], world["centre"], date(2026, 1, 5))
    _return(session, world, january.items[0], "MD06", date(2026, 2, 20))
    caller = ApiCaller(client, session).as_("treasurer", world["centre"])
    items = caller.get(f"/recurring-gifts/{jansen.id}/instalments").get_json()["items"]
    assert (items[0]["returned_on"], items[0]["return_reason"]) == ("2026-02-20", "MD06")
    assert (items[1]["returned_on"], items[1]["return_reason"]) == (None, "")
