"""The income summary the figures read stays equal, to the cent, to the lines themselves.

`income_summary` is kept by database triggers (migration 0007_summary): every write counts,
whether through the ORM, a bulk Core insert (as imports do) or plain SQL. After each kind of
write, `income_totals` (from the summary) must equal `income_line_totals` (from the lines),
and `share_trend` must give every year exactly what `funding_share` gives for it.
"""

from datetime import date
from decimal import Decimal

from sqlalchemy import delete, insert, text, update

from fundtrack.income.models import IncomeCategory, IncomeLine
from fundtrack.share.queries import income_line_totals, income_totals
from fundtrack.share.service import (
    funding_share,
    latest_ended_year,
    override_agreement,
    share_trend,
)
from tests import factories, share_network


def _rows(rows) -> set:
    def money(value):
        return None if value is None else Decimal(value).quantize(Decimal("0.01"))

    return {
        (r.centre_id, r.fiscal_year, getattr(r.category, "value", r.category), money(r.total),
         money(r.structural))
        for r in rows
    }  # fmt: skip


def assert_summary_matches_lines(session, centre_ids=None, year=None) -> None:
    session.flush()
    from_summary = _rows(income_totals(session, centre_ids, year))
    from_lines = _rows(income_line_totals(session, centre_ids, year))
    assert from_summary == from_lines


def assert_trend_matches_funding_share(session, user) -> None:
    for point in share_trend(session, user):
        assert point.figures == funding_share(session, user, point.year).network


def test_the_hand_worked_network_sums_alike_from_summary_and_lines(session):
    net = share_network.build(session)
    assert_summary_matches_lines(session)
    assert_summary_matches_lines(session, [net.a.id], 2025)
    share = funding_share(session, net.national, 2025)
    # Centre A's structural income worked out by hand: 4 x 12,000 from A1.
    assert share.centres[0].structural_income == Decimal("48000.00")
    assert_trend_matches_funding_share(session, net.national)


def test_orm_changes_moves_and_deletes_keep_the_summary_exact(session):
    net = share_network.build(session)
    line = factories.income(session, net.a, "0.01", booking_date=date(2025, 5, 5))
    assert_summary_matches_lines(session)
    line.amount = Decimal("1234.56")
    assert_summary_matches_lines(session)
    line.booking_date = date(2023, 2, 1)  # another fiscal year
    line.category = IncomeCategory.COMPANIES
    assert_summary_matches_lines(session)
    line.agreement = net.a1  # now structural
    assert_summary_matches_lines(session)
    line.centre = net.b
    assert_summary_matches_lines(session)
    session.delete(line)
    assert_summary_matches_lines(session)
    assert_trend_matches_funding_share(session, net.national)


def test_bulk_inserts_and_plain_sql_keep_the_summary_exact(session):
    net = share_network.build(session)
    session.execute(
        insert(IncomeLine),
        [
            {"centre_id": net.c.id, "booking_date": date(2022, 1, day), "fiscal_year": 2022,
             "amount": Decimal(f"{day}.{day:02}"), "currency": "EUR",
             "category": IncomeCategory.INDIVIDUALS, "reference": "", "description": "",
             "source": "import", "agreement_id": net.c2.id if day % 2 else None}
            for day in range(1, 29)
        ],
    )  # fmt: skip
    assert_summary_matches_lines(session)
    session.execute(
        update(IncomeLine)
        .where(IncomeLine.fiscal_year == 2022)
        .values(amount=IncomeLine.amount * 2)
    )
    assert_summary_matches_lines(session)
    session.execute(
        text("DELETE FROM income_lines WHERE fiscal_year = 2022 AND agreement_id IS NULL")
    )
    assert_summary_matches_lines(session)
    session.execute(delete(IncomeLine).where(IncomeLine.fiscal_year == 2022))
    assert_summary_matches_lines(session)
    # Every line of 2022 is gone: the year is no longer on record.
    assert 2022 not in {point.year for point in share_trend(session, net.national)}
    assert_trend_matches_funding_share(session, net.national)


def test_a_changed_rule_counts_at_once(session):
    net = share_network.build(session)
    before = funding_share(session, net.national, 2025).network.structural_income
    override_agreement(session, net.national, net.c2.id, True, "affiliated, counts here")
    session.flush()
    assert_summary_matches_lines(session)
    after = funding_share(session, net.national, 2025).network.structural_income
    assert after == before + Decimal("6000.00")
    assert_trend_matches_funding_share(session, net.national)


def test_the_exports_default_year_is_the_trends_latest_ended_year(session):
    net = share_network.build(session)
    years = [point.year for point in share_trend(session, net.national)]
    assert latest_ended_year(session, net.national, 2026) == max(y for y in years if y < 2026)
    assert latest_ended_year(session, net.national, 2025) == 2024
    assert latest_ended_year(session, net.national, 2020) is None
