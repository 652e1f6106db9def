"""Bearer-token authentication for the API; a browser's session cookie never counts."""

from flask import g, request

from fundtrack.auth.models import User
from fundtrack.auth.tokens import WRITE, token_row
from fundtrack.extensions import db

READING = ("GET", "HEAD", "OPTIONS")


def bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def require_token():
    """before_request of every API blueprint: 401 unless a valid token names an active user,
    403 for a change with a read-only token.

    Sets `g.api_user`, which the audit log reads to attribute changes to the token's user.
    """
    from fundtrack.api.errors import error_response

    row = token_row(db.session, bearer_token())
    if row is None:
        response = error_response(
            401, "Send a valid API token: Authorization: Bearer TOKEN (see /account/tokens)."
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="fundtrack"'
        return response
    db.session.commit()  # keeps the token's last_used_at
    if row.scope != WRITE and request.method not in READING:
        response = error_response(403, "This token may only read: make a read-write token.")
        response.headers["WWW-Authenticate"] = (
            'Bearer realm="fundtrack", error="insufficient_scope"'
        )
        return response
    g.api_user = row.user
    return None


def api_user() -> User:
    """The user the request's token belongs to."""
    return g.api_user
