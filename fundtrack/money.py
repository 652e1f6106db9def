"""Money rules shared by every domain: ISO 4217 codes and cent precision."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel import Locale, UnknownLocaleError
from babel.numbers import list_currencies

CENT = Decimal("0.01")
# Numeric(14, 2): twelve digits before the decimal point.
MAX_AMOUNT = Decimal("999999999999.99")


def is_currency(code: str | None) -> bool:
    """True for a current ISO 4217 code written in capitals, such as EUR or NOK."""
    return bool(code) and code.isupper() and code in list_currencies()


def check_currency(code: str | None, field: str = "currency") -> str:
    if not is_currency(code):
        raise ValueError(f"{field}: {code!r} is not an ISO 4217 currency code")
    return code


def check_locale(code: str | None, field: str = "locale") -> str:
    """A locale Babel formats money and dates in, such as nl_NL or nb_NO."""
    try:
        Locale.parse(code)
    except (TypeError, ValueError, UnknownLocaleError):
        raise ValueError(f"{field}: {code!r} is not a locale") from None
    return code


def to_money(value, field: str = "amount") -> Decimal:
    """Parse a money value into a Decimal with two places; refuse floats and junk."""
    if isinstance(value, float):
        raise ValueError(f"{field}: send money as a decimal string, not a float")
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(f"{field}: {value!r} is not an amount") from None
    if not amount.is_finite():
        raise ValueError(f"{field}: {value!r} is not an amount")
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_UP):
        raise ValueError(f"{field}: at most two decimals")
    if abs(amount) > MAX_AMOUNT:
        raise ValueError(f"{field}: larger than {MAX_AMOUNT}")
    return amount.quantize(CENT)
