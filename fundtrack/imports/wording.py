"""What the import screens say of a row, a match and an import, in the user's language.

The plan keeps its reasons and refusals in English (the API's contract and the preview
file's); `on_screen` says the ones an import makes again in the user's language, and hands
the rest to income's wording (amounts, years, categories), which knows the checks the rows
share with income entry.
"""

import re

from flask_babel import lazy_gettext as _l

from fundtrack.formatting import label_of
from fundtrack.income import wording

_PATTERNS = [
    (r"money going out is not income", _l("money going out is not income")),
    (
        r"pending or informational: not booked by the bank yet",
        _l("pending or informational: not booked by the bank yet"),
    ),
    (r"a reversal of a payment is not income", _l("a reversal of a payment is not income")),
    (r"left out in the preview", _l("left out in the preview")),
    (r"an amount of 0\.00 moves no money", _l("an amount of 0.00 moves no money")),
    (r"(?P<typed>'.*') is not exact to the cent", _l("%(typed)s is not exact to the cent")),
    (
        r"(?P<typed>'.*') is not an amount with at most five decimals",
        _l("%(typed)s is not an amount with at most five decimals"),
    ),
    (
        r"the same entry appears earlier in this file",
        _l("the same entry appears earlier in this file"),
    ),
    (r"already booked", _l("already booked")),
    (r"reversed by row (?P<row>\d+)", _l("reversed by row %(row)s")),
    (r"reverses row (?P<row>\d+)", _l("reverses row %(row)s")),
    (
        r"reverses a payment that is not in the books",
        _l("reverses a payment that is not in the books"),
    ),
    (r"removes income line (?P<id>\d+)", _l("removes income line %(id)s")),
    (
        r"reverses income line (?P<id>\d+) of closed year (?P<year>\d+)",
        _l("reverses income line %(id)s of closed year %(year)s"),
    ),
    (
        r"no name and no known IBAN: who paid this\?",
        _l("no name and no known IBAN: who paid this?"),
    ),
    (
        r"the donor, funder or agreement chosen is not this centre's",
        _l("the donor, funder or agreement chosen is not this centre's"),
    ),
    (r"is missing", _l("is missing")),
    (r"the date is missing", _l("the date is missing")),
    (r"the amount is missing", _l("the amount is missing")),
    (r"the amount is zero", _l("the amount is zero")),
    (r"the entry has no booking date", _l("the entry has no booking date")),
    (
        r"(?P<typed>'.*') is not an amount with at most two decimals",
        _l("%(typed)s is not an amount with at most two decimals"),
    ),
    (
        r"(?P<typed>'.*') is not a date \(day, month, year\)",
        _l("%(typed)s is not a date (day, month, year)"),
    ),
    (
        r"(?P<cells>\d+) cells where the header has (?P<width>\d+)",
        _l("%(cells)s cells where the header has %(width)s"),
    ),
]
_COMPILED = [(re.compile(pattern), template) for pattern, template in _PATTERNS]

STATE_LABELS = {
    "uploaded": _l("uploaded"), "previewing": _l("being read"), "previewed": _l("previewed"),
    "booking": _l("being booked"), "booked": _l("booked"), "undone": _l("undone"),
    "failed": _l("failed"), "abandoned": _l("left without booking"),
}  # fmt: skip
MATCH_KINDS = {"donor": _l("donor"), "funder": _l("funder"), "agreement": _l("agreement")}
MATCHED_BY = {
    "iban": _l("by IBAN"), "name": _l("by name"), "choice": _l("as you chose"),
    "remembered": _l("as chosen before"),
}  # fmt: skip


def on_screen(message: str) -> str:
    """A reason or refusal of the import's plan in the user's language."""
    if not isinstance(message, str):
        return str(message)  # a lazy message of the error family: already in the user's words
    said = wording.say_again(message, _COMPILED)
    return wording.on_screen(message) if said is None else said


def state(value) -> str:
    return label_of(STATE_LABELS, value)
