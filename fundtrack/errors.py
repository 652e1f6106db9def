"""Errors the domain operations raise, shared by the API, the screens and the CLI.

Each carries `errors`: a mapping from the failing field to its messages, so a caller can
show them next to the field (a screen) or return them as JSON (the API).
"""


class DomainError(Exception):
    """A request the domain refuses; `errors` says which field and why."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.errors: dict = {field: [message]}

    def at_index(self, index: int) -> "DomainError":
        """The same error, placed under the position of an item in a batch."""
        self.errors = {str(index): self.errors}
        self.index = index
        return self


class ValidationError(DomainError, ValueError):
    """A value is missing, malformed or inconsistent with the rest."""


class NotFound(DomainError, LookupError):
    """The row does not exist, or the user may not know that it does."""


class Conflict(DomainError):
    """The change clashes with what is stored: a duplicate, a closed year, a row in use."""

    def __init__(self, field: str, message: str, existing_id: int | None = None):
        super().__init__(field, message)
        self.existing_id = existing_id


def field_and_message(error: Exception, fallback: str) -> tuple[str, str]:
    """The field an error concerns and what to say about it.

    A DomainError names its own; any other error (a library's ValueError, say) names no field
    of ours, so its whole text goes under `fallback`.
    """
    if isinstance(error, DomainError):
        return error.field, error.message
    return fallback, str(error)
