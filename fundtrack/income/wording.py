"""The domain's refusals in the user's language, for screens; the API keeps the English.

The operations raise English sentences (the API's contract). A screen passes each through
`on_screen`, which recognises the sentences income entry meets and says them again in the
user's language, with codes (categories, funder types) in words. A sentence it does not
know is shown as it came: English is better than nothing.
"""

import re

from flask_babel import lazy_gettext as _l

from fundtrack.formatting import CATEGORY_LABELS, FUNDER_TYPE_LABELS, format_day, label_of

_PATTERNS = [
    (r"is required", _l("is required")),
    (r"must be more than 0", _l("must be more than 0")),
    (r"must be 0 or more", _l("must be 0 or more")),
    (r"is not a date", _l("is not a date")),
    (
        r"must be a year between (?P<first>\d+) and (?P<last>\d+)",
        _l("must be a year between %(first)s and %(last)s"),
    ),
    (
        r"fiscal year (?P<year>\d+) is closed; its lines can no longer change",
        _l("fiscal year %(year)s is closed; its lines can no longer change"),
    ),
    (
        r"(?P<funder>.+) is a (?P<type>[a-z_]+) funder: its income is (?P<implied>[a-z_]+),"
        r" not (?P<given>[a-z_]+)",
        _l(
            "%(funder)s is a funder of type %(type)s: its income is booked as “%(implied)s”,"
            " not “%(given)s”"
        ),
    ),
    (
        r"a gift from donor (?P<donor>.+) is (?P<implied>[a-z_]+), not (?P<given>[a-z_]+)",
        _l("a gift from donor %(donor)s is booked as “%(implied)s”, not “%(given)s”"),
    ),
    (
        r"income line (?P<id>\d+) of (?P<date>[0-9-]+) has the same amount \((?P<amount>[^)]+)\)"
        r" and counterparty \((?P<who>.+)\); confirm to book this one as well",
        _l(
            "possible duplicate: line %(id)s of %(date)s has the same amount (%(amount)s) and"
            " counterparty (%(who)s); confirm to book this one as well"
        ),
    ),
    (r"give a funder or a donor, not both", _l("give a funder or a donor, not both")),
    (
        r"income under a funding agreement comes from its funder",
        _l("income under a funding agreement comes from its funder"),
    ),
    (
        r"agreement (?P<id>\d+) is with another funder",
        _l("agreement %(id)s is with another funder"),
    ),
    (r"no funder with id .*", _l("no such funder")),
    (r"no donor with id .*", _l("no such donor")),
    (r"no funding agreement with id .*", _l("no such agreement")),
    (r"no earmarked fund with id .*", _l("no such earmarked fund")),
    (
        r"no donor, funder or agreement called (?P<name>'.*')",
        _l("no donor, funder or agreement is called %(name)s; tick “new donor” to add one"),
    ),
    (r"already booked as income line (?P<id>\d+)", _l("already booked as income line %(id)s")),
    (
        r"(?P<funder>.+) has a structural agreement (?P<names>'.*') running on (?P<day>[0-9-]+):"
        r" book the line to it, or confirm it is incidental",
        _l(
            "%(funder)s has a structural agreement %(names)s running on %(day)s: book the line"
            " to it, or confirm it is incidental"
        ),
    ),
    (
        r"(?P<funder>.+) has structural agreements (?P<names>'.*') running on (?P<day>[0-9-]+):"
        r" book the line to one of them, or confirm it is incidental",
        _l(
            "%(funder)s has structural agreements %(names)s running on %(day)s: book the line"
            " to one of them, or confirm it is incidental"
        ),
    ),
    (r"(?P<typed>'.*') is not an amount", _l("%(typed)s is not an amount")),
    (
        r"(?P<typed>'.*') is not an amount as written here \(decimals after '(?P<sep>.)'\)"
        r"(?:; did you mean (?P<hint>.+)\?)?",
        _l("%(typed)s is not an amount as written here (decimals after “%(sep)s”)"),
    ),
    (r"(?P<shown>.+) has more than two decimals", _l("%(shown)s has more than two decimals")),
    (
        r"(?P<shown>.+) has more digits than an amount may have",
        _l("%(shown)s has more digits than an amount may have"),
    ),
    (
        r"centre (?P<code>\S+) keeps its books in (?P<kept>[A-Z]{3}), not (?P<given>\S+)",
        _l("centre %(code)s keeps its books in %(kept)s, not %(given)s"),
    ),
]
_COMPILED = [(re.compile(pattern), template) for pattern, template in _PATTERNS]
_IN_WORDS = {
    "implied": CATEGORY_LABELS,
    "given": CATEGORY_LABELS,
    "type": FUNDER_TYPE_LABELS,
    "day": format_day,
}


def on_screen(message: str) -> str:
    """A domain message in the user's language (unchanged when it is not one we know)."""
    if not isinstance(message, str):
        return str(message)  # a lazy message of the error family: already in the user's words
    said = say_again(message, _COMPILED, _IN_WORDS)
    return message if said is None else said


def say_again(message: str, compiled: list, in_words: dict | None = None) -> str | None:
    """`message` through the first of the (pattern, lazy template) pairs it matches whole,
    its codes put in words by `in_words` (labels by code, or a function: a date's words);
    None when it matches none."""
    for pattern, template in compiled:
        match = pattern.fullmatch(message or "")
        if match is None:
            continue
        values = {k: v for k, v in match.groupdict().items() if v is not None}
        for key, labels in (in_words or {}).items():
            if key in values and callable(labels):
                values[key] = labels(values[key])
            elif key in values:
                values[key] = label_of(labels, values[key])
        text = str(template)  # lazy: translated into the language of this request
        return text % values if values else text
    return None


def field_label(field: str) -> str:
    """A field as the screens name it: `date` is the booking date."""
    from fundtrack.admin.labels import COLUMN_LABELS  # the admin package imports this module

    names = {"date": "booking_date", "fund": "earmarked_fund"}
    return str(COLUMN_LABELS.get(names.get(field, field), field.replace("_", " ")))


def flash_text(field: str, message: str) -> str:
    """'Booking date: fiscal year 2025 is closed; …' in the user's language."""
    return f"{field_label(field)}: {on_screen(message)}"
