"""Who is acting: the signed-in user on a request, or what the CLI says it is."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from flask import has_request_context

_cli_actor: ContextVar[tuple[int | None, str] | None] = ContextVar("cli_actor", default=None)


@contextmanager
def acting_as(label: str, user_id: int | None = None) -> Iterator[None]:
    """Attribute changes made inside the block to a CLI command or a background job."""
    token = _cli_actor.set((user_id, label))
    try:
        yield
    finally:
        _cli_actor.reset(token)


def current_actor() -> tuple[int | None, str]:
    """(user id or None, a readable label) for the audit log."""
    override = _cli_actor.get()
    if override is not None:
        return override
    if has_request_context():
        from flask import g
        from flask_login import current_user

        api_user = g.get("api_user")
        if api_user is not None:
            return api_user.id, f"{api_user.email} (api)"
        if current_user and current_user.is_authenticated:
            return current_user.id, current_user.email
        return None, "anonymous"
    return None, "system"
