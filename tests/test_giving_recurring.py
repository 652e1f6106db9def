"""Recurring gifts: the instalments expected from them, the income lines that pay them, and
which gifts are running, late, lapsed or ended."""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from fundtrack.audit.models import AuditEvent
from fundtrack.errors import Conflict, NotAllowed, ValidationError
from fundtrack.giving import operations
from fundtrack.giving.models import Instalment
from fundtrack.giving.queries import gift_state, recurring_gifts, state_counts
from fundtrack.giving.schedule import add_months
from fundtrack.income.operations import book_income, delete_income, update_income
from tests import factories

TODAY = date(2026, 5, 20)


@pytest.fixture
def world(session, network):
    centre = factories.centre(session)
    treasurer = factories.user(session, "treasurer", centre)
    donor = factories.donor(session, centre, name="Mevrouw Jansen", email="jansen@example.org")
    return centre, treasurer, donor


def _gift(session, treasurer, donor, **values):
    values = {
        "donor": donor.id, "amount": Decimal("25.00"), "frequency": "monthly",
        "start": date(2026, 1, 1), "payment_method": "bank_transfer",
    } | values  # fmt: skip
    return operations.create_recurring_gift(session, treasurer, values, today=TODAY)


def _pay(session, treasurer, centre, donor, day, amount="25.00"):
    values = {"centre": centre.code, "date": day, "amount": Decimal(amount), "donor": donor.id}
    return book_income(session, treasurer, values, confirm_duplicate=True)


def test_a_month_end_start_falls_due_on_the_last_day_of_shorter_months():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 1, 31), 2) == date(2026, 3, 31)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)


def test_instalments_follow_the_frequency_up_to_the_end(session, world):
    _centre, treasurer, donor = world
    quarterly = _gift(session, treasurer, donor, frequency="quarterly", end=date(2026, 12, 31))
    assert [i.due_date for i in quarterly.instalments] == [
        date(2026, 1, 1), date(2026, 4, 1), date(2026, 7, 1), date(2026, 10, 1),
    ]  # fmt: skip
    monthly = _gift(session, treasurer, donor)
    dues = [i.due_date for i in monthly.instalments]
    assert dues[0] == date(2026, 1, 1) and dues[-1] == date(2028, 5, 1)  # two years ahead
    assert all(i.amount == Decimal("25.00") for i in monthly.instalments)


def test_a_gift_from_the_donor_pays_the_earliest_open_instalment(session, world):
    centre, treasurer, donor = world
    gift = _gift(session, treasurer, donor)
    first = _pay(session, treasurer, centre, donor, date(2026, 1, 3))
    second = _pay(session, treasurer, centre, donor, date(2026, 2, 2))
    other_amount = _pay(session, treasurer, centre, donor, date(2026, 2, 10), "50.00")
    paid = {i.due_date: i.income_line_id for i in gift.instalments if i.income_line_id}
    assert paid == {date(2026, 1, 1): first.id, date(2026, 2, 1): second.id}
    assert other_amount.id not in paid.values()


def test_a_payment_long_before_its_due_date_pays_nothing(session, world):
    centre, treasurer, donor = world
    gift = _gift(session, treasurer, donor, start=date(2026, 6, 1))
    _pay(session, treasurer, centre, donor, date(2026, 4, 1))
    assert not any(i.income_line_id for i in gift.instalments)
    _pay(session, treasurer, centre, donor, date(2026, 5, 20))  # 12 days early: it counts
    assert gift.instalments[0].income_line_id is not None


def test_two_missed_instalments_lapse_a_gift_and_one_makes_it_late(session, world):
    centre, treasurer, donor = world
    lapsed = _gift(session, treasurer, donor)
    late_donor = factories.donor(session, centre, name="Meneer de Vries", phone="0612345678")
    late = _gift(session, treasurer, late_donor)
    running_donor = factories.donor(session, centre, name="Familie Bakker")
    running = _gift(session, treasurer, running_donor, frequency="yearly")
    ended = _gift(session, treasurer, running_donor, start=date(2025, 1, 1),
                  end=date(2025, 12, 31), frequency="yearly")  # fmt: skip
    _pay(session, treasurer, centre, running_donor, date(2025, 1, 5))
    for month in (1, 2, 3):  # April and May missed (May is due 19 days ago)
        _pay(session, treasurer, centre, donor, date(2026, month, 2))
    for month in (1, 2, 3, 4):
        _pay(session, treasurer, centre, late_donor, date(2026, month, 2))
    _pay(session, treasurer, centre, running_donor, date(2026, 1, 5), "25.00")

    states = {row.id: row for row in recurring_gifts(session, treasurer, today=TODAY)}
    assert states[lapsed.id].state == "lapsed" and states[lapsed.id].missed == 2
    assert states[late.id].state == "late" and states[late.id].phone == "0612345678"
    assert states[running.id].state == "running"
    assert states[running.id].next_due == date(2027, 1, 1)
    assert states[ended.id].state == "ended"
    assert states[lapsed.id].received == Decimal("75.00")
    assert states[lapsed.id].last_paid_on == date(2026, 3, 2)
    assert states[lapsed.id].email == "jansen@example.org"
    assert state_counts(session, treasurer, today=TODAY) == {
        "running": 1, "late": 1, "lapsed": 1, "ended": 1,
    }  # fmt: skip
    lapsed_only = recurring_gifts(session, treasurer, today=TODAY, state="lapsed")
    assert [row.id for row in lapsed_only] == [lapsed.id]
    # Within the grace days a payment not yet in is not missed.
    assert gift_state(session, treasurer, late.id, today=date(2026, 5, 5)).state == "running"


def test_deleting_the_paying_line_opens_the_instalment_again(session, world):
    centre, treasurer, donor = world
    gift = _gift(session, treasurer, donor)
    line = _pay(session, treasurer, centre, donor, date(2026, 1, 3))
    delete_income(session, treasurer, line)
    session.expire_all()
    assert session.get(Instalment, gift.instalments[0].id).income_line_id is None


def test_a_line_moved_to_another_donor_frees_its_instalment(session, world):
    centre, treasurer, donor = world
    gift = _gift(session, treasurer, donor)
    line = _pay(session, treasurer, centre, donor, date(2026, 1, 3))
    other = factories.donor(session, centre)
    update_income(session, treasurer, line, {"donor": other.id})
    assert gift.instalments[0].income_line_id is None


def test_one_line_never_pays_two_instalments(session, world):
    centre, treasurer, donor = world
    gift = _gift(session, treasurer, donor)
    line = _pay(session, treasurer, centre, donor, date(2026, 1, 3))
    with pytest.raises(Conflict):
        operations.pay_instalment(session, treasurer, gift.instalments[1], line)
    operations.pay_instalment(session, treasurer, gift.instalments[0], None)
    operations.pay_instalment(session, treasurer, gift.instalments[1], line)
    assert gift.instalments[1].income_line_id == line.id


def test_ending_a_gift_drops_its_unpaid_instalments_after_the_end(session, world):
    centre, treasurer, donor = world
    gift = _gift(session, treasurer, donor)
    _pay(session, treasurer, centre, donor, date(2026, 1, 3))
    operations.update_recurring_gift(
        session, treasurer, gift, {"end": date(2026, 3, 31), "amount": Decimal("30.00")},
        today=TODAY,
    )  # fmt: skip
    assert [(i.due_date, i.amount) for i in gift.instalments] == [
        (date(2026, 1, 1), Decimal("25.00")),  # paid: kept as it was
        (date(2026, 2, 1), Decimal("30.00")),
        (date(2026, 3, 1), Decimal("30.00")),
    ]
    with pytest.raises(Conflict):
        operations.delete_recurring_gift(session, treasurer, gift)


def test_extending_keeps_open_ended_gifts_two_years_ahead(session, world):
    _centre, treasurer, donor = world
    gift = _gift(session, treasurer, donor)
    made = operations.extend_instalments(session, today=date(2027, 5, 20))
    assert made == 12
    assert gift.instalments[-1].due_date == date(2029, 5, 1)
    assert operations.extend_instalments(session, today=date(2027, 5, 20)) == 0


def test_gift_values_are_checked(session, world):
    _centre, treasurer, donor = world
    with pytest.raises(ValidationError) as error:
        _gift(session, treasurer, donor, end=date(2025, 1, 1))
    assert error.value.field == "end"
    with pytest.raises(ValidationError) as error:
        _gift(session, treasurer, donor, frequency="weekly")
    assert error.value.field == "frequency"
    with pytest.raises(ValidationError) as error:
        _gift(session, treasurer, donor, currency="NOK")
    assert error.value.field == "currency"
    with pytest.raises(ValidationError) as error:
        _gift(session, treasurer, donor, amount=Decimal("1.001"))
    assert error.value.field == "amount"


def test_a_treasurer_sees_and_changes_only_her_own_centres_gifts(session, world):
    _centre, treasurer, donor = world
    gift = _gift(session, treasurer, donor)
    other_centre = factories.centre(session)
    other = factories.user(session, "treasurer", other_centre)
    assert recurring_gifts(session, other, today=TODAY) == []
    assert gift_state(session, other, gift.id) is None
    with pytest.raises(ValidationError):  # another centre's donor is no donor of hers
        _gift(session, other, donor)
    with pytest.raises(NotAllowed):
        operations.update_recurring_gift(session, other, gift, {"amount": Decimal("1.00")})
    auditor = factories.user(session, "auditor")
    with pytest.raises(NotAllowed):
        _gift(session, auditor, donor)


def test_gifts_and_their_instalments_are_audited(session, world):
    _centre, treasurer, donor = world
    gift = _gift(session, treasurer, donor)
    session.flush()
    entities = set(
        session.scalars(
            select(AuditEvent.entity).where(
                AuditEvent.entity.in_(("recurring_gifts", "instalments"))
            )
        )
    )
    assert entities == {"recurring_gifts", "instalments"}
    assert gift.id


def test_the_daily_command_plans_instalments(app, session, world):
    _centre, treasurer, donor = world
    gift = _gift(session, treasurer, donor, start=date(2020, 1, 1))
    session.commit()
    result = app.test_cli_runner().invoke(args=["giving", "extend"])
    assert result.exit_code == 0, result.output
    assert "instalments planned" in result.output
    session.expire_all()
    assert gift.instalments[-1].due_date >= add_months(date.today().replace(day=1), 23)
