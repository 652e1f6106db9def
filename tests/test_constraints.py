"""The database and the model layer refuse rows that would make the figures wrong."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from fundtrack.centres.locks import YearLocked
from fundtrack.centres.models import FiscalYearLock
from fundtrack.errors import ValidationError
from fundtrack.income.models import IncomeLine
from tests import factories


@pytest.fixture
def centre(session, network):
    return factories.centre(session)


@pytest.mark.parametrize("amount", ["0.00", "-5.00"])
def test_income_amount_must_be_positive(session, centre, amount):
    with pytest.raises(IntegrityError), session.begin_nested():
        factories.income(session, centre, amount=amount)


def test_cost_amount_may_be_zero_but_not_negative(session, centre):
    factories.cost(session, centre, amount="0.00")
    with pytest.raises(IntegrityError), session.begin_nested():
        factories.cost(session, centre, amount="-1.00")


def test_agreement_needs_a_positive_annual_amount(session, centre):
    funder = factories.funder(session)
    with pytest.raises(IntegrityError), session.begin_nested():
        factories.agreement(session, centre, funder, annual_amount=Decimal("0"))


def test_agreement_cannot_end_before_it_starts(session, centre):
    funder = factories.funder(session)
    with pytest.raises(IntegrityError), session.begin_nested():
        factories.agreement(
            session, centre, funder, start_date=date(2025, 1, 1), end_date=date(2024, 1, 1)
        )


def test_overriding_the_rule_needs_a_reason(session, centre):
    funder = factories.funder(session)
    with pytest.raises(IntegrityError), session.begin_nested():
        factories.agreement(session, centre, funder, structural_override=True)


@pytest.mark.parametrize("code", ["XXX", "eur", "EURO", ""])
def test_unknown_currency_is_refused(session, centre, code):
    with pytest.raises(ValueError, match="currency"):
        factories.income(session, centre, currency=code)


def test_database_refuses_a_currency_code_of_the_wrong_length(session, centre):
    with pytest.raises(IntegrityError), session.begin_nested():
        session.execute(
            text("UPDATE centres SET currency = 'EU' WHERE id = :id"), {"id": centre.id}
        )


def test_income_in_another_currency_than_the_centre_is_refused(session, centre):
    with pytest.raises(ValidationError) as refused:
        factories.income(session, centre, currency="NOK")
    assert (refused.value.field, refused.value.code) == ("currency", "other_currency")


def test_the_same_external_id_is_never_booked_twice_for_a_centre(session, centre):
    factories.income(session, centre, external_id="PAY-1")
    with pytest.raises(IntegrityError), session.begin_nested():
        factories.income(session, centre, external_id="PAY-1")


def test_another_centre_may_use_the_same_external_id(session, centre):
    other = factories.centre(session)
    factories.income(session, centre, external_id="PAY-1")
    assert factories.income(session, other, external_id="PAY-1").id


def test_a_line_cannot_name_both_a_funder_and_a_donor(session, centre):
    with pytest.raises(IntegrityError), session.begin_nested():
        factories.income(
            session,
            centre,
            funder=factories.funder(session),
            donor=factories.donor(session, centre),
        )


def test_a_treasurer_must_belong_to_a_centre(session, network):
    with pytest.raises(IntegrityError), session.begin_nested():
        factories.user(session, role="treasurer", centre=None)


def test_a_national_office_user_belongs_to_no_centre(session, centre):
    with pytest.raises(IntegrityError), session.begin_nested():
        factories.user(session, role="national", centre=centre)


def test_income_cannot_be_booked_in_a_locked_year(session, centre):
    session.add(FiscalYearLock(year=2025))
    with pytest.raises(YearLocked, match="2025"):
        factories.income(session, centre, booking_date=date(2025, 6, 1))
    session.rollback()


def test_a_line_in_a_locked_year_can_be_neither_changed_nor_deleted(session, centre):
    line = factories.income(session, centre, booking_date=date(2025, 6, 1))
    session.add(FiscalYearLock(year=2025))
    session.flush()
    line.amount = Decimal("1.00")
    with pytest.raises(YearLocked):
        session.flush()
    session.rollback()


def test_a_line_cannot_be_moved_out_of_a_locked_year(session, centre):
    line = factories.income(session, centre, booking_date=date(2024, 6, 1))
    session.add(FiscalYearLock(year=2024))
    session.flush()
    line.booking_date = date(2025, 6, 1)
    with pytest.raises(YearLocked, match="2024"):
        session.flush()
    session.rollback()


def test_costs_in_a_locked_year_are_refused(session, centre):
    session.add(FiscalYearLock(year=2023))
    with pytest.raises(YearLocked):
        factories.cost(session, centre, year=2023)
    session.rollback()


def test_fiscal_year_follows_the_networks_first_month(session, network, centre):
    network.fiscal_year_start_month = 4
    march = factories.income(session, centre, booking_date=date(2025, 3, 31))
    april = factories.income(session, centre, booking_date=date(2025, 4, 1))
    assert (march.fiscal_year, april.fiscal_year) == (2024, 2025)


def test_money_is_kept_exactly(session, centre):
    line = factories.income(session, centre, amount="0.10")
    factories.income(session, centre, amount="0.20")
    session.expire_all()
    assert session.get(IncomeLine, line.id).amount == Decimal("0.10")
    # SQLite sums NUMERIC as floating point; the typed aggregate brings it back to cents.
    total = session.scalar(
        select(func.sum(IncomeLine.amount)).where(IncomeLine.centre_id == centre.id)
    )
    assert total == Decimal("0.30")


def test_donor_iban_is_validated_and_stored_compact(session, centre):
    donor = factories.donor(session, centre, iban="NL91 ABNA 0417 1643 00")
    assert donor.iban == "NL91ABNA0417164300"
    with pytest.raises(ValueError, match="iban"):
        factories.donor(session, centre, iban="NL91 ABNA 0417 1643 01")


def test_a_cost_line_in_a_locked_year_cannot_be_deleted_once_reloaded_from_the_database(
    session, centre
):
    # After a commit every attribute is expired; the guard must still see the line's year.
    line = factories.cost(session, centre, year=2024)
    session.add(FiscalYearLock(year=2024))
    session.flush()
    session.expire(line)
    session.delete(line)
    with pytest.raises(YearLocked, match="2024"):
        session.flush()
    session.rollback()


def test_an_income_line_in_a_locked_year_cannot_be_deleted_once_reloaded(session, centre):
    line = factories.income(session, centre, booking_date=date(2024, 6, 1))
    session.add(FiscalYearLock(year=2024))
    session.flush()
    session.expire(line)
    session.delete(line)
    with pytest.raises(YearLocked, match="2024"):
        session.flush()
    session.rollback()


def test_a_reloaded_line_cannot_be_moved_out_of_a_locked_year(session, centre):
    income = factories.income(session, centre, booking_date=date(2024, 6, 1))
    cost = factories.cost(session, centre, year=2024)
    session.add(FiscalYearLock(year=2024))
    session.commit()
    session.expire_all()
    income.booking_date = date(2025, 6, 1)
    with pytest.raises(YearLocked, match="2024"):
        session.flush()
    session.rollback()
    session.expire_all()
    cost.year = 2025
    with pytest.raises(YearLocked, match="2024"):
        session.flush()
    session.rollback()
