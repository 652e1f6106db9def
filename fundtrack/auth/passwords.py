"""Passwords: what a new one must be, and how every one is hashed and checked.

New and changed passwords are hashed with argon2id (memory-hard); hashes made earlier by
Werkzeug (scrypt or pbkdf2) still verify and are replaced at the user's next sign-in.
"""

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, has_app_context
from flask_babel import lazy_gettext as _l
from werkzeug.security import check_password_hash
from zxcvbn import zxcvbn

from fundtrack.auth.breached import times_breached
from fundtrack.errors import ValidationError

MIN_LENGTH = 12
# Long passphrases are welcome; the cap only keeps a single request's hashing bounded.
MAX_LENGTH = 256
# zxcvbn scores 0-4; 3 means at least 10^8 guesses: not on its common-password, name and
# word lists, nor a keyboard walk, a repeat or a date.
MIN_SCORE = 3
# zxcvbn refuses longer input; the first 72 characters decide whether a phrase is common.
ZXCVBN_MAX = 72

# OWASP's argon2id minimum (19 MiB, 2 passes); the cheap profile is for the test suite only.
PROFILES = {
    "standard": {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1},
    "cheap": {"time_cost": 1, "memory_cost": 64, "parallelism": 1},
}


class WeakPassword(ValidationError):
    """The password does not meet the rules; `field` is "password", `message` the reason."""


def check_new_password(password: str, *user_inputs: str) -> None:
    """Refuse a password that is short, overlong, common (a shipped list, no network) or
    known from data breaches (offline range files, `breached`).

    `user_inputs` (e-mail, name) count as guessable too.
    """
    if not isinstance(password, str) or len(password) < MIN_LENGTH:
        raise WeakPassword(
            "password", _l("at least %(num)s characters", num=MIN_LENGTH), code="too_short"
        )
    if len(password) > MAX_LENGTH:
        raise WeakPassword(
            "password", _l("at most %(num)s characters", num=MAX_LENGTH), code="too_long"
        )
    inputs = [value for value in user_inputs if value]
    inputs += [part for value in inputs for part in value.replace("@", " ").split()]
    result = zxcvbn(password[:ZXCVBN_MAX], user_inputs=inputs)
    if result["score"] < MIN_SCORE:
        raise WeakPassword(
            "password",
            _l("too common or too easy to guess; a phrase of a few unrelated words works"),
            code="too_guessable",
        )
    if times_breached(password):
        raise WeakPassword(
            "password",
            _l("this password is known from data breaches; choose another one"),
            code="breached",
        )


def _profile() -> str:
    if has_app_context():
        return current_app.config.get("PASSWORD_HASH_PROFILE", "standard")
    return "standard"


@cache
def _hasher(profile: str) -> PasswordHasher:
    return PasswordHasher(**PROFILES[profile])


def hash_password(password: str) -> str:
    """An argon2id hash with a random salt, at the configured cost."""
    return _hasher(_profile()).hash(password)


def verify_password(stored: str | None, password: str) -> bool:
    """Does `password` match the stored hash (argon2id, or an older Werkzeug hash)?"""
    if not stored or not isinstance(password, str):
        return False
    if stored.startswith("$argon2"):
        try:
            return _hasher(_profile()).verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False
    try:
        return check_password_hash(stored, password)
    except ValueError:
        return False


def needs_rehash(stored: str) -> bool:
    """True for a Werkzeug hash, or an argon2 hash weaker than the configured profile."""
    if not stored.startswith("$argon2"):
        return True
    try:
        return _hasher(_profile()).check_needs_rehash(stored)
    except InvalidHashError:
        return True


@cache
def _dummy_hash(profile: str) -> str:
    return _hasher(profile).hash(secrets.token_urlsafe(16))


def verify_nobody(password: str) -> bool:
    """The same work as checking a real user's password, for an unknown e-mail address.

    Always False. Signing in then costs the same whether the account exists or not.
    """
    verify_password(_dummy_hash(_profile()), password)
    return False
