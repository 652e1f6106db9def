"""The second sign-in step: TOTP codes from an app, and one-time recovery codes.

Enrolment shows the secret as a QR code (SVG drawn here, nothing fetched) and asks for a
first code before it counts. The secret is stored encrypted (`sealed`). A code works once:
the time step it matched is kept and an equal or earlier one is refused. Recovery codes are
random, shown once, stored as argon2id hashes (each with its own salt) and crossed out when
used. Codes made before they were salted (plain SHA-256) still work, once: the first one
used signs in, and the user's old codes are then replaced by new salted ones, shown at once
(`replace_unsalted_codes`). An admin who resets a user's second step (`flask users reset-mfa`,
or the user screen) lets them enrol again at their next sign-in.
"""

import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from fundtrack.auth.models import RecoveryCode, User
from fundtrack.auth.passwords import hash_password, verify_password
from fundtrack.auth.sessions import now

ISSUER = "fundtrack"
RECOVERY_CODES = 10
# Lowercase letters and digits without look-alikes (0/o, 1/l/i).
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def requires_mfa(user: User, required_roles) -> bool:
    return user.role.value in required_roles


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The enrolment URI as an inline SVG QR code."""
    return segno.make(uri, error="m").svg_inline(scale=5, border=2)


def _matching_step(secret: str, code: str, at: float | None = None) -> int | None:
    """The time step (of now, the one before or after) whose code this is, or None."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    at = time.time() if at is None else at
    for offset in (0, -1, 1):
        moment = at + offset * totp.interval
        if hmac.compare_digest(totp.at(moment), code):
            return totp.timecode(moment)
    return None


def _normalise(code: str) -> str:
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _unsalted(code: str) -> str:
    """How recovery codes were stored before they were salted: kept for checking only."""
    return hashlib.sha256(_normalise(code).encode("utf-8")).hexdigest()


def _salted(code: str) -> bool:
    return code.startswith("$argon2")


def _matches(stored: str, code: str) -> bool:
    if _salted(stored):
        return verify_password(stored, code)
    return hmac.compare_digest(stored, _unsalted(code))


def _looks_like_recovery_code(code: str) -> bool:
    return len(code) == 10 and all(ch in _ALPHABET for ch in code)


def _new_recovery_codes(session: Session, user: User) -> list[str]:
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_ALPHABET) for _ in range(10))
        codes.append(f"{raw[:5]}-{raw[5:]}")
        session.add(RecoveryCode(user_id=user.id, code_hash=hash_password(raw)))
    session.flush()
    return codes


def enable(session: Session, user: User, secret: str, code: str) -> list[str] | None:
    """Turn on the second step when `code` proves the app holds `secret`.

    Returns the new recovery codes (to show once), or None when the code is wrong.
    """
    step = _matching_step(secret, code)
    if step is None:
        return None
    user.mfa_secret = secret
    user.mfa_enabled_at = now()
    user.mfa_last_step = step
    session.flush()
    return _new_recovery_codes(session, user)


def check_code(session: Session, user: User, code: str) -> str | None:
    """Accept a TOTP code (once) or an unused recovery code; returns "totp", "recovery" or
    None. Flushes what it crossed out; the caller commits."""
    if not user.mfa_enabled or not isinstance(code, str) or len(code) > 40:
        return None
    step = _matching_step(user.mfa_secret, code)
    if step is not None:
        if user.mfa_last_step is not None and step <= user.mfa_last_step:
            return None  # replayed
        user.mfa_last_step = step
        session.flush()
        return "totp"
    typed = _normalise(code)
    if not _looks_like_recovery_code(typed):
        return None  # a mistyped TOTP code: no hashing work for it
    unused = session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).all()
    row = next((row for row in unused if _matches(row.code_hash, typed)), None)
    if row is None:
        return None
    row.used_at = now()
    session.flush()
    return "recovery"


def has_unsalted_codes(session: Session, user: User) -> bool:
    hashes = session.scalars(
        select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)
    ).all()
    return any(not _salted(stored) for stored in hashes)


def replace_unsalted_codes(session: Session, user: User) -> list[str] | None:
    """New salted recovery codes (to show once) when the user still has codes stored the old,
    unsalted way; None when there are none. Every old code stops working."""
    if not has_unsalted_codes(session, user):
        return None
    return _new_recovery_codes(session, user)


def recovery_codes_left(session: Session, user: User) -> int:
    return len(
        session.scalars(
            select(RecoveryCode.id).where(
                RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None)
            )
        ).all()
    )


def new_recovery_codes(session: Session, user: User) -> list[str]:
    """Replace the user's recovery codes (the old ones stop working)."""
    return _new_recovery_codes(session, user)


def reset(session: Session, user: User) -> None:
    """An admin's recovery for a lost device: the user enrols again at the next sign-in."""
    user.mfa_secret = None
    user.mfa_enabled_at = None
    user.mfa_last_step = None
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    session.flush()
