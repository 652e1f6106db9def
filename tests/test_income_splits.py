"""One gift split over several earmarked funds (income.splits), through the operations.

Centre OWN (EUR) has funds "Kledingbank" and "Zomerkamp"; a gift of 100.00 split 60.00 /
40.00 adds 60.00 to the one and 40.00 to the other, and the centre's income, category and
share figures stay those of one line of 100.00.
"""

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from fundtrack.audit.models import AuditEvent
from fundtrack.centres.models import FiscalYearLock
from fundtrack.errors import ValidationError, YearLocked
from fundtrack.income import operations
from fundtrack.income.funds import fund_balances
from fundtrack.income.models import IncomeLine, IncomeLineFund, IncomeSummary
from fundtrack.income.splits import parse_parts, parts_of
from fundtrack.share.service import funding_share
from tests import factories


@pytest.fixture
def books(session, network):
    own = factories.centre(session, code="OWN")
    other = factories.centre(session, code="OTH")
    clothes = factories.fund(session, own, name="Kledingbank")
    camp = factories.fund(session, own, name="Zomerkamp")
    elsewhere = factories.fund(session, other, name="Elders")
    treasurer = factories.user(session, role="treasurer", centre=own)
    return own, clothes, camp, elsewhere, treasurer


def _gift(session, user, centre, amount="100.00", **values):
    return operations.book_income(
        session, user,
        {"centre": centre.code, "date": date(2025, 3, 1), "amount": Decimal(amount),
         "category": "individuals"} | values,
        confirm_duplicate=True,
    )  # fmt: skip


def _parts(*pairs):
    return [{"fund_id": fund.id, "amount": Decimal(amount)} for fund, amount in pairs]


def _balances(session, user, centre):
    return {b.name: b.income_year for b in fund_balances(session, user, centre.id, 2025)}


def test_a_split_gift_adds_each_part_to_its_fund(session, books):
    own, clothes, camp, _elsewhere, treasurer = books
    line = _gift(session, treasurer, own, funds=_parts((clothes, "60.00"), (camp, "40.00")))
    assert line.earmarked_fund_id is None
    assert parts_of(line) == _parts((clothes, "60.00"), (camp, "40.00"))
    _gift(session, treasurer, own, "25.00", fund=clothes.id)
    assert _balances(session, treasurer, own) == {
        "Kledingbank": Decimal("85.00"), "Zomerkamp": Decimal("40.00"),
    }  # fmt: skip


def test_a_split_changes_no_share_figure(session, books):
    own, clothes, camp, _elsewhere, treasurer = books
    national = factories.user(session, role="national")
    factories.cost(session, own, "3000.00", year=2025)
    line = _gift(session, treasurer, own, "900.00", fund=clothes.id)
    summary = session.execute(select(IncomeSummary.__table__)).all()
    before = funding_share(session, national, 2025).network
    operations.update_income(
        session, treasurer, line, {"funds": _parts((clothes, "500.00"), (camp, "400.00"))}
    )
    session.flush()
    assert session.execute(select(IncomeSummary.__table__)).all() == summary
    assert funding_share(session, national, 2025).network == before


@pytest.mark.parametrize(
    "parts, code",
    [
        ((("clothes", "60.00"), ("camp", "30.00")), "parts_not_summing"),
        ((("clothes", "60.00"), ("camp", "40.01")), "parts_not_summing"),
        ((("clothes", "100.00"), ("camp", "0.00")), "part_not_positive"),
        ((("clothes", "60.00"), ("clothes", "40.00")), "fund_twice"),
        ((("clothes", "60.00"), ("elsewhere", "40.00")), "unknown_row"),
        ((("clothes", "60.001"), ("camp", "39.999")), "too_many_decimals"),
    ],
)
def test_parts_that_do_not_add_up_are_refused_on_funds(session, books, parts, code):
    own, clothes, camp, elsewhere, treasurer = books
    funds = {"clothes": clothes, "camp": camp, "elsewhere": elsewhere}
    with pytest.raises(ValidationError) as refused:
        _gift(session, treasurer, own, funds=_parts(*((funds[n], a) for n, a in parts)))
    assert (refused.value.field, refused.value.code) == ("funds", code)
    assert session.scalar(select(IncomeLine.id)) is None


def test_another_centres_fund_is_refused_for_the_national_office_too(session, books):
    own, clothes, _camp, elsewhere, _treasurer = books
    national = factories.user(session, role="national")
    with pytest.raises(ValidationError) as refused:
        _gift(session, national, own, funds=_parts((clothes, "60.00"), (elsewhere, "40.00")))
    assert (refused.value.field, refused.value.code) == ("funds", "other_centre")


def test_one_fund_and_other_parts_at_once_are_refused(session, books):
    own, clothes, camp, _elsewhere, treasurer = books
    with pytest.raises(ValidationError) as refused:
        _gift(session, treasurer, own, fund=clothes.id,
              funds=_parts((clothes, "60.00"), (camp, "40.00")))  # fmt: skip
    assert (refused.value.field, refused.value.code) == ("funds", "fund_and_parts")


def test_a_split_over_one_fund_is_that_fund(session, books):
    own, clothes, _camp, _elsewhere, treasurer = books
    line = _gift(session, treasurer, own, funds=_parts((clothes, "100.00")))
    assert line.earmarked_fund_id == clothes.id
    assert line.fund_parts == []


def test_a_split_line_changed_in_amount_needs_its_parts_again(session, books):
    own, clothes, camp, _elsewhere, treasurer = books
    line = _gift(session, treasurer, own, funds=_parts((clothes, "60.00"), (camp, "40.00")))
    with pytest.raises(ValidationError) as refused:
        operations.update_income(session, treasurer, line, {"amount": Decimal("120.00")})
    assert (refused.value.field, refused.value.code) == ("funds", "split_amount_changed")
    operations.update_income(
        session, treasurer, line,
        {"amount": Decimal("120.00"), "funds": _parts((clothes, "60.00"), (camp, "60.00"))},
    )  # fmt: skip
    session.flush()
    assert _balances(session, treasurer, own) == {
        "Kledingbank": Decimal("60.00"), "Zomerkamp": Decimal("60.00"),
    }  # fmt: skip
    # Other fields change freely; the parts stay.
    operations.update_income(session, treasurer, line, {"description": "jubileum"})
    assert len(line.fund_parts) == 2


def test_a_split_is_undone_by_one_fund_or_none(session, books):
    own, clothes, camp, _elsewhere, treasurer = books
    line = _gift(session, treasurer, own, funds=_parts((clothes, "60.00"), (camp, "40.00")))
    operations.update_income(session, treasurer, line, {"fund": camp.id})
    session.flush()
    assert (line.earmarked_fund_id, line.fund_parts) == (camp.id, [])
    assert session.scalar(select(IncomeLineFund.id)) is None
    operations.update_income(
        session, treasurer, line, {"funds": _parts((clothes, "10.00"), (camp, "90.00"))}
    )
    operations.update_income(session, treasurer, line, {"funds": []})
    session.flush()
    assert (line.earmarked_fund_id, line.fund_parts) == (None, [])
    assert _balances(session, treasurer, own) == {"Kledingbank": 0, "Zomerkamp": 0}


def test_parts_kept_for_a_fund_change_in_place(session, books):
    own, clothes, camp, _elsewhere, treasurer = books
    line = _gift(session, treasurer, own, funds=_parts((clothes, "60.00"), (camp, "40.00")))
    ids = [part.id for part in line.fund_parts]
    operations.update_income(
        session, treasurer, line, {"funds": _parts((camp, "70.00"), (clothes, "30.00"))}
    )
    session.flush()
    assert sorted(part.id for part in line.fund_parts) == sorted(ids)
    assert _balances(session, treasurer, own)["Zomerkamp"] == Decimal("70.00")


def test_parts_of_a_closed_year_cannot_change(session, books):
    own, clothes, camp, _elsewhere, treasurer = books
    line = _gift(session, treasurer, own, fund=clothes.id)
    session.add(FiscalYearLock(year=2025))
    session.flush()
    with pytest.raises(YearLocked):
        operations.update_income(
            session, treasurer, line, {"funds": _parts((clothes, "60.00"), (camp, "40.00"))}
        )


def test_a_part_written_around_the_operation_meets_the_year_lock(session, books):
    own, clothes, camp, _elsewhere, treasurer = books
    line = _gift(session, treasurer, own, funds=_parts((clothes, "60.00"), (camp, "40.00")))
    session.add(FiscalYearLock(year=2025))
    session.flush()
    line.fund_parts[0].amount = Decimal("50.00")
    with pytest.raises(YearLocked):
        session.flush()


def test_each_part_is_audited_under_the_lines_centre(session, books):
    own, clothes, camp, _elsewhere, treasurer = books
    line = _gift(session, treasurer, own, funds=_parts((clothes, "60.00"), (camp, "40.00")))
    operations.update_income(session, treasurer, line, {"fund": clothes.id})
    session.flush()
    events = session.scalars(
        select(AuditEvent).where(AuditEvent.entity == "income_line_funds").order_by(AuditEvent.id)
    ).all()
    assert [(str(getattr(e.action, "value", e.action)), e.centre_id) for e in events] == [
        ("create", own.id), ("create", own.id), ("delete", own.id), ("delete", own.id),
    ]  # fmt: skip
    assert events[0].after["amount"] == "60.00"


def test_deleting_a_split_line_deletes_its_parts(session, books):
    own, clothes, camp, _elsewhere, treasurer = books
    line = _gift(session, treasurer, own, funds=_parts((clothes, "60.00"), (camp, "40.00")))
    operations.delete_income(session, treasurer, line)
    session.flush()
    assert session.scalar(select(IncomeLineFund.id)) is None


def test_postgresql_checks_the_sum_again_at_commit(session, books):
    if session.get_bind().dialect.name != "postgresql":
        pytest.skip("SQLite has no deferred triggers; the operation is the rule's home there")
    own, clothes, camp, _elsewhere, treasurer = books
    _gift(session, treasurer, own, funds=_parts((clothes, "60.00"), (camp, "40.00")))
    session.flush()
    session.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))  # what the commit would check
    session.execute(text("SET CONSTRAINTS ALL DEFERRED"))
    session.execute(
        text("UPDATE income_line_funds SET amount = 50 WHERE earmarked_fund_id = :fund"),
        {"fund": clothes.id},
    )
    with pytest.raises(DBAPIError, match="income_line_funds_add_up|add up"):
        session.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))


def test_typed_parts_name_funds_and_leave_one_amount_out(books):
    _own, clothes, camp, _elsewhere, _treasurer = books
    names = {"Kledingbank": clothes.id, "Zomerkamp": camp.id}
    read = Decimal
    assert parse_parts("kledingbank 60; Zomerkamp", names, Decimal("100.00"), read) == _parts(
        (clothes, "60"), (camp, "40.00")
    )
    assert parse_parts("  ", names, Decimal("1"), read) is None
    with pytest.raises(ValidationError) as refused:
        parse_parts("Kledingbank 60; Speeltuin 40", names, Decimal("100.00"), read)
    assert (refused.value.field, refused.value.code) == ("funds", "unknown_fund")
    with pytest.raises(ValidationError) as refused:
        parse_parts("Kledingbank; Zomerkamp", names, Decimal("100.00"), read)
    assert refused.value.code == "parts_without_amount"


def test_the_journal_credits_each_part_to_its_funds_account(session, books):
    from fundtrack.yearend import operations as yearend
    from fundtrack.yearend.journal import journal

    own, clothes, camp, _elsewhere, treasurer = books
    national = factories.user(session, role="national")
    yearend.set_account(session, national, "income", None, clothes.id, "0701")
    yearend.set_account(session, national, "income", None, camp.id, "0702")
    line = _gift(session, treasurer, own, funds=_parts((clothes, "60.00"), (camp, "40.00")))
    result = journal(session, national, "OWN", 2025)
    mine = [p for p in result.postings if p.source == f"income_line:{line.id}"]
    assert sorted((p.account, p.debit, p.credit) for p in mine if p.credit) == [
        ("0701", None, Decimal("60.00")), ("0702", None, Decimal("40.00")),
    ]  # fmt: skip
    assert [p.debit for p in mine if p.debit] == [Decimal("100.00")]
    assert result.balanced


def test_a_fund_with_parts_of_lines_is_in_use(session, books):
    from fundtrack.errors import Conflict
    from fundtrack.income.donors import delete_fund

    own, clothes, camp, _elsewhere, treasurer = books
    _gift(session, treasurer, own, funds=_parts((clothes, "60.00"), (camp, "40.00")))
    with pytest.raises(Conflict) as refused:
        delete_fund(session, treasurer, camp)
    assert refused.value.code == "in_use"
