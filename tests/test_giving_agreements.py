"""Dutch periodic gifts and Norwegian pledges: a yearly gift with its signed agreement, its
years expected against received, and the agreement form as a PDF."""

import io
from datetime import date
from decimal import Decimal

import pytest
from pypdf import PdfReader

from fundtrack.errors import Conflict, NotFound, ValidationError
from fundtrack.giving.agreement_form import agreement_pdf
from fundtrack.giving.agreement_queries import agreement_years, gift_agreement, gift_agreements
from fundtrack.giving.agreements import (
    create_gift_agreement,
    delete_gift_agreement,
    update_gift_agreement,
)
from fundtrack.income.operations import book_income
from tests import factories

TODAY = date(2028, 3, 1)


@pytest.fixture
def dutch(session, network):
    centre = factories.centre(session, rsin="002425695", name="Inloophuis Haarlem")
    treasurer = factories.user(session, "treasurer", centre)
    donor = factories.donor(session, centre, name="Joke Jansen", address="Dorpsstraat 1",
                            postcode="2011 AB", city="Haarlem")  # fmt: skip
    return centre, treasurer, donor


def _periodic(session, treasurer, donor, **values):
    values = {
        "kind": "periodic_gift", "donor": donor.id, "amount": Decimal("300.00"),
        "start": date(2026, 1, 15), "years": 5, "donor_signed_on": date(2025, 12, 20),
    } | values  # fmt: skip
    return create_gift_agreement(session, treasurer, values, today=TODAY)


def test_a_periodic_gift_expects_one_payment_a_year_for_its_years(session, dutch):
    centre, treasurer, donor = dutch
    agreement = _periodic(session, treasurer, donor)
    assert agreement.transaction_number == "2026-0001"
    assert agreement.gift.end_date == date(2031, 1, 14)
    assert [i.due_date.year for i in agreement.gift.instalments] == [2026, 2027, 2028, 2029, 2030]
    for day in (date(2026, 1, 20), date(2027, 2, 1)):
        values = {"centre": centre.code, "date": day, "amount": Decimal("300.00")}
        book_income(session, treasurer, values | {"donor": donor.id})
    row = gift_agreement(session, treasurer, agreement.id, today=TODAY)
    assert (row.years_due, row.years_received, row.received) == (3, 2, Decimal("600.00"))
    years = agreement_years(session, agreement.gift.id, today=TODAY)
    assert [y.state for y in years] == ["received", "received", "missed", "expected", "expected"]
    assert years[1].paid_on == date(2027, 2, 1) and years[2].received is None
    assert second_number(session, treasurer, donor) == "2026-0002"


def second_number(session, treasurer, donor) -> str:
    return _periodic(session, treasurer, donor, start=date(2026, 6, 1)).transaction_number


def test_a_periodic_gift_runs_five_years_and_needs_the_centres_rsin(session, dutch, network):
    _centre, treasurer, donor = dutch
    with pytest.raises(ValidationError) as error:
        _periodic(session, treasurer, donor, years=4)
    assert error.value.field == "years"
    no_rsin = factories.centre(session)
    their_treasurer = factories.user(session, "treasurer", no_rsin)
    their_donor = factories.donor(session, no_rsin)
    with pytest.raises(ValidationError) as error:
        _periodic(session, their_treasurer, their_donor)
    assert error.value.code == "no_rsin"


def test_transaction_numbers_are_unique_per_centre(session, dutch):
    _centre, treasurer, donor = dutch
    _periodic(session, treasurer, donor, transaction_number="PG-7")
    with pytest.raises(Conflict):
        _periodic(session, treasurer, donor, transaction_number="PG-7")


def test_a_norwegian_pledge_in_nok_is_paid_without_sepa(session, network):
    centre = factories.centre(session, currency="NOK", organisation_number="923609016")
    treasurer = factories.user(session, "treasurer", centre)
    donor = factories.donor(session, centre, name="Kari Nordmann")
    values = {"kind": "pledge", "donor": donor.id, "amount": Decimal("1200.00"), "years": 3,
              "start": date(2026, 3, 1), "donor_signed_on": date(2026, 2, 1)}  # fmt: skip
    with pytest.raises(ValidationError) as error:
        create_gift_agreement(session, treasurer, values | {"payment_method": "direct_debit"})
    assert error.value.field == "payment_method"
    pledge = create_gift_agreement(session, treasurer, values, today=TODAY)
    assert pledge.gift.currency == "NOK" and len(pledge.gift.instalments) == 3
    text = _pdf_text(agreement_pdf(session, treasurer, pledge.id, "en"))
    assert "Kari Nordmann" in text and "923609016" in text and "RSIN" not in text


def test_countersigning_and_deleting(session, dutch):
    centre, treasurer, donor = dutch
    agreement = _periodic(session, treasurer, donor)
    with pytest.raises(ValidationError):
        update_gift_agreement(session, treasurer, agreement, {"centre_signed_on": date(2025, 1, 1)})
    update_gift_agreement(session, treasurer, agreement, {
        "centre_signed_on": date(2026, 1, 5), "centre_signatory": "A. de Boer, penningmeester",
    })  # fmt: skip
    with pytest.raises(ValidationError):
        update_gift_agreement(session, treasurer, agreement, {"years": 10})
    book_income(session, treasurer, {"centre": centre.code, "date": date(2026, 1, 20),
                                     "amount": Decimal("300.00"), "donor": donor.id})  # fmt: skip
    with pytest.raises(Conflict):
        delete_gift_agreement(session, treasurer, agreement)


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_agreement_form_names_the_donor_the_rsin_and_the_transaction_number(session, dutch):
    _centre, treasurer, donor = dutch
    agreement = _periodic(session, treasurer, donor, centre_signatory="A. de Boer")
    text = _pdf_text(agreement_pdf(session, treasurer, agreement.id, "en"))
    for expected in ("Joke Jansen", "Dorpsstraat 1", "002425695", "2026-0001", "300,00",
                     "Inloophuis Haarlem", "A. de Boer", "BSN"):  # fmt: skip
        assert expected in text, expected


def test_another_centres_agreements_are_not_found(session, dutch, network):
    _centre, treasurer, donor = dutch
    agreement = _periodic(session, treasurer, donor)
    other = factories.user(session, "treasurer", factories.centre(session))
    assert gift_agreements(session, other) == []
    with pytest.raises(NotFound):
        agreement_pdf(session, other, agreement.id)
