"""The alphabet of the codes that travel in URLs and file names (regions, centres).

A code is 1 to 20 upper-case letters A-Z, digits and hyphens, starting and ending with a
letter or digit: "HLM", "DK-NORD", "N101". Names keep any Unicode ("Sør-Øst", "Zuid-Holland");
codes stay plain so that every link, file name and spreadsheet cell carries them unchanged.
The operations check it, the API's schema publishes it as a `pattern`, and
`flask codes check` reports stored codes outside it (they are never rewritten silently).
"""

import re

from flask_babel import lazy_gettext as _l

from fundtrack.errors import ValidationError

CODE_PATTERN = r"^[A-Z0-9](?:[A-Z0-9-]{0,18}[A-Z0-9])?$"
CODE_ALPHABET = (
    "1 to 20 upper-case letters A-Z, digits and hyphens, starting and ending with a letter or digit"
)
_CODE = re.compile(CODE_PATTERN)


def is_code(value) -> bool:
    return isinstance(value, str) and _CODE.fullmatch(value) is not None


def check_code(value, field: str = "code") -> str:
    """`value` when it is a code; else a ValidationError on `field` saying the alphabet."""
    if not is_code(value):
        raise ValidationError(
            field,
            # CODE_ALPHABET in the reader's words (the API's schema keeps the English).
            _l("%(typed)s is not a code: use 1 to 20 upper-case letters A-Z, digits and hyphens,"
               " starting and ending with a letter or digit", typed=repr(value)),
            code="not_a_code",
        )  # fmt: skip
    return value


def codes_outside_alphabet(session) -> list[tuple[str, int, str]]:
    """(kind, id, code) of every stored region and centre code outside the alphabet: codes
    from before it was set, to be changed by hand (a code is part of links people keep)."""
    from sqlalchemy import select

    from fundtrack.centres.models import Centre, Region

    found = []
    for kind, model in (("region", Region), ("centre", Centre)):
        for row_id, code in session.execute(select(model.id, model.code).order_by(model.code)):
            if not is_code(code):
                found.append((kind, row_id, code))
    return found
