"""Bearer-token authentication for the API; a browser's session cookie never counts."""

from flask import g, request

from fundtrack.auth.models import User
from fundtrack.auth.tokens import user_for_token
from fundtrack.extensions import db


def bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def require_token():
    """before_request of every API blueprint: 401 unless a valid token names an active user.

    Sets `g.api_user`, which the audit log reads to attribute changes to the token's user.
    """
    from fundtrack.api.errors import error_response

    user = user_for_token(db.session, bearer_token())
    if user is None:
        response = error_response(
            401, "Send a valid API token: Authorization: Bearer TOKEN (see /account/tokens)."
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="fundtrack"'
        return response
    db.session.commit()  # keeps the token's last_used_at
    g.api_user = user
    return None


def api_user() -> User:
    """The user the request's token belongs to."""
    return g.api_user
