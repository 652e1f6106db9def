"""Money, percentages and dates as the network's readers write them (Babel).

Money and percentages follow the *network's* locale and currency (a Dutch network reads
"€ 12.345,67" whatever language a user picked); words and dates follow the user's UI language
through Flask-Babel. Amounts stay exact Decimals until this module rounds them for display.
A moment (a sign-in, a change in the audit trail, a report sent) is shown in one time zone,
the network's (`network_timezone`), on screens, in exports, PDFs and the audit trail alike.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache

from babel import Locale
from babel.core import get_global
from babel.numbers import format_currency, format_decimal, format_percent
from flask_babel import gettext

from fundtrack.labels import (  # noqa: F401
    CATEGORY_LABELS,
    FUNDER_TYPE_LABELS,
    WARNING_CAUSE_LABELS,
    label,
    label_of,
)

# (older callers import these and label_of from here; their home is
# fundtrack.labels, and everything else imports them from there)

CENT = Decimal("0.01")
NO_VALUE = "–"

# CLDR writes Norwegian money as "12 345,67 kr"; the network writes "kr 12 345,67", the
# form Norwegian accounts and grant budgets use. Keyed by language; other locales use CLDR.
CURRENCY_PATTERNS = {"nb": "¤\xa0#,##0.00;¤\xa0-#,##0.00", "no": "¤\xa0#,##0.00;¤\xa0-#,##0.00"}


def _decimal(value) -> Decimal:
    if isinstance(value, Fraction):
        return Decimal(value.numerator) / Decimal(value.denominator)
    if isinstance(value, float):
        return Decimal(repr(value))
    return Decimal(value)


@lru_cache(maxsize=16)
def _parsed(code: str) -> Locale:
    # Babel parses the locale anew on every call: a dashboard of 680 centres formats 3,000
    # amounts, and parsing took a quarter of its time.
    return Locale.parse(code)


def round_money(amount) -> Decimal:
    """Round to cents, halves away from zero (as a treasurer rounds, not banker's rounding)."""
    return _decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class NumberFormat:
    """How one network writes its numbers: its locale (nl_NL, nb_NO) and its currency."""

    locale: str = "nl_NL"
    currency: str = "EUR"

    @property
    def _locale(self) -> Locale:
        return _parsed(self.locale)

    def money(self, amount, currency: str | None = None, whole: bool = False) -> str:
        """'€ 12.345,67' (nl_NL, EUR), 'kr 12 345,67' (nb_NO, NOK); '–' for None.

        `whole` drops the cents ('€ 12.346'), for chart axes only.
        """
        if amount is None:
            return NO_VALUE
        pattern = CURRENCY_PATTERNS.get(self._locale.language)
        if pattern is None:
            pattern = self._locale.currency_formats["standard"].pattern
        if whole:
            pattern = pattern.replace("#,##0.00", "#,##0")
        value = round_money(amount)
        if whole:
            value = value.quantize(Decimal(1), rounding=ROUND_HALF_UP)
        return format_currency(
            value,
            currency or self.currency,
            format=pattern,
            locale=self._locale,
            currency_digits=False,
        )

    def amount(self, amount) -> str:
        """A money amount without the currency sign: '12.345,67'."""
        if amount is None:
            return NO_VALUE
        return format_decimal(round_money(amount), format="#,##0.00", locale=self._locale)

    def percent(self, value, digits: int = 1) -> str:
        """A fraction as a percentage with `digits` decimals: 0.66667 -> '66,7%' (nl_NL)."""
        if value is None:
            return NO_VALUE
        places = Decimal(1).scaleb(-(digits + 2))
        rounded = _decimal(value).quantize(places, rounding=ROUND_HALF_UP)
        return format_percent(rounded, format=self._percent_pattern(digits), locale=self._locale)

    def share(self, value) -> str:
        """A structural share; a centre without costs has none, and the page says so."""
        return gettext("no costs") if value is None else self.percent(value)

    def _percent_pattern(self, digits: int) -> str:
        pattern = self._locale.percent_formats[None].pattern
        if digits <= 0:
            return pattern
        # "#,##0%" -> "#,##0.0%": keep the locale's sign placement and spacing.
        return pattern.replace("#,##0", "#,##0." + "0" * digits)


def format_day(value: date | None, style: str = "medium") -> str:
    """A date in the user's UI language (Flask-Babel), e.g. '1 mrt 2025' in Dutch; an ISO
    date as text (a kept preview's) too."""
    if value is None:
        return NO_VALUE
    if isinstance(value, str):
        value = date.fromisoformat(value)
    from flask_babel import format_date

    return format_date(value, style)


def format_moment(value: datetime | None, style: str = "short") -> str:
    """A moment in the network's time zone and the user's UI language: '7-12-2026 13:36'
    in Dutch for 12:36 UTC. A moment without a zone is UTC (SQLite hands them back so)."""
    if value is None:
        return NO_VALUE
    from flask_babel import format_datetime

    return format_datetime(value, style)


def network_timezone() -> str:
    """The one time zone every moment is shown in: FUNDTRACK_TIMEZONE when the operator set
    it, else the zone of the network's country (nl_NL: Europe/Amsterdam, nb_NO: Europe/Oslo).
    Flask-Babel asks this (its timezone selector), so its own date functions follow too."""
    from flask import current_app

    chosen = current_app.config.get("FUNDTRACK_TIMEZONE")
    if chosen:
        return chosen
    territory = Locale.parse(network_format().locale).territory or ""
    zones = get_global("territory_zones").get(territory) or ["UTC"]
    return zones[0]


def network_today() -> date:
    """Today where the network is (a report issued at 00:30 in Amsterdam is dated that day,
    while the server's clock in UTC is still on the day before)."""
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo(network_timezone())).date()


def network_format() -> NumberFormat:
    """The network's number format, looked up once per request (kept on the request, not on
    `g`: an application context, and so `g`, can outlive one request)."""
    from flask import current_app, has_request_context, request

    from fundtrack.centres.models import Network
    from fundtrack.extensions import db

    holder = request if has_request_context() else None
    cached = getattr(holder, "_fundtrack_number_format", None)
    if cached is not None:
        return cached
    network = db.session.get(Network, 1)
    if network is not None:
        cached = NumberFormat(network.locale, network.currency)
    else:
        language = current_app.config.get("BABEL_DEFAULT_LOCALE", "nl")
        currency = current_app.config.get("FUNDTRACK_DEFAULT_CURRENCY", "EUR")
        cached = NumberFormat(str(Locale.parse(language)), currency)
    if holder is not None:
        holder._fundtrack_number_format = cached
    return cached


def init_app(app) -> None:
    """Register the filters templates use: money, amount, percent, share, day, moment, and
    `label`, which names any stored code in the user's UI language (fundtrack.labels):
    `{{ grant.state|label }}` for an enum member, `{{ row.category|label("cost_category") }}`
    for a plain code."""
    app.jinja_env.filters["money"] = lambda v, currency=None: network_format().money(v, currency)
    app.jinja_env.filters["amount"] = lambda v: network_format().amount(v)
    app.jinja_env.filters["percent"] = lambda v, digits=1: network_format().percent(v, digits)
    app.jinja_env.filters["share"] = lambda v: network_format().share(v)
    app.jinja_env.filters["day"] = format_day
    app.jinja_env.filters["moment"] = format_moment
    app.jinja_env.filters["label"] = label
    app.jinja_env.filters["warning"] = lambda v: warning_text(v, network_format())


def warning_text(warning, fmt: NumberFormat | None = None) -> str:
    """One warning as a sentence in the user's language, its likely cause included."""
    cause = label_of(WARNING_CAUSE_LABELS, warning.cause)
    if warning.code == "share_jump":
        before = (fmt or NumberFormat()).percent(warning.previous_share)
        return gettext(
            "Check: the share moved more than 25 points from last year's %(before)s; %(cause)s",
            before=before,
            cause=cause,
        )
    return gettext("Check: structural income exceeds all the costs; %(cause)s", cause=cause)
