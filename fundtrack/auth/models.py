"""People who sign in, what their role lets them do, and their API tokens."""

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Float, ForeignKey, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from fundtrack.auth.passwords import check_new_password, hash_password, verify_password
from fundtrack.auth.sealed import seal, unseal
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
    # TOTP: the shared secret (base32) once enrolment is confirmed, encrypted at rest with
    # the configured keys (`mfa_secret` reads and writes it in the clear), and the last time
    # step used, so that a code signs in once only.
    mfa_secret_encrypted: Mapped[str | None] = mapped_column(String(255))
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
    def mfa_secret(self) -> str | None:
        """The TOTP secret in the clear; stored encrypted (fundtrack.auth.sealed)."""
        token = self.mfa_secret_encrypted
        return unseal(token) if token is not None else None

    @mfa_secret.setter
    def mfa_secret(self, plain: str | None) -> None:
        self.mfa_secret_encrypted = seal(plain) if plain is not None else None

    @property
    def mfa_enabled(self) -> bool:
        return self.mfa_secret_encrypted is not None and self.mfa_enabled_at is not None

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def sees_all_centres(self) -> bool:
        """The national office, admins and auditors see every centre; a treasurer her own."""
        return self.role in (Role.ADMIN, Role.NATIONAL, Role.AUDITOR)

    @property
    def can_write(self) -> bool:
        """May this user change any rows at all? Auditors only read."""
        return self.role in (Role.ADMIN, Role.NATIONAL, Role.TREASURER)

    @property
    def is_admin(self) -> bool:
        """Accounts, fiscal-year closing and the network's set-up belong to admins."""
        return self.role == Role.ADMIN

    def can_view(self, centre_id: int | None) -> bool:
        """May this user see the rows of that centre?"""
        if self.sees_all_centres:
            return True
        return centre_id is not None and centre_id == self.centre_id

    def can_manage(self, centre_id: int | None) -> bool:
        """May this user change the rows of that centre? Auditors only read."""
        if self.can_manage_network:
            return True
        return self.role == Role.TREASURER and centre_id == self.centre_id

    def can_report_gifts(self, centre_id: int | None) -> bool:
        """May this user read donors' national identity numbers and report their gifts to the
        tax office? The centre's treasurer for its own donors, and the national office."""
        if self.role == Role.NATIONAL:
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
    """A one-time code that stands in for the TOTP app; only its argon2id hash is kept (a
    plain SHA-256 hex digest for codes made before they were salted: fundtrack.auth.mfa)."""

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    used_at: Mapped[datetime | None]


class ThrottleCount(db.Model):
    """A sign-in throttle's count for one key (an address, an account) and its window's end
    (epoch seconds); see fundtrack.auth.throttle_storage."""

    __tablename__ = "throttle_counts"

    key: Mapped[str] = mapped_column(String(700), primary_key=True)
    count: Mapped[int]
    expires_at: Mapped[float] = mapped_column(Float)


class KnownDevice(db.Model):
    """A browser a user has signed in from: the SHA-256 hash of a random id in a long-lived
    cookie of its own (fundtrack.auth.notices). A sign-in from a browser not on this list is
    a new device, which the user is told about."""

    __tablename__ = "known_devices"
    __table_args__ = (UniqueConstraint("user_id", "device_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    device_hash: Mapped[str] = mapped_column(String(64))
    first_seen_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]


class SecurityNotice(db.Model):
    """Something about a user's sign-in they should know of: a new device signed in, their
    second step changed. fundtrack sends no mail: it is shown at their next sign-in (from
    another device than the one it concerns) and on the account page."""

    __tablename__ = "security_notices"
    __table_args__ = (
        CheckConstraint("kind IN ('new_device', 'mfa_on', 'mfa_reset', 'codes_new')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime]
    ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    # The device the change came from (its hash, "" when not from a browser): it is not
    # shown the notice as news at its own next sign-in.
    device_hash: Mapped[str] = mapped_column(String(64), default="")
    seen_at: Mapped[datetime | None]
