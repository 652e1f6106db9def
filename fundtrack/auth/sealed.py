"""Secrets fundtrack must read back (the TOTP secret, donors' national identity numbers),
encrypted at rest with keys from the configuration: one home for the keys of both.

Fernet (AES-128-CBC with HMAC-SHA256, from `cryptography`) through MultiFernet: the first key
of `TOTP_SECRET_KEYS` encrypts, every key decrypts, so a key is rotated by putting a new one
first, restarting, running `flask users reseal` (which re-encrypts every sealed value with it)
and then dropping the old one. Production refuses to start without a key (fundtrack.config);
development and the tests derive one from SECRET_KEY. A database copied without the keys
holds no usable TOTP secret and no readable national identity number.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from flask_babel import lazy_gettext as _l

from fundtrack.errors import ValidationError

ENVIRONMENT_NAME = "FUNDTRACK_TOTP_KEYS"
# Works before the application can start (production refuses to without a key).
NEW_KEY_COMMAND = (
    "python -c 'from cryptography.fernet import Fernet;print(Fernet.generate_key().decode())'"
)


def development_key(secret_key: str) -> str:
    """A Fernet key derived from SECRET_KEY: for development and the tests only."""
    digest = hashlib.sha256(b"fundtrack totp secret\x00" + secret_key.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).decode("ascii")


def parse_keys(text: str | None) -> list[str]:
    """The keys of a comma-separated setting, newest first; ValueError for one that is no
    Fernet key (32 url-safe base64-encoded bytes)."""
    keys = [key.strip() for key in (text or "").split(",") if key.strip()]
    for key in keys:
        Fernet(key)  # raises ValueError for a malformed key
    return keys


def _fernet(keys: list[str] | None = None) -> MultiFernet:
    keys = keys if keys is not None else current_app.config["TOTP_SECRET_KEYS"]
    return MultiFernet([Fernet(key) for key in keys])


def seal(plain: str, keys: list[str] | None = None) -> str:
    """`plain` encrypted with the first key."""
    return _fernet(keys).encrypt(plain.encode("utf-8")).decode("ascii")


_TOTP_UNREADABLE = (
    "mfa_secret",
    _l("the second step's secret cannot be read with the configured keys"),
    "totp_key_unknown",
)


def unseal(token: str, keys: list[str] | None = None, unreadable: tuple = _TOTP_UNREADABLE) -> str:
    """The text `token` holds; a ValidationError (`unreadable`: its field, message and code)
    when no configured key opens it (the key was changed without keeping the old one, or the
    column was tampered with)."""
    try:
        return _fernet(keys).decrypt(token.encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError):
        field, message, code = unreadable
        raise ValidationError(field, message, code=code) from None


def reseal(token: str, keys: list[str] | None = None, unreadable: tuple = _TOTP_UNREADABLE) -> str:
    """`token` encrypted again with the first key (after a new key was put first)."""
    try:
        return _fernet(keys).rotate(token.encode("ascii")).decode("ascii")
    except InvalidToken:
        field, message, code = unreadable
        raise ValidationError(field, message, code=code) from None
