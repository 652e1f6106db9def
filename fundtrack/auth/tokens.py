"""API tokens: issued once in the clear, stored only as a SHA-256 hash, revocable.

A token ends at its expiry, when revoked, and with its user's sessions: a changed password,
e-mail, role or centre, deactivation, "sign out everywhere" and a reset of the second step
revoke every token of the user (`fundtrack.auth.sessions`). A "read" token only reads.
"""

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from fundtrack.auth.models import ApiToken, User
from fundtrack.errors import ValidationError

# A recognisable prefix lets secret scanners and people spot a leaked fundtrack token.
PREFIX = "ft_"
# Writing last_used_at on every request would turn each read into a write; once a minute will do.
TOUCH_EVERY = timedelta(minutes=1)
READ, WRITE = "read", "write"
SCOPES = (READ, WRITE)
DEFAULT_DAYS = 90
MAX_DAYS = 366


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _aware(moment: datetime | None) -> datetime | None:
    if moment is not None and moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)  # SQLite hands back naive datetimes
    return moment


def issue_token(
    session: Session, user: User, name: str = "", scope: str = WRITE, days: int = DEFAULT_DAYS
) -> tuple[ApiToken, str]:
    """Create a token for `user`; returns the row and the token, which is never shown again.

    An inactive user gets none (ValidationError on "user"); the scope is read or write, the
    token lasts 1 to 366 days.
    """
    if not user.active:
        raise ValidationError(
            "user", _l("%(email)s is inactive", email=user.email), code="inactive_user"
        )
    if scope not in SCOPES:
        raise ValidationError(
            "scope", _l("a token reads only, or reads and writes"), code="unknown_scope"
        )
    if not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ValidationError(
            "days", _l("a token lasts 1 to %(days)s days", days=MAX_DAYS), code="token_days"
        )
    token = PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(
        user=user,
        name=(name or "").strip()[:100],
        token_hash=hash_token(token),
        scope=scope,
        expires_at=datetime.now(UTC) + timedelta(days=days),
    )
    session.add(row)
    session.flush()
    return row, token


def revoke_token(session: Session, row: ApiToken) -> None:
    """Stop a token from working; the row stays for the record."""
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
        session.flush()


def revoke_all_statement(user_id: int):
    """The UPDATE that revokes every token of a user (run inside a flush or a session)."""
    return (
        update(ApiToken)
        .where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )


def token_row(session: Session, token: str | None) -> ApiToken | None:
    """The valid token row: unrevoked, unexpired, of an active user; or None.

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
    now = datetime.now(UTC)
    if row is None or not row.user.active or _aware(row.expires_at) <= now:
        return None
    last = _aware(row.last_used_at)
    if last is None or now - last > TOUCH_EVERY:
        row.last_used_at = now
        session.flush()
    return row


def user_for_token(session: Session, token: str | None) -> User | None:
    """The active user a valid token belongs to, or None."""
    row = token_row(session, token)
    return row.user if row is not None else None


def tokens_of(session: Session, user: User) -> list[ApiToken]:
    """The user's tokens, newest first."""
    return list(
        session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        )
    )
