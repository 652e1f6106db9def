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
