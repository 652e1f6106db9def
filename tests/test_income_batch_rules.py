"""The rules every income line meets: the category follows the counterparty, twins are flagged."""

from datetime import date
from decimal import Decimal

import pytest

from fundtrack.errors import ValidationError
from fundtrack.income.models import DonorKind, FunderType, IncomeCategory
from fundtrack.income.operations import PossibleDuplicate, book_income, update_income
from tests import factories


@pytest.fixture
def centre(session, network):
    return factories.centre(session, code="HLM")


@pytest.fixture
def treasurer(session, centre):
    return factories.user(session, role="treasurer", centre=centre)


def line(**values) -> dict:
    return {"centre": "HLM", "date": date(2025, 6, 12), "amount": Decimal("250.00")} | values


def test_a_municipal_subsidy_booked_under_individuals_is_refused_naming_both(
    session, centre, treasurer
):
    funder = factories.funder(session, name="Gemeente Haarlem", type=FunderType.MUNICIPALITY)
    with pytest.raises(ValidationError) as refused:
        book_income(session, treasurer, line(funder=funder.id, category="individuals"))
    assert refused.value.field == "category"
    message = refused.value.message
    assert "Gemeente Haarlem" in message
    assert "“Government subsidies”" in message and "“Individuals”" in message
    assert "government_subsidies" not in message  # a category in words, not its code


def test_the_funders_type_implies_the_category_when_none_is_given(session, centre, treasurer):
    funder = factories.funder(session, type=FunderType.FOUNDATION)
    booked = book_income(session, treasurer, line(funder=funder.id))
    assert booked.category == IncomeCategory.OTHER_NONPROFITS


def test_an_agreement_implies_its_funders_category(session, centre, treasurer):
    funder = factories.funder(session, type=FunderType.MUNICIPALITY)
    agreement = factories.agreement(session, centre, funder)
    booked = book_income(session, treasurer, line(agreement=agreement.id))
    assert booked.category == IncomeCategory.GOVERNMENT and booked.funder_id == funder.id
    with pytest.raises(ValidationError) as refused:
        book_income(session, treasurer, line(agreement=agreement.id, category="companies"))
    assert refused.value.field == "category"


def test_a_donor_implies_a_gift_and_refuses_a_subsidy(session, centre, treasurer):
    person = factories.donor(session, centre, name="Jan de Vries")
    company = factories.donor(session, centre, kind=DonorKind.ORGANISATION, name="Bakkerij Bol")
    assert book_income(session, treasurer, line(donor=person.id)).category == "individuals"
    assert book_income(session, treasurer, line(donor=company.id)).category == "companies"
    with pytest.raises(ValidationError) as refused:
        book_income(session, treasurer, line(donor=person.id, category="government_subsidies"))
    assert "Jan de Vries" in refused.value.message


def test_a_line_without_counterparty_must_name_its_category(session, centre, treasurer):
    with pytest.raises(ValidationError) as refused:
        book_income(session, treasurer, line())
    assert (refused.value.field, refused.value.message) == ("category", "is required")
    assert book_income(session, treasurer, line(category="other")).category == "other"


def test_a_funder_of_type_other_gives_under_any_category(session, centre, treasurer):
    bank = factories.funder(session, type=FunderType.OTHER)
    assert book_income(session, treasurer, line(funder=bank.id, category="other")).category
    assert book_income(
        session, treasurer, line(funder=bank.id, category="companies", amount=Decimal("1.00"))
    )


def test_changing_the_funder_of_a_line_checks_its_category_again(session, centre, treasurer):
    donor = factories.donor(session, centre)
    town = factories.funder(session, type=FunderType.MUNICIPALITY)
    booked = book_income(session, treasurer, line(donor=donor.id))
    with pytest.raises(ValidationError):
        update_income(session, treasurer, booked, {"donor": None, "funder": town.id})


def test_a_second_identical_line_is_flagged_as_a_possible_duplicate(session, centre, treasurer):
    town = factories.funder(session, name="Gemeente Haarlem", type=FunderType.MUNICIPALITY)
    first = book_income(session, treasurer, line(funder=town.id))
    with pytest.raises(PossibleDuplicate) as flagged:
        book_income(session, treasurer, line(funder=town.id))
    assert flagged.value.field == "confirm_duplicate"
    assert flagged.value.existing_id == first.id
    assert "Gemeente Haarlem" in flagged.value.message and "Jun 12, 2025" in flagged.value.message
    second = book_income(session, treasurer, line(funder=town.id), confirm_duplicate=True)
    assert second.id != first.id


def test_lines_differing_in_date_amount_or_counterparty_are_no_duplicates(
    session, centre, treasurer
):
    town = factories.funder(session, type=FunderType.MUNICIPALITY)
    donor = factories.donor(session, centre)
    book_income(session, treasurer, line(funder=town.id))
    book_income(session, treasurer, line(funder=town.id, date=date(2025, 7, 12)))
    book_income(session, treasurer, line(funder=town.id, amount=Decimal("250.01")))
    book_income(session, treasurer, line(donor=donor.id))
    other = factories.centre(session)
    national = factories.user(session, role="national")
    book_income(session, national, line(centre=other.code, category="other"))
    book_income(session, national, line(category="other"))


def test_lines_with_their_own_external_id_are_told_apart_by_it(session, centre, treasurer):
    book_income(session, treasurer, line(category="other", external_id="bank-1"))
    book_income(session, treasurer, line(category="other", external_id="bank-2"))


def test_another_centres_private_person_is_no_funder_of_this_centre_even_for_the_office(
    session, centre
):
    other = factories.centre(session, code="ZWL")
    office = factories.user(session, role="national")
    bequest = factories.funder(session, name="Mw. A. Smit", type=FunderType.INDIVIDUAL,
                               centre_id=other.id)  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        book_income(session, office, line(funder=bequest.id))
    assert refused.value.field == "funder"
    assert "private person of another centre" in refused.value.message
    own = factories.funder(session, name="Dhr. B. Bakker", type=FunderType.INDIVIDUAL,
                           centre_id=centre.id)  # fmt: skip
    assert book_income(session, office, line(funder=own.id)).funder_id == own.id
