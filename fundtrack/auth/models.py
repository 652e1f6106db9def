"""People who sign in, what their role lets them do, and their API tokens."""

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Float, ForeignKey, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from fundtrack.auth.passwords import check_new_password, hash_password, verify_password
from fundtrack.centres.models import Centre
from fundtrack.emails import normalise_email
from fundtrack.enums import enum_column
from fundtrack.extensions import db
from fundtrack.money import check_locale


class Role(enum.StrEnum):
    ADMIN = "admin"
    NATIONAL = "national"
    TREASURER = "treasurer"
    AUDITOR = "auditor"


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        # A treasurer belongs to exactly one centre; the other roles to none.
        CheckConstraint(
            "(role = 'treasurer') = (centre_id IS NOT NULL)", name="treasurer_has_centre"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"), index=True)
    locale: Mapped[str | None] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    # TOTP: the shared secret (base32) once enrolment is confirmed, and the last time step
    # used, so that a code signs in once only.
    mfa_secret: Mapped[str | None] = mapped_column(String(64))
    mfa_enabled_at: Mapped[datetime | None]
    mfa_last_step: Mapped[int | None]

    centre: Mapped[Centre | None] = relationship()

    @validates("email")
    def _normalise_email(self, _key, value: str) -> str:
        return normalise_email(value)

    @validates("locale")
    def _check_locale(self, _key, value: str | None) -> str | None:
        # An unknown locale would break every page this user opens.
        return check_locale(value) if value else None

    def set_password(self, password: str) -> None:
        """Refuse a short or common password (WeakPassword); store an argon2id hash.

        Changing the hash ends every session of the user (fundtrack.auth.sessions).
        """
        check_new_password(password, self.email or "", self.name or "")
        self.password_hash = hash_password(password)

    def check_password(self, password: str) -> bool:
        return verify_password(self.password_hash, password)

    @property
    def mfa_enabled(self) -> bool:
        return self.mfa_secret is not None and self.mfa_enabled_at is not None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def sees_all_centres(self) -> bool:
        return self.role in (Role.ADMIN, Role.NATIONAL, Role.AUDITOR)

    def can_view(self, centre_id: int | None) -> bool:
        """May this user see the rows of that centre?"""
        if self.sees_all_centres:
            return True
        return centre_id is not None and centre_id == self.centre_id

    def can_manage(self, centre_id: int | None) -> bool:
        """May this user change the rows of that centre? Auditors only read."""
        if self.role in (Role.ADMIN, Role.NATIONAL):
            return True
        return self.role == Role.TREASURER and centre_id == self.centre_id

    @property
    def can_manage_network(self) -> bool:
        """Rules, locks, regions, centres and funders' types belong to the national office."""
        return self.role in (Role.ADMIN, Role.NATIONAL)

    def __str__(self) -> str:
        return self.email


class ApiToken(db.Model):
    """A bearer token for the API; only its SHA-256 hash is kept. It ends at `expires_at`,
    when revoked, and with the user's sessions; a "read" token only reads."""

    __tablename__ = "api_tokens"
    __table_args__ = (CheckConstraint("scope IN ('read', 'write')", name="scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    expires_at: Mapped[datetime]
    scope: Mapped[str] = mapped_column(String(5))

    user: Mapped[User] = relationship()


class UserSession(db.Model):
    """One sign-in: the server's record of a browser session, which it can end.

    The browser holds the session id (in Flask's signed cookie) and, with "keep me signed
    in", a remember token in a cookie of its own; the table holds only their SHA-256 hashes.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sid_hash: Mapped[str] = mapped_column(String(64), unique=True)
    remember_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    # The remember token this one replaced, honoured for a few seconds after `rotated_at`:
    # two requests sent at once with the same token must not sign the user out.
    previous_remember_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    remember_rotated_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped[User] = relationship()


class RecoveryCode(db.Model):
    """A one-time code that stands in for the TOTP app; only its SHA-256 hash is kept."""

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]


class ThrottleCount(db.Model):
    """A sign-in throttle's count for one key (an address, an account) and its window's end
    (epoch seconds); see fundtrack.auth.throttle_storage."""

    __tablename__ = "throttle_counts"

    key: Mapped[str] = mapped_column(String(700), primary_key=True)
    count: Mapped[int]
    expires_at: Mapped[float] = mapped_column(Float)
