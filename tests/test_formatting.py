"""Money, percentages and dates as a Dutch and a Norwegian network write them."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

from flask import render_template_string
from flask_babel import refresh

from fundtrack.formatting import NumberFormat, round_money

NL = NumberFormat("nl_NL", "EUR")
NB = NumberFormat("nb_NO", "NOK")
NBSP = "\xa0"


def test_dutch_money_puts_the_euro_sign_first_with_a_dot_for_thousands():
    assert NL.money(Decimal("12345.67")) == f"€{NBSP}12.345,67"
    assert NL.money(Decimal("1234567.5")) == f"€{NBSP}1.234.567,50"
    assert NL.money(Decimal("-12.30")) == f"€{NBSP}-12,30"


def test_norwegian_money_puts_kr_first_and_groups_thousands_with_a_no_break_space():
    assert NB.money(Decimal("12345.67")) == f"kr{NBSP}12{NBSP}345,67"
    assert NB.money(Decimal("700000")) == f"kr{NBSP}700{NBSP}000,00"


def test_money_rounds_half_cents_away_from_zero_not_to_even():
    # 2/3 of 1000.01 = 666.67333..., and an exact half cent goes up, as a treasurer rounds.
    assert NL.money(Decimal("666.665")) == f"€{NBSP}666,67"
    assert NL.money(Decimal("0.125")) == f"€{NBSP}0,13"
    assert round_money(Fraction(2000, 3)) == Decimal("666.67")


def test_money_in_another_currency_keeps_the_networks_number_style():
    assert NL.money(Decimal("10"), "NOK") == f"NOK{NBSP}10,00"


def test_whole_money_for_chart_axes_drops_the_cents():
    assert NL.money(Decimal("12345.67"), whole=True) == f"€{NBSP}12.346"
    assert NB.money(Decimal("12345.49"), whole=True) == f"kr{NBSP}12{NBSP}345"


def test_amount_without_sign():
    assert NL.amount(Decimal("1234567.891")) == "1.234.567,89"
    assert NB.amount(Decimal("1234.5")) == f"1{NBSP}234,50"


def test_percentages_follow_the_locale_with_one_decimal():
    assert NL.percent(Fraction(2, 3)) == "66,7%"
    assert NB.percent(Fraction(2, 3)) == f"66,7{NBSP}%"
    assert NL.percent(Decimal("0.12345"), 2) == "12,35%"
    assert NL.percent(Decimal("1.5"), 0) == "150%"


def test_a_missing_share_says_there_are_no_costs():
    assert NL.share(None) == "no costs"
    assert NL.share(Decimal("0.5")) == "50,0%"
    assert NL.percent(None) == "–" and NL.money(None) == "–"


def test_template_filters_use_the_networks_locale_and_the_users_language_for_dates(
    app, session, network
):
    network.locale, network.currency = "nb_NO", "NOK"
    session.flush()
    template = "{{ v|money }} | {{ s|percent }} | {{ s|share }} | {{ d|day }} | {{ none|share }}"
    values = {"v": Decimal("12345.67"), "s": Decimal("0.5"), "d": date(2025, 3, 1), "none": None}
    with app.test_request_context(headers={"Accept-Language": "nl"}):
        refresh()
        text = render_template_string(template, **values)
    assert text == (
        f"kr{NBSP}12{NBSP}345,67 | 50,0{NBSP}% | 50,0{NBSP}% | 1 mrt 2025 | geen kosten"
    )
    with app.test_request_context(headers={"Accept-Language": "en"}):
        refresh()  # the test's application context outlives one request; a real one does not
        text = render_template_string("{{ v|money }} {{ d|day }}", **values)
    assert text == f"kr{NBSP}12{NBSP}345,67 Mar 1, 2025"
