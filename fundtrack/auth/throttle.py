"""Sign-in throttling per e-mail address and per client address (Flask-Limiter).

Counts live in RATELIMIT_STORAGE_URI: the application's database by default
(`fundtrack-db://`, `throttle_storage`), so that every gunicorn worker shares them and a
restart forgets nothing; a redis:// URL does the same. Only failed attempts count, so people
who type their password right are never slowed down by others' mistakes on their address.
"""

from functools import wraps

from flask import abort, current_app, request, session
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address

from fundtrack.auth import throttle_storage  # noqa: F401  (registers fundtrack-db://)
from fundtrack.emails import normalise_email

limiter = Limiter(key_func=get_remote_address, default_limits=[])


FORM_BODIES = ("application/x-www-form-urlencoded", "multipart/form-data")


def form_body_only(view):
    """Sign-in forms take a form body and nothing else (415): a JSON body would be read by
    the form but not by the throttle, which keys on the form's e-mail address."""

    @wraps(view)
    def checked(*args, **kwargs):
        if request.method == "POST" and request.mimetype not in FORM_BODIES:
            abort(415)
        return view(*args, **kwargs)

    return checked


def _account_key() -> str:
    # The address the sign-in checks: the form's (form_body_only), normalised as the form does.
    try:
        email = normalise_email(request.form.get("email", ""))
    except Exception:  # a malformed address still counts, under its raw text
        email = (request.form.get("email") or "").strip().lower()[:254]
    return "account:" + email


def _pending_key() -> str:
    pending = session.get("_mfa_pending") or {}
    return f"mfa:{pending.get('user', '-')}"


def _failed(response) -> bool:
    return response.status_code in (400, 401)


def _account_limit() -> str:
    return current_app.config["LOGIN_LIMIT_ACCOUNT"]


def _address_limit() -> str:
    return current_app.config["LOGIN_LIMIT_ADDRESS"]


def _throttle(view, scope: str, account_key):
    """Failed POSTs to `view` limited per client address and per account (`account_key`)."""
    view = limiter.limit(
        _address_limit, methods=["POST"], deduct_when=_failed, scope=f"{scope}-address"
    )(view)
    return limiter.limit(
        _account_limit,
        key_func=account_key,
        methods=["POST"],
        deduct_when=_failed,
        scope=f"{scope}-account",
    )(view)


def throttled(view):
    """Limit failed POSTs to `view` per client address and per account."""
    return _throttle(form_body_only(view), "login", _account_key)


def throttled_code(view):
    """Limit failed second-step codes per client address and per pending account."""
    return _throttle(form_body_only(view), "code", _pending_key)


def _confirming_key() -> str:
    from flask_login import current_user

    return f"confirm:{current_user.get_id() or '-'}"


def throttled_confirm(view):
    """Limit failed confirmations (password and code again) per client address and user."""
    return _throttle(form_body_only(view), "confirm", _confirming_key)
