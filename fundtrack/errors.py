"""The one family of refusals the domain raises, shared by the API, the screens and the CLI.

A refusal carries three things:
- `field`: what it concerns (a form field, a column of an imported row, or "" for the
  request as a whole), so a screen shows it beside the field and the API under its name;
- `message`: a lazy gettext string with its parameters, made where the refusal is raised
  (`_l("fiscal year %(year)s is closed", year=2025)`). It is put into words when it is shown,
  in the language of whoever reads it: Dutch on a Dutch screen, English in the CLI;
- `code`: a stable word for programs (the API's `reason`), never shown to a person.

Messages never need translating back: nothing matches an English sentence to find its Dutch.
"""

from flask_babel import lazy_gettext as _l


class DomainError(Exception):
    """A request the domain refuses; `errors` says which field and why."""

    status = 422
    code = "invalid"

    def __init__(self, field: str, message, *, code: str | None = None):
        super().__init__(field, message)
        self.field = field
        self.message = message
        if code is not None:
            self.code = code
        self.errors: dict = {field: [message]}
        self.index: int | None = None

    def __str__(self) -> str:
        text = str(self.message)
        return f"{self.field}: {text}" if self.field else text

    def at_index(self, index: int) -> "DomainError":
        """The same error, placed under the position of an item in a batch."""
        self.errors = {str(index): self.errors}
        self.index = index
        return self


class ValidationError(DomainError, ValueError):
    """A value is missing, malformed or inconsistent with the rest."""


class NotFound(DomainError, LookupError):
    """The row does not exist, or the user may not know that it does."""

    status = 404
    code = "not_found"


class Conflict(DomainError):
    """The change clashes with what is stored: a duplicate, a closed year, a row in use."""

    status = 409
    code = "conflict"

    def __init__(
        self, field: str, message, existing_id: int | None = None, *, code: str | None = None
    ):
        super().__init__(field, message, code=code)
        self.existing_id = existing_id


class NotAllowed(DomainError, PermissionError):
    """The user's role or centre does not allow this change."""

    status = 403
    code = "not_allowed"

    def __init__(self, message=None, *, field: str = "", code: str | None = None):
        super().__init__(field, message or _l("your role may not do this"), code=code)


class YearLocked(Conflict, ValueError):
    """A change touches a fiscal year that the national office has closed.

    Also a ValueError: the guard raises it inside a flush, where callers expect one."""

    code = "year_closed"

    def __init__(self, year: int, field: str = "date"):
        super().__init__(
            field, _l("fiscal year %(year)s is closed; its lines can no longer change", year=year)
        )
        self.year = year


def field_and_message(error: Exception, fallback: str) -> tuple[str, str]:
    """The field an error concerns and what to say about it, in the reader's language.

    A DomainError names its own; any other error (a library's ValueError, say) names no field
    of ours, so its whole text goes under `fallback`.
    """
    if isinstance(error, DomainError):
        return error.field or fallback, str(error.message)
    return fallback, str(error)


def in_words(errors: dict) -> dict:
    """`errors` with every lazy message put into words (for JSON and stored previews)."""
    return {
        key: in_words(value) if isinstance(value, dict) else [str(m) for m in value]
        for key, value in errors.items()
    }


# A message's parameters that are put into words when it is shown, like the message itself,
# and the stored form of a message (an import's preview keeps its row reasons in a file and
# the database): its msgid and parameters, never the words of whoever made it.


class Label:
    """A stored code (a category, a funder type) said in the reader's words: `label_of` on
    the table of fundtrack.labels named `table`, when shown."""

    def __init__(self, table: str, code):
        self.table = table
        self.code = getattr(code, "value", code)

    def __str__(self) -> str:
        from fundtrack import labels

        return labels.label_of(getattr(labels, self.table), self.code)

    def stored(self) -> dict:
        return {"label": self.table, "code": self.code}


class Day:
    """A date in the reader's way of writing dates (fundtrack.formatting.format_day)."""

    def __init__(self, day):
        self.day = day

    def __str__(self) -> str:
        from fundtrack import is_api_request
        from fundtrack.formatting import format_day

        if is_api_request():  # a program reads the API: ISO 8601, as its JSON dates
            day = self.day
            return day.isoformat() if hasattr(day, "isoformat") else str(day)
        return format_day(self.day)

    def stored(self) -> dict:
        return {"day": self.day.isoformat() if hasattr(self.day, "isoformat") else self.day}


class Field:
    """A field or an imported file's column named in the reader's words (labels.field_label)."""

    def __init__(self, name: str):
        self.name = name

    def __str__(self) -> str:
        from fundtrack.labels import field_label

        return field_label(self.name)

    def stored(self) -> dict:
        return {"field": self.name}


def stored(message) -> dict:
    """A lazy message as JSON: {"msgid": ..., "params": {...}}; `from_stored` makes it again.

    A message that is not lazy (a library's words) is kept as {"text": ...}, shown as it is."""
    args = getattr(message, "_args", None)
    if not args:
        return {"text": str(message)}
    params = {}
    for name, value in message._kwargs.items():
        if isinstance(value, Label | Day | Field):
            params[name] = value.stored()
        elif value is None or isinstance(value, int | float | str):
            params[name] = value
        elif getattr(value, "_args", None):
            params[name] = {"message": stored(value)}  # a message within the message
        else:
            params[name] = str(value)  # a number (a Decimal) as Python writes it
    if len(args) == 3:  # lazy_ngettext(singular, plural, num)
        return {"msgid": list(args[:2]), "num": args[2], "params": params}
    return {"msgid": args[0], "params": params}


def from_stored(data):
    """The lazy message `stored` kept (a plain text as it came)."""
    from flask_babel import lazy_ngettext

    if isinstance(data, str) or "msgid" not in data:
        return data if isinstance(data, str) else data.get("text", "")
    params = {}
    for name, value in (data.get("params") or {}).items():
        if isinstance(value, dict) and "label" in value:
            value = Label(value["label"], value["code"])
        elif isinstance(value, dict) and "day" in value:
            value = Day(value["day"])
        elif isinstance(value, dict) and "field" in value:
            value = Field(value["field"])
        elif isinstance(value, dict) and "message" in value:
            value = from_stored(value["message"])
        params[name] = value
    if isinstance(data["msgid"], list):
        return lazy_ngettext(*data["msgid"], data["num"], **params)
    return _l(data["msgid"], **params)


def in_english(message) -> str:
    """A message (or an error) as the command line says it: in English, whatever the
    network's language."""
    from flask_babel import force_locale

    with force_locale("en"):
        return str(message)
