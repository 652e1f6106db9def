"""People who sign in, what their role lets them do, and their API tokens."""

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates
from werkzeug.security import check_password_hash, generate_password_hash

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

    centre: Mapped[Centre | None] = relationship()

    @validates("email")
    def _normalise_email(self, _key, value: str) -> str:
        return normalise_email(value)

    @validates("locale")
    def _check_locale(self, _key, value: str | None) -> str | None:
        # An unknown locale would break every page this user opens.
        return check_locale(value) if value else None

    def set_password(self, password: str) -> None:
        if len(password) < 10:
            raise ValueError("password: at least 10 characters")
        # Werkzeug's default is scrypt with a random salt.
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

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
    """A bearer token for the API; only its SHA-256 hash is kept."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(server_default=func.now())
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
