"""Donors as one person each: likely duplicates found in SQL by each reason, a merge that
keeps every row and takes the chosen fields, and an undo that puts everything back exactly,
refused across centres, after the year closed, or when a moved row went elsewhere since."""

from datetime import date
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from fundtrack.audit.models import AuditEvent
from fundtrack.auth.access import load_visible
from fundtrack.centres.locks import current_network
from fundtrack.centres.models import FiscalYearLock
from fundtrack.errors import Conflict, NotAllowed, NotFound, ValidationError
from fundtrack.extensions import db
from fundtrack.giving import operations as giving
from fundtrack.giving.agreements import create_gift_agreement
from fundtrack.giving.models import GiftAgreement, Instalment, RecurringGift
from fundtrack.giving.sepa import create_mandate
from fundtrack.giving.sepa_models import Mandate
from fundtrack.income.duplicates import likely_duplicates
from fundtrack.income.merge import donor_references, merge_donors, undo_merge
from fundtrack.income.models import Donor, IncomeLine
from fundtrack.income.operations import update_income
from tests import factories


@pytest.fixture
def hlm(session, network):
    centre = factories.centre(session, code="HLM", rsin="002425695",
                              creditor_id="NL56ZZZ404817180000",
                              iban="NL44RABO0123456789")  # fmt: skip
    return centre, factories.user(session, "treasurer", centre)


def _pairs(session, user, centre=None):
    found = likely_duplicates(session, user, centre.id if centre else None)
    return {(p.first.name, p.second.name): (p.score, p.reasons) for p in found}


def test_duplicates_are_found_by_name_iban_email_and_address(session, hlm):
    centre, treasurer = hlm
    add = lambda **values: factories.donor(session, centre, **values)  # noqa: E731
    add(name="José  Sørensen-Müller")
    add(name="jose sorensen muller")
    add(name="Piet", iban="NL91ABNA0417164300")
    add(name="P. Bakker", iban="NL91ABNA0417164300")
    add(name="Anna", email="Anna@Example.org")
    add(name="A. Visser", email="anna@example.org")
    add(name="Kees", postcode="2011 AB", address="Dorpsstraat 12a")
    add(name="K. de Wit", postcode="2011ab", address="Dorpsstr. 12")
    add(name="Someone else", postcode="2011 AB", address="Dorpsstraat 14")
    other = factories.centre(session)
    factories.donor(session, other, name="Jose Sorensen Muller")  # another centre's: no pair
    found = _pairs(session, treasurer)
    assert found == {
        ("José  Sørensen-Müller", "jose sorensen muller"): (20, ["name"]),
        ("Piet", "P. Bakker"): (40, ["iban"]),
        ("Anna", "A. Visser"): (35, ["email"]),
        ("Kees", "K. de Wit"): (25, ["address"]),
    }
    # The most likely first; reasons add up; a third donor pairs with the oldest.
    add(name="piet", iban="NL91ABNA0417164300")
    found = [(p.first.name, p.second.name, p.score) for p in likely_duplicates(session, treasurer)]
    assert found[0] == ("Piet", "piet", 60)
    assert ("Piet", "P. Bakker", 40) in found and ("P. Bakker", "piet", 40) not in found


def test_a_treasurer_sees_their_centres_pairs_and_the_national_office_all(session, hlm):
    centre, treasurer = hlm
    other = factories.centre(session)
    for place in (centre, centre, other, other):
        factories.donor(session, place, name="Jan de Vries")
    assert len(likely_duplicates(session, treasurer)) == 1
    office = factories.user(session, "national")
    assert len(likely_duplicates(session, office)) == 2
    assert len(likely_duplicates(session, office, other.id)) == 1


def _everything(session, centre, treasurer, donor):
    """A donor with a gift booked, a monthly direct debit with its mandate, and a periodic
    gift agreement: the rows a merge must keep."""
    lines = [factories.income(session, centre, donor=donor, booking_date=date(2026, 1, d))
             for d in (5, 6)]  # fmt: skip
    gift = giving.create_recurring_gift(session, treasurer, {
        "donor": donor.id, "amount": Decimal("10.00"), "frequency": "monthly",
        "start": date(2026, 1, 1), "payment_method": "direct_debit",
    }, today=date(2026, 3, 1))  # fmt: skip
    mandate = create_mandate(
        session, treasurer, {"donor": donor.id, "signed_on": date(2025, 12, 1)}
    )
    agreement = create_gift_agreement(session, treasurer, {
        "kind": "periodic_gift", "donor": donor.id, "amount": Decimal("300.00"),
        "start": date(2026, 1, 15), "years": 5, "donor_signed_on": date(2025, 12, 20),
    }, today=date(2026, 3, 1))  # fmt: skip
    return lines, gift, mandate, agreement


def _owners(session) -> dict:
    """Every row's donor, per table that refers to donors."""
    found = {}
    for table, column in donor_references():
        key = list(table.primary_key.columns)[0]
        found[table.name] = dict(session.execute(select(key, column).order_by(key)).all())
    return found


def test_a_merge_keeps_every_row_and_an_undo_puts_them_back_exactly(session, hlm):
    centre, treasurer = hlm
    survivor = factories.donor(session, centre, name="Joke Jansen", email="joke@example.org",
                               iban="NL91ABNA0417164300", phone=None)  # fmt: skip
    merged = factories.donor(session, centre, name="J. Jansen", email="old@example.org",
                             phone="023 123 4567", city="Haarlem",
                             iban="NL91ABNA0417164300")  # fmt: skip
    _everything(session, centre, treasurer, survivor)
    lines, gift, mandate, agreement = _everything(session, centre, treasurer, merged)
    instalments = sorted(i.id for i in gift.instalments)
    before = _owners(session)

    record = merge_donors(session, treasurer, survivor, merged, ["phone", "email"])
    session.refresh(survivor)
    session.refresh(merged)
    assert merged.merged_into_id == survivor.id
    assert (survivor.name, survivor.email, survivor.phone, survivor.city) == (
        "Joke Jansen", "old@example.org", "023 123 4567", None)  # fmt: skip
    assert session.scalar(select(func.count()).where(IncomeLine.donor_id == merged.id)) == 0
    assert {line.id for line in lines} <= set(
        session.scalars(select(IncomeLine.id).where(IncomeLine.donor_id == survivor.id))
    )
    assert session.get(RecurringGift, gift.id).donor_id == survivor.id
    assert sorted(session.scalars(select(Instalment.id).where(
        Instalment.recurring_gift_id == gift.id))) == instalments  # fmt: skip
    assert session.get(Mandate, mandate.id).donor_id == survivor.id
    assert session.get(GiftAgreement, agreement.id).gift.donor_id == survivor.id
    moved = {entry["table"]: len(entry["keys"]) for entry in record.moved}
    assert moved == {"income_lines": 2, "recurring_gifts": 2, "mandates": 1}
    # A merged donor is nobody's to see or pick any more; its audit events keep its id.
    with pytest.raises(NotFound):
        load_visible(session, Donor, merged.id, treasurer)
    events = session.scalars(select(AuditEvent).where(AuditEvent.action == "merge")).all()
    assert {(e.entity, e.entity_id) for e in events} >= {
        ("donors", str(survivor.id)), ("donors", str(merged.id)),
        ("income_lines", str(lines[0].id)), ("mandates", str(mandate.id))}  # fmt: skip

    undo_merge(session, treasurer, record)
    session.refresh(survivor)
    session.refresh(merged)
    assert _owners(session) == before
    assert merged.merged_into_id is None and record.undone_at is not None
    assert (survivor.email, survivor.phone) == ("joke@example.org", None)
    assert (
        session.scalar(
            select(func.count()).where(
                AuditEvent.action == "unmerge", AuditEvent.entity == "mandates"
            )
        )
        == 1
    )
    with pytest.raises(Conflict) as again:
        undo_merge(session, treasurer, record)
    assert again.value.code == "undone_already"


def test_by_default_the_survivor_fills_its_empty_fields_and_keeps_a_field_changed_since(
    session, hlm
):
    centre, treasurer = hlm
    survivor = factories.donor(session, centre, name="Joke Jansen")
    merged = factories.donor(session, centre, name="J. Jansen", city="Haarlem", phone="023 1")
    record = merge_donors(session, treasurer, survivor, merged)
    session.refresh(survivor)
    assert (survivor.name, survivor.city, survivor.phone) == ("Joke Jansen", "Haarlem", "023 1")
    survivor.phone = "06 2"  # changed by hand after the merge
    session.flush()
    undo_merge(session, treasurer, record)
    session.refresh(survivor)
    assert (survivor.city, survivor.phone) == (None, "06 2")


def test_donors_of_two_centres_or_one_donor_twice_are_not_merged(session, hlm):
    centre, treasurer = hlm
    other = factories.centre(session)
    mine, theirs = factories.donor(session, centre), factories.donor(session, other)
    office = factories.user(session, "national")
    with pytest.raises(ValidationError) as refused:
        merge_donors(session, office, mine, theirs)
    assert (refused.value.field, refused.value.code) == ("donor", "other_centre")
    with pytest.raises(ValidationError) as itself:
        merge_donors(session, treasurer, mine, mine)
    assert itself.value.code == "same_donor"
    with pytest.raises(NotAllowed):
        merge_donors(session, factories.user(session, "treasurer", other), mine,
                     factories.donor(session, centre))  # fmt: skip
    with pytest.raises(ValidationError) as unknown:
        merge_donors(session, treasurer, mine, factories.donor(session, centre), ["shoe_size"])
    assert unknown.value.code == "unknown_field"


def test_an_undo_is_refused_once_the_merges_year_is_closed(session, hlm):
    centre, treasurer = hlm
    survivor, merged = factories.donor(session, centre), factories.donor(session, centre)
    record = merge_donors(session, treasurer, survivor, merged)
    assert record.fiscal_year == current_network(session).fiscal_year_of(date.today())
    session.add(FiscalYearLock(year=record.fiscal_year))
    session.flush()
    with pytest.raises(Conflict) as refused:
        undo_merge(session, treasurer, record)
    assert refused.value.code == "year_closed"


def test_an_undo_is_refused_when_a_moved_line_went_to_another_donor_since(session, hlm):
    centre, treasurer = hlm
    survivor, merged, third = (factories.donor(session, centre) for _ in range(3))
    line = factories.income(session, centre, donor=merged, booking_date=date(2026, 2, 1))
    record = merge_donors(session, treasurer, survivor, merged)
    update_income(session, treasurer, line, {"donor": third.id})
    with pytest.raises(Conflict) as refused:
        undo_merge(session, treasurer, record)
    assert refused.value.code == "changed_since"


def test_an_undo_is_refused_while_the_survivor_is_merged_into_a_third(session, hlm):
    centre, treasurer = hlm
    survivor, merged, third = (factories.donor(session, centre) for _ in range(3))
    first = merge_donors(session, treasurer, survivor, merged)
    second = merge_donors(session, treasurer, third, survivor)
    with pytest.raises(Conflict) as refused:
        undo_merge(session, treasurer, first)
    assert refused.value.code == "merged_since"
    with pytest.raises(Conflict) as twice:
        merge_donors(session, treasurer, third, merged)
    assert twice.value.code == "merged_already"
    undo_merge(session, treasurer, second)
    undo_merge(session, treasurer, first)
    session.refresh(merged)
    assert merged.merged_into_id is None


@pytest.fixture
def one_per_donor(session):
    """Stand-ins for tables being added beside this work (a donor's national id: one per
    donor; a yearly statement: one per donor and year), known to the metadata while the
    test runs, as the generic merge finds every table."""
    metadata = db.metadata
    ids = sa.Table("test_national_ids", metadata,
                   sa.Column("id", sa.Integer, primary_key=True),
                   sa.Column("donor_id", sa.ForeignKey("donors.id"), unique=True),
                   sa.Column("number", sa.String(20)))  # fmt: skip
    years = sa.Table("test_statements", metadata,
                     sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("donor_id", sa.ForeignKey("donors.id")),
                     sa.Column("year", sa.Integer),
                     sa.UniqueConstraint("donor_id", "year"))  # fmt: skip
    connection = session.connection()
    for table in (ids, years):
        table.create(connection)
    yield ids, years
    for table in (ids, years):
        metadata.remove(table)


def test_one_per_donor_rows_keep_the_survivors_and_park_the_merged_donors(
    session, hlm, one_per_donor
):
    centre, treasurer = hlm
    ids, years = one_per_donor
    survivor, merged = factories.donor(session, centre), factories.donor(session, centre)
    run = session.execute
    run(ids.insert(), [{"id": 1, "donor_id": survivor.id, "number": "S"},
                       {"id": 2, "donor_id": merged.id, "number": "M"}])  # fmt: skip
    run(years.insert(), [{"id": 1, "donor_id": survivor.id, "year": 2025},
                         {"id": 2, "donor_id": merged.id, "year": 2025},
                         {"id": 3, "donor_id": merged.id, "year": 2026}])  # fmt: skip
    record = merge_donors(session, treasurer, survivor, merged)
    assert dict(run(select(ids.c.id, ids.c.donor_id)).all()) == {1: survivor.id, 2: merged.id}
    assert dict(run(select(years.c.id, years.c.donor_id)).all()) == {
        1: survivor.id, 2: merged.id, 3: survivor.id}  # fmt: skip
    assert {e["table"]: e["keys"] for e in record.kept} == {
        "test_national_ids": [[2]], "test_statements": [[2]]}  # fmt: skip
    undo_merge(session, treasurer, record)
    assert dict(run(select(years.c.id, years.c.donor_id)).all()) == {
        1: survivor.id, 2: merged.id, 3: merged.id}  # fmt: skip


def test_erasing_a_donor_erases_the_donors_merged_into_it_and_the_merges_copies(session, hlm):
    from fundtrack.income.gdpr import erase_donor

    centre, treasurer = hlm
    survivor = factories.donor(session, centre, name="Joke Jansen", email="joke@example.org")
    merged = factories.donor(session, centre, name="J. Jansen", email="old@example.org")
    record = merge_donors(session, treasurer, survivor, merged, ["email"])
    assert record.survivor_before == {"email": "joke@example.org"}
    erase_donor(session, treasurer, survivor)
    session.refresh(merged)
    session.refresh(record)
    assert merged.name.startswith("[erased]") and merged.email is None
    assert record.survivor_before == {"email": "[erased]"}
    assert record.survivor_after == {"email": "[erased]"}


def test_national_identity_numbers_are_one_per_donor_the_survivors_stays(session, hlm):
    from fundtrack.giving import national_ids
    from fundtrack.giving.tax_models import DonorNationalId
    from tests.test_giving_national_ids import BSN, FNR

    centre, treasurer = hlm
    survivor, merged, lone = (factories.donor(session, centre) for _ in range(3))
    for donor, number, kind in ((survivor, BSN, "bsn"), (merged, FNR, "fodselsnummer")):
        national_ids.set_national_id(session, treasurer, donor, {"kind": kind, "number": number})
    owner = {row.id: row.donor_id for row in session.scalars(select(DonorNationalId))}
    record = merge_donors(session, treasurer, survivor, merged)
    assert [e["table"] for e in record.kept] == ["donor_national_ids"]
    assert national_ids.of_donor(session, survivor.id).kind.value == "bsn"
    assert national_ids.of_donor(session, merged.id).kind.value == "fodselsnummer"
    undo_merge(session, treasurer, record)
    # A donor without a number of its own takes the merged donor's.
    record = merge_donors(session, treasurer, lone, merged)
    assert national_ids.of_donor(session, lone.id).kind.value == "fodselsnummer"
    undo_merge(session, treasurer, record)
    after = {row.id: row.donor_id for row in session.scalars(select(DonorNationalId))}
    assert after == owner
