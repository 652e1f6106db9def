"""Erasing a donor reaches every copy of their data: income line descriptions, import file
names, the payer choices an import recorded (keyed by IBAN), what an undone import kept, and
the audit snapshots of all of these; every total stays as it was."""

import json
from datetime import date
from decimal import Decimal

from sqlalchemy import func, select

from fundtrack.audit.models import AuditEvent
from fundtrack.imports.models import Import, ImportProfile, ImportState
from fundtrack.income import gdpr
from fundtrack.income.models import IncomeLine
from fundtrack.share.service import funding_share
from tests import factories

IBAN = "NL91ABNA0417164300"
TRACES = ("jansen", "nl91abna0417164300", "nl91 abna 0417 1643 00", "joke@example.org")


def _everything(session) -> str:
    """Every text column that can hold a copy, lower-cased, as one string."""
    parts = [[line.description, line.reference] for line in session.scalars(select(IncomeLine))]
    parts += [[i.filename, i.options, i.outcome] for i in session.scalars(select(Import))]
    parts += [[p.key, p.value] for p in session.scalars(select(ImportProfile))]
    parts += [[e.before, e.after] for e in session.scalars(select(AuditEvent))]
    return json.dumps(parts, ensure_ascii=False).lower()


def test_erasing_a_donor_reaches_every_copy_and_keeps_every_total(session, network):
    centre = factories.centre(session)
    treasurer = factories.user(session, "treasurer", centre)
    office = factories.user(session, "national")
    donor = factories.donor(
        session, centre, name="Joke Jansen", email="joke@example.org", iban=IBAN
    )
    gift = factories.income(
        session, centre, "250.00", donor=donor, booking_date=date(2025, 4, 1),
        description="Gift JOKE JANSEN NL91 ABNA 0417 1643 00", reference="Jansen/2025",
    )  # fmt: skip
    gift.description = "Gift Joke Jansen, Dorpsstraat 1"  # an audited change: before and after
    other = factories.income(
        session, centre, "75.00", booking_date=date(2025, 6, 1),
        description="Collection, with thanks to joke  jansen",
    )  # fmt: skip
    record = Import(
        centre=centre, user_id=treasurer.id, filename="giften Joke Jansen 2025.csv", kind="csv",
        sha256="0" * 64, size=10, state=ImportState.UNDONE,
        options={"choices": {IBAN: {"kind": "donor", "id": donor.id}, "name:joke jansen": {
            "kind": "skip"}}},
        outcome={"reversed": [{"donor": donor.id, "amount": "20.00",
                               "description": "Joke's extra gift", "reference": "X1"}]},
    )  # fmt: skip
    session.add(record)
    session.add(ImportProfile(centre_id=centre.id, key=f"match:{IBAN}",
                              value={"kind": "donor", "id": donor.id}))  # fmt: skip
    session.add(ImportProfile(centre_id=centre.id, key="match:NL02RABO0123456789",
                              value={"kind": "donor", "id": donor.id}))  # fmt: skip
    session.flush()
    assert "jansen" in _everything(session)
    before = funding_share(session, office, 2025).network
    total = session.scalar(select(func.sum(IncomeLine.amount)))

    gdpr.erase_donor(session, treasurer, donor)
    session.expire_all()

    text = _everything(session)
    for trace in TRACES:
        assert trace not in text, trace
    assert "NL02RABO0123456789" not in text.upper()  # another account recorded as this donor
    assert session.scalar(select(func.sum(IncomeLine.amount))) == total
    assert funding_share(session, office, 2025).network == before
    assert session.get(IncomeLine, other.id).description == "Collection, with thanks to [erased]"
    assert session.get(IncomeLine, gift.id).donor_id == donor.id


def test_a_short_name_is_not_scrubbed_from_other_peoples_lines(session, network):
    centre = factories.centre(session)
    treasurer = factories.user(session, "treasurer", centre)
    donor = factories.donor(session, centre, name="Bo")
    mine = factories.income(session, centre, "10.00", donor=donor, description="Gift from Bo")
    theirs = factories.income(session, centre, "10.00", description="Boat trip collection")
    gdpr.erase_donor(session, treasurer, donor)
    session.expire_all()
    assert session.get(IncomeLine, mine.id).description == "[erased]"
    assert session.get(IncomeLine, theirs.id).description == "Boat trip collection"


def test_erasing_a_donor_reaches_their_recurring_gifts_and_keeps_the_instalments(session, network):
    from fundtrack.giving import operations as giving
    from fundtrack.giving.models import RecurringGift

    centre = factories.centre(session)
    treasurer = factories.user(session, "treasurer", centre)
    donor = factories.donor(session, centre, name="Joke Jansen", email="joke@example.org")
    gift = giving.create_recurring_gift(
        session, treasurer,
        {"donor": donor.id, "amount": Decimal("25.00"), "frequency": "monthly",
         "start": date(2025, 1, 1), "payment_method": "bank_transfer",
         "reference": "Maandgift J. Jansen, Dorpsstraat 1"},
        today=date(2025, 6, 1),
    )  # fmt: skip
    gift.reference = "Maandgift mevrouw Jansen"  # an audited change: before and after
    session.flush()
    instalments = len(gift.instalments)
    assert (
        "jansen"
        in _everything(session)
        + json.dumps([g.reference for g in session.scalars(select(RecurringGift))]).lower()
    )

    gdpr.erase_donor(session, treasurer, donor)
    session.expire_all()

    kept = session.get(RecurringGift, gift.id)
    assert kept.reference == "[erased]"
    assert kept.amount == Decimal("25.00") and len(kept.instalments) == instalments
    assert "jansen" not in _everything(session)
    assert "dorpsstraat" not in _everything(session)


def test_erasing_a_donor_revokes_their_mandate_and_forgets_its_iban(session, network):
    from fundtrack.giving.sepa import create_mandate
    from fundtrack.giving.sepa_models import Mandate

    centre = factories.centre(session)
    treasurer = factories.user(session, "treasurer", centre)
    donor = factories.donor(session, centre, name="Joke Jansen", iban=IBAN)
    mandate = create_mandate(session, treasurer, {"donor": donor.id, "signed_on": date(2025, 1, 1)})
    mandate.iban = "NL44RABO0123456789"  # an audited change: before and after hold an IBAN
    session.flush()

    gdpr.erase_donor(session, treasurer, donor)
    session.expire_all()

    kept = session.get(Mandate, mandate.id)
    assert kept.iban == "[erased]" and kept.revoked_on is not None
    text = _everything(session)
    assert "nl91abna0417164300" not in text and "nl44rabo0123456789" not in text
