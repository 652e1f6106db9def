"""Field types every resource's schemas use: money as decimal strings, ids, years, clean text."""

import re
from datetime import UTC
from decimal import ROUND_HALF_UP, Decimal

import marshmallow as ma

from fundtrack.auth.access import MAX_ID
from fundtrack.centres.codes import CODE_ALPHABET, CODE_PATTERN
from fundtrack.errors import ValidationError
from fundtrack.money import CENT, to_money
from fundtrack.operations import FIRST_YEAR, LAST_YEAR

MONEY_PATTERN = r"^-?[0-9]{1,12}(\.[0-9]{1,2})?$"
_MONEY = re.compile(MONEY_PATTERN)


def _clean(value: str) -> None:
    # PostgreSQL refuses NUL in text and lone surrogates cannot be encoded: refuse them here
    # rather than fail in the database.
    if "\x00" in value:
        raise ma.ValidationError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ma.ValidationError("is not valid Unicode text") from None


class Text(ma.fields.String):
    """A string of `min_length` to `max_length` characters, without NUL characters."""

    def __init__(self, max_length: int = 200, min_length: int | None = None, **kwargs):
        validators = [ma.validate.Length(min=min_length, max=max_length), _clean]
        super().__init__(validate=validators, **kwargs)


class Flag(ma.fields.Boolean):
    """true or false, as the document's `boolean` says: never 0, 1, "yes" or "on"."""

    def _deserialize(self, value, attr, data, **kwargs):
        # A set lookup would take 0 and 1 for False and True (they hash alike).
        if not isinstance(value, bool):
            raise self.make_error("invalid", input=value)
        return value


class QueryFlag(ma.fields.Boolean):
    """true or false in a query string: the words, nothing else."""

    truthy = {"true", True}
    falsy = {"false", False}


class Moment(ma.fields.DateTime):
    """A moment as RFC 3339 with its offset; a stored value without one is UTC (SQLite keeps
    none), so every answer names its zone."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return super()._serialize(value, attr, obj, **kwargs)


class Code(ma.fields.String):
    """A region's or centre's code, in the alphabet of fundtrack.centres.codes."""

    def __init__(self, **kwargs):
        metadata = {"pattern": CODE_PATTERN, "description": CODE_ALPHABET}
        metadata |= kwargs.pop("metadata", {})
        pattern = ma.validate.Regexp(CODE_PATTERN, error="use " + CODE_ALPHABET)
        super().__init__(
            validate=[ma.validate.Length(min=1, max=20), pattern], metadata=metadata, **kwargs
        )


class Whole(ma.fields.Integer):
    """An integer in a JSON body: 12 or 12.0 (JSON Schema counts both), never "12" or true."""

    def _validated(self, value):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.make_error("invalid", input=value)
        if isinstance(value, float):
            if not value.is_integer():
                raise self.make_error("invalid", input=value)
            value = int(value)
        return super()._validated(value)


class Money(ma.fields.String):
    """An amount as a decimal string with at most two decimals, such as "1234.50".

    JSON numbers are refused: a float cannot hold cents exactly, and one rule for all
    amounts is easier to get right than two.
    """

    default_error_messages = {
        "invalid": 'send money as a decimal string such as "1234.50"',
        "format": 'not an amount: use digits, a point and at most two decimals, e.g. "1234.50"',
    }

    def __init__(self, **kwargs):
        metadata = {"pattern": MONEY_PATTERN, "example": "1234.50"} | kwargs.pop("metadata", {})
        super().__init__(metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return str(Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP))

    def _deserialize(self, value, attr, data, **kwargs) -> Decimal:
        if not isinstance(value, str):
            raise self.make_error("invalid")
        if not _MONEY.fullmatch(value):  # re's `$` would let a trailing newline through
            raise self.make_error("format")
        try:
            return to_money(value)
        except ValidationError as error:
            raise ma.ValidationError(error.message) from None


class Currency(ma.fields.String):
    """An ISO 4217 code such as EUR or NOK."""

    def __init__(self, **kwargs):
        metadata = {"example": "EUR"} | kwargs.pop("metadata", {})
        super().__init__(
            validate=ma.validate.Regexp(r"^[A-Z]{3}$", error="use a three-letter ISO 4217 code"),
            metadata=metadata,
            **kwargs,
        )


def Id(*, strict: bool = True, **kwargs) -> ma.fields.Integer:  # noqa: N802  (reads like a class)
    """A row id: an integer within the database's range (a JSON integer in bodies)."""
    field = Whole if strict else ma.fields.Integer
    return field(validate=ma.validate.Range(1, MAX_ID), **kwargs)


def Year(*, strict: bool = True, **kwargs) -> ma.fields.Integer:  # noqa: N802
    """A year the books can hold (a JSON integer in bodies, digits in a query)."""
    field = Whole if strict else ma.fields.Integer
    return field(validate=ma.validate.Range(FIRST_YEAR, LAST_YEAR), **kwargs)


def Choice(enum_cls, **kwargs) -> ma.fields.Enum:  # noqa: N802
    """One of an enum's values, shown and accepted as its string value."""
    return ma.fields.Enum(enum_cls, by_value=ma.fields.String, **kwargs)


class Strict(ma.Schema):
    """Request bodies: unknown fields are an error, not silently dropped."""

    class Meta:
        unknown = ma.RAISE


def schema_name(schema) -> str:
    """Component names: IncomeSchema -> Income; a partial (PATCH) instance -> IncomePatch."""
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__.removesuffix("Schema")
    if not isinstance(schema, type) and schema.partial:
        name += "Patch"
    return name


class IsoDate(ma.fields.Date):
    """A date written YYYY-MM-DD, the `format: date` the document promises.

    Marshmallow also reads ISO 8601's other spellings (20250301, 2025-W09-6); a platform
    relying on those would break on any stricter reader, so they are refused here.
    """

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not _FULL_DATE.fullmatch(value):
            raise ma.ValidationError("Not a valid date: write it as YYYY-MM-DD.")
        return super()._deserialize(value, attr, data, **kwargs)


_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
