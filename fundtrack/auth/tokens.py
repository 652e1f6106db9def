"""API tokens: issued once in the clear, stored only as a SHA-256 hash, revocable."""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from fundtrack.auth.models import ApiToken, User
from fundtrack.errors import ValidationError

# A recognisable prefix lets secret scanners and people spot a leaked fundtrack token.
PREFIX = "ft_"
# Writing last_used_at on every request would turn each read into a write; once a minute will do.
TOUCH_EVERY = timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_token(session: Session, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a token for `user`; returns the row and the token, which is never shown again.

    An inactive user gets none: ValidationError on "user".
    """
    if not user.active:
        raise ValidationError("user", f"{user.email} is inactive")
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(user=user, name=(name or "").strip()[:100], token_hash=hash_token(token))
    session.add(row)
    session.flush()
    return row, token


def revoke_token(session: Session, row: ApiToken) -> None:
    """Stop a token from working; the row stays for the record."""
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
        session.flush()


def user_for_token(session: Session, token: str | None) -> User | None:
    """The active user a valid, unrevoked token belongs to, or None.

    Looks the token up by its hash (an index lookup that reveals nothing through timing
    about other tokens) and notes when it was last used.
    """
    if not token or not token.startswith(PREFIX) or len(token) > 200:
        return None
    try:
        digest = hash_token(token)
    except UnicodeEncodeError:
        return None
    row = session.scalars(
        select(ApiToken).where(ApiToken.token_hash == digest, ApiToken.revoked_at.is_(None))
    ).one_or_none()
    if row is None or not row.user.active:
        return None
    now = datetime.now(UTC)
    last = row.last_used_at
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=UTC)  # SQLite hands back naive datetimes
    if last is None or now - last > TOUCH_EVERY:
        row.last_used_at = now
        session.flush()
    return row.user


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens, newest first."""
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        )
    )
