"""Yearly giving statements: what one says, that no gift is ever on two live statements
(the database refuses it), corrections that void and replace, and the centre's batch."""

import hashlib
import io
from datetime import date
from decimal import Decimal

import pytest
from flask_babel import force_locale, gettext
from pypdf import PdfReader
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from fundtrack.audit.models import AuditEvent
from fundtrack.auth.access import NotAllowed
from fundtrack.errors import Conflict, ValidationError
from fundtrack.giving.agreements import create_gift_agreement
from fundtrack.giving.statement_data import donors_to_state
from fundtrack.giving.statement_jobs import issue_for_centre
from fundtrack.giving.statement_models import GivingStatement, GivingStatementLine
from fundtrack.giving.statements import issue_statement, reissue_statement, void_statement
from fundtrack.imports.booking import undo_import
from fundtrack.imports.models import Import, ImportState
from fundtrack.income.operations import book_income, delete_income
from tests import factories

TODAY = date(2027, 2, 1)
PERIODIC_WORDS = (
    "These payments were made under a written agreement on a periodic gift of at least five "
    "years. A periodic gift is fully deductible, without a threshold and without a maximum; "
    "give the transaction number on your tax return."
)


@pytest.fixture
def dutch(session, network):
    centre = factories.centre(session, rsin="002425695", name="Inloophuis Haarlem")
    treasurer = factories.user(session, "treasurer", centre, name="Els de Boer")
    donor = factories.donor(session, centre, name="Joke Jansen", address="Dorpsstraat 1",
                            postcode="2011 AB", city="Haarlem")  # fmt: skip
    return centre, treasurer, donor


def _gift(session, treasurer, donor, day, amount="25.00", **values):
    values = {"centre": donor.centre.code, "date": day, "amount": Decimal(amount),
              "donor": donor.id} | values  # fmt: skip
    return book_income(session, treasurer, values)


def _said(language: str, msgid: str, **values) -> str:
    """The words as the donor's language has them (English until the catalogue has them)."""
    with force_locale(language):
        return gettext(msgid, **values)


def _text(statement) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(statement.pdf)).pages)


def _live_lines(session, line_id) -> int:
    rows = select(GivingStatementLine).where(
        GivingStatementLine.income_line_id == line_id, GivingStatementLine.live.is_(True)
    )
    return len(session.scalars(rows).all())


def test_a_statement_lists_the_years_gifts_and_the_periodic_gift_apart(session, dutch):
    centre, treasurer, donor = dutch
    fund = factories.fund(session, centre, name="Lotgenotencontact")
    agreement = create_gift_agreement(session, treasurer, {
        "kind": "periodic_gift", "donor": donor.id, "amount": Decimal("300.00"),
        "start": date(2026, 1, 15), "years": 5, "donor_signed_on": date(2025, 12, 20),
    }, today=date(2026, 1, 1))  # fmt: skip
    _gift(session, treasurer, donor, date(2026, 1, 20), "300.00")  # pays the agreement's year
    _gift(session, treasurer, donor, date(2026, 3, 2), "25.00", fund=fund.id)
    _gift(session, treasurer, donor, date(2026, 11, 30), "12.50")
    _gift(session, treasurer, donor, date(2025, 12, 31), "99.00")  # another year
    camp = factories.fund(session, centre, name="Zomerkamp")
    _gift(session, treasurer, donor, date(2026, 7, 1), "10.00", funds=[
        {"fund_id": fund.id, "amount": Decimal("4.00")},
        {"fund_id": camp.id, "amount": Decimal("6.00")}])  # fmt: skip
    statement = issue_statement(session, treasurer, donor, 2026, today=TODAY)
    assert (statement.total, statement.periodic_total) == (Decimal("347.50"), Decimal("300.00"))
    assert statement.sha256 == hashlib.sha256(statement.pdf).hexdigest()
    assert statement.language == "nl" and statement.issued_by_id == treasurer.id
    text = " ".join(_text(statement).split())
    assert _said("nl", "Yearly giving statement %(year)s", year=2026) in text
    assert "Lotgenotencontact" in text and "Els de Boer" in text
    assert agreement.transaction_number in text and "002425695" in text
    assert _said("nl", PERIODIC_WORDS)[:40] in text
    assert "€ 47,50" in text and "€ 347,50" in text and "99,00" not in text
    assert "Zomerkamp" in text  # a split gift names its funds


def test_the_donors_language_decides_the_statements(session, dutch):
    _centre, treasurer, donor = dutch
    donor.language = "en"
    _gift(session, treasurer, donor, date(2026, 5, 1))
    statement = issue_statement(session, treasurer, donor, 2026, today=TODAY)
    assert statement.language == "en"
    assert "Yearly giving statement 2026" in _text(statement)
    assert statement.pdf.startswith(b"%PDF")


def test_a_gift_is_never_on_two_live_statements(session, dutch):
    _centre, treasurer, donor = dutch
    line = _gift(session, treasurer, donor, date(2026, 5, 1))
    first = issue_statement(session, treasurer, donor, 2026, today=TODAY)
    with pytest.raises(Conflict) as refused:
        issue_statement(session, treasurer, donor, 2026, today=TODAY)
    assert refused.value.code == "statement_exists" and refused.value.existing_id == first.id
    # Even written by hand, the database refuses a second live row for the gift.
    other = GivingStatement(
        centre_id=donor.centre_id, donor_id=donor.id, year=2026, language="nl", currency="EUR",
        total=Decimal("25.00"), periodic_total=Decimal("0"), sha256="0" * 64, size=1, pdf=b"x",
    )  # fmt: skip
    session.add(other)
    session.flush()
    with pytest.raises(IntegrityError), session.begin_nested():
        session.add(GivingStatementLine(statement_id=other.id, income_line_id=line.id,
                                        amount=Decimal("25.00")))  # fmt: skip
        session.flush()
    # Nor can a voided statement's line be made live again behind its statement's back.
    void_statement(session, treasurer, first, "wrong address")
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(update(GivingStatementLine).where(
            GivingStatementLine.statement_id == first.id).values(live=True))  # fmt: skip


def test_a_reissue_voids_the_earlier_statement_and_keeps_its_rows(session, dutch):
    _centre, treasurer, donor = dutch
    line = _gift(session, treasurer, donor, date(2026, 5, 1))
    first = issue_statement(session, treasurer, donor, 2026, today=TODAY)
    late = _gift(session, treasurer, donor, date(2026, 12, 30), "40.00")  # booked afterwards
    assert donors_to_state(session, donor.centre, 2026) == []  # needs a reissue, not a second
    second = reissue_statement(session, treasurer, first, "a gift booked late", today=TODAY)
    session.refresh(first)
    assert first.live is None and first.voided_by_id == treasurer.id and first.pdf
    assert second.replaces_id == first.id and second.total == Decimal("65.00")
    kept = session.scalars(select(GivingStatementLine).where(
        GivingStatementLine.statement_id == first.id)).all()  # fmt: skip
    assert [(row.income_line_id, row.live) for row in kept] == [(line.id, None)]
    assert _live_lines(session, line.id) == 1 and _live_lines(session, late.id) == 1
    assert "corrects and replaces" in _text(second) or "vervangt" in _text(second)
    with pytest.raises(Conflict) as refused:
        void_statement(session, treasurer, first, "again")
    assert refused.value.code == "already_void"
    events = session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity == "giving_statements")).all()  # fmt: skip
    assert events.count("create") == 2 and events.count("update") == 1


def test_refusals_say_why(session, dutch):
    centre, treasurer, donor = dutch
    with pytest.raises(ValidationError) as refused:
        issue_statement(session, treasurer, donor, 2026, today=TODAY)
    assert refused.value.code == "no_gifts"
    with pytest.raises(ValidationError) as refused:
        issue_statement(session, treasurer, donor, 2027, today=TODAY)
    assert refused.value.code == "year_not_ended"
    _gift(session, treasurer, donor, date(2026, 5, 1))
    statement = issue_statement(session, treasurer, donor, 2026, today=TODAY)
    with pytest.raises(ValidationError) as refused:
        void_statement(session, treasurer, statement, "  ")
    assert refused.value.code == "reason_required"


def test_a_stated_gift_cannot_be_deleted(session, dutch):
    _centre, treasurer, donor = dutch
    line = _gift(session, treasurer, donor, date(2026, 5, 1))
    issue_statement(session, treasurer, donor, 2026, today=TODAY)
    with pytest.raises(Conflict) as refused:
        delete_income(session, treasurer, line)
    assert refused.value.code == "on_statement"


def test_treasurers_issue_for_their_own_centre_and_the_office_for_all(session, dutch):
    _centre, _treasurer, donor = dutch
    _gift(session, _treasurer, donor, date(2026, 5, 1))
    stranger = factories.user(session, "treasurer", factories.centre(session))
    auditor = factories.user(session, "auditor")
    for user in (stranger, auditor):
        with pytest.raises(NotAllowed):
            issue_statement(session, user, donor, 2026, today=TODAY)
    national = factories.user(session, "national", name="Landelijk Bureau")
    assert issue_statement(session, national, donor, 2026, today=TODAY).issued_by_id == national.id


def test_the_batch_states_every_donor_with_unstated_gifts_once(session, dutch):
    centre, treasurer, donor = dutch
    others = [factories.donor(session, centre, name=f"Donor {n}") for n in range(3)]
    for person in [donor, *others]:
        _gift(session, treasurer, person, date(2026, 6, 1))
    factories.donor(session, centre, name="Nothing given")
    issue_statement(session, treasurer, others[0], 2026, today=TODAY)
    issued, skipped = issue_for_centre(session, treasurer, centre, 2026, today=TODAY)
    assert (len(issued), skipped) == (3, 0)
    assert issue_for_centre(session, treasurer, centre, 2026, today=TODAY) == ([], 0)


def test_an_import_whose_gifts_are_stated_cannot_be_undone(session, dutch):
    centre, treasurer, donor = dutch
    record = Import(centre_id=centre.id, user_id=treasurer.id, filename="giften.csv", kind="csv",
                    sha256="1" * 64, size=10, state=ImportState.BOOKED)  # fmt: skip
    session.add(record)
    session.flush()
    factories.income(session, centre, "25.00", booking_date=date(2026, 5, 1), donor=donor,
                     import_id=record.id)  # fmt: skip
    issue_statement(session, treasurer, donor, 2026, today=TODAY)
    with pytest.raises(Conflict) as refused:
        undo_import(session, treasurer, record)
    assert refused.value.code == "on_statement"
