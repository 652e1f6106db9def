"""Organisation numbers as funders and 360Giving know them: the Dutch Chamber of Commerce
(KvK, 8 digits) and the Norwegian Brønnøysund register (9 digits, the last a modulus-11
check digit), and their org-id.guide identifiers (`NL-KVK-12345678`, `NO-BRC-923609016`).

Which register a number belongs to follows the network's country (its locale). python-stdnum
knows these registers too; it is not among fundtrack's dependencies, and these two rules are
all the reports need.
"""

from flask_babel import lazy_gettext as _l

from fundtrack.errors import ValidationError

NO_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
REGISTERS = {
    "NL": ("NL-KVK", 8, _l("KvK")), "NO": ("NO-BRC", 9, _l("Norwegian organisation")),
}  # fmt: skip


def _country(locale: str) -> str:
    return (locale or "").replace("-", "_").split("_")[-1].upper()


def _norwegian_check_ok(digits: str) -> bool:
    remainder = sum(int(d) * w for d, w in zip(digits, NO_WEIGHTS, strict=False)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    return check != 10 and check == int(digits[-1])


def check_organisation_number(value, locale: str, field: str = "organisation_number") -> str:
    """The number with spaces and dots taken out; '' for none. A ValidationError on `field`
    when it is not a number of the network's register."""
    number = "".join(str(value or "").split()).replace(".", "")
    if not number:
        return ""
    prefix, length, register = REGISTERS.get(_country(locale), (None, None, None))
    if length is None:
        if len(number) > 20:
            raise ValidationError(
                field, _l("at most %(limit)s characters", limit=20), code="too_long"
            )
        return number
    if not number.isdigit() or len(number) != length:
        raise ValidationError(
            field,
            _l("%(typed)s is not a %(register)s number of %(length)s digits",
               typed=repr(value), register=register, length=length),
            code="invalid_organisation_number",
        )  # fmt: skip
    if prefix == "NO-BRC" and not _norwegian_check_ok(number):
        raise ValidationError(
            field, _l("%(typed)s: the check digit does not match", typed=repr(value)),
            code="invalid_organisation_number",
        )  # fmt: skip
    return number


def check_rsin(value, field: str = "rsin") -> str:
    """A Dutch RSIN (the tax office's number for a charity, 9 digits with the same eleven-test
    as a BSN, python-stdnum's `nl.bsn`) without spaces or dots; '' for none."""
    from flask_babel import lazy_gettext as _l
    from stdnum.exceptions import ValidationError as NumberInvalid
    from stdnum.nl import bsn

    number = "".join(str(value or "").split()).replace(".", "")
    if not number:
        return ""
    try:
        return bsn.validate(number)
    except NumberInvalid:
        raise ValidationError(
            field, _l("%(number)s is not an RSIN of 9 digits", number=value), code="not_an_rsin"
        ) from None


def check_creditor_id(value, field: str = "creditor_id") -> str:
    """A SEPA creditor identifier (NL56ZZZ404817180000: country, check digits, business code,
    national id), checked with python-stdnum's `eu.at_02`; '' for none."""
    from flask_babel import lazy_gettext as _l
    from stdnum.eu import at_02
    from stdnum.exceptions import ValidationError as NumberInvalid

    text = "".join(str(value or "").split()).upper()
    if not text:
        return ""
    try:
        return at_02.validate(text)
    except NumberInvalid:
        raise ValidationError(
            field,
            _l("%(number)s is not a SEPA creditor identifier", number=value),
            code="not_a_creditor_id",
        ) from None


def check_iban(value, field: str = "iban") -> str:
    """An IBAN in its compact form (schwifty); '' for none."""
    from flask_babel import lazy_gettext as _l
    from schwifty import IBAN

    if not str(value or "").strip():
        return ""
    try:
        return IBAN(str(value)).compact
    except ValueError:
        raise ValidationError(field, _l("this is not an IBAN"), code="not_an_iban") from None


def org_id(number: str, locale: str) -> str | None:
    """The org-id.guide identifier of a known number (None when unknown or unregistered)."""
    prefix, _length, _register = REGISTERS.get(_country(locale), (None, None, None))
    return f"{prefix}-{number}" if number and prefix else None
