"""Money rules shared by every domain: ISO 4217 codes, cent precision, amounts as typed."""

import functools
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel import Locale, UnknownLocaleError
from babel.numbers import (
    NumberFormatError,
    get_decimal_symbol,
    get_group_symbol,
    list_currencies,
    parse_decimal,
)
from flask_babel import lazy_gettext as _l

from fundtrack.errors import ValidationError

CENT = Decimal("0.01")
# Numeric(14, 2): twelve digits before the decimal point.
MAX_AMOUNT = Decimal("999999999999.99")


def is_currency(code: str | None) -> bool:
    """True for a current ISO 4217 code written in capitals, such as EUR or NOK."""
    return bool(code) and code.isupper() and code in _currencies()


@functools.cache
def _currencies() -> frozenset[str]:
    # Babel builds this set on every call; an import asks once per entry.
    return frozenset(list_currencies())


def check_currency(code: str | None, field: str = "currency") -> str:
    """The code itself, or a ValidationError on `field` unless it is a current ISO 4217 code."""
    if not is_currency(code):
        raise ValidationError(
            field, _l("%(code)s is not an ISO 4217 currency code", code=repr(code)),
            code="unknown_currency",
        )  # fmt: skip
    return code


def check_locale(code: str | None, field: str = "locale") -> str:
    """A locale Babel formats money and dates in, such as nl_NL or nb_NO; else a
    ValidationError on `field`."""
    try:
        Locale.parse(code)
    except (TypeError, ValueError, UnknownLocaleError):
        raise ValidationError(
            field, _l("%(code)s is not a locale", code=repr(code)), code="unknown_locale"
        ) from None
    return code


def to_money(value, field: str = "amount") -> Decimal:
    """Parse a money value into a Decimal with two places; refuse floats and junk with a
    ValidationError on `field`."""
    if isinstance(value, float):
        raise ValidationError(
            field, _l("send money as a decimal string, not a float"), code="float_amount"
        )
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError(field, _not_amount(value), code="not_an_amount") from None
    if not amount.is_finite():
        raise ValidationError(field, _not_amount(value), code="not_an_amount")
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ValidationError(
            field, _l("%(shown)s has more than two decimals", shown=repr(value)),
            code="too_many_decimals",
        )  # fmt: skip
    if abs(amount) > MAX_AMOUNT:
        raise ValidationError(
            field, _l("%(shown)s has more digits than an amount may have", shown=repr(value)),
            code="amount_too_large",
        )  # fmt: skip
    return amount.quantize(CENT)


def check_cents(amount: Decimal, field: str = "amount", shown: str | None = None) -> Decimal:
    """Refuse an amount with more than two decimals or more digits than Numeric(14, 2) holds.

    SQLite would store 1.23456 as it came; the refusal keeps both databases exact to the cent.
    """
    if isinstance(amount, bool) or not isinstance(amount, Decimal | int):
        raise ValidationError(field, _not_amount(amount), code="not_an_amount")
    amount = Decimal(amount)
    shown = shown or str(amount)
    if not amount.is_finite() or amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ValidationError(
            field, _l("%(shown)s has more than two decimals", shown=shown),
            code="too_many_decimals",
        )  # fmt: skip
    if abs(amount) > MAX_AMOUNT:
        raise ValidationError(
            field, _l("%(shown)s has more digits than an amount may have", shown=shown),
            code="amount_too_large",
        )  # fmt: skip
    return amount.quantize(CENT)


# What a person may type: digits, the locale's separators, spaces, one leading minus sign.
_TYPED = re.compile(r"-?[0-9][0-9., \u00a0\u202f']*")


def parse_amount(text: str, locale: str, field: str = "amount") -> Decimal:
    """An amount as typed in `locale`: `1.234,56` (nl), `1 234,56` (nb), `1,234.56` (en).

    Grouping must be where the locale puts it, so `1234.56` in Dutch is refused rather than
    read as 123456; exponents, letters and more than two decimals are refused too. Every
    refusal is a ValidationError on `field`.
    """
    typed = (text or "").strip()
    if not typed:
        raise ValidationError(field, _l("is required"), code="required")
    if not _TYPED.fullmatch(typed):
        raise ValidationError(field, _not_amount(typed), code="not_an_amount")
    group, decimal = get_group_symbol(locale), get_decimal_symbol(locale)
    if group.isspace():
        # Norwegians type an ordinary space where Babel expects a no-break space.
        typed = re.sub(r"[ \u00a0\u202f]", group, typed)
    try:
        amount = parse_decimal(typed, locale, strict=True)
    except NumberFormatError as error:
        if error.suggestions:
            message = _l(
                "%(typed)s is not an amount as written here (decimals after “%(sep)s”);"
                " did you mean %(hint)s?",
                typed=repr(typed), sep=decimal, hint=error.suggestions[-1],
            )  # fmt: skip
        else:
            message = _l(
                "%(typed)s is not an amount as written here (decimals after “%(sep)s”)",
                typed=repr(typed), sep=decimal,
            )  # fmt: skip
        raise ValidationError(field, message, code="amount_not_as_written") from None
    return check_cents(amount, field, repr(typed))


def _not_amount(value):
    return _l("%(typed)s is not an amount", typed=repr(value))
