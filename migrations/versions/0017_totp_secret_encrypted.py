"""users: the TOTP secret encrypted at rest; recovery codes salted; known devices and
security notices

Revision ID: 0017_totp_secret_encrypted
Revises: 0016_recurring_gifts
Create Date: 2026-12-07 12:50:00

The TOTP secret was stored in the clear. It moves to `mfa_secret_encrypted`, encrypted with
the first of the configured keys (TOTP_SECRET_KEYS, from FUNDTRACK_TOTP_KEYS; development
derives one from SECRET_KEY). A database that holds secrets is refused when no key is
configured, rather than left readable. Recovery codes become argon2id hashes: the column
widens; codes stored unsalted keep working once (fundtrack.auth.mfa). Two new tables tell a
new browser from a known one and keep what the user is told (fundtrack.auth.notices).
"""

from alembic import op
import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet
from flask import current_app, has_app_context


# revision identifiers, used by Alembic.
revision = "0017_totp_secret_encrypted"
down_revision = "0016_recurring_gifts"
branch_labels = None
depends_on = None

users = sa.table(
    "users",
    sa.column("id", sa.Integer),
    sa.column("mfa_secret", sa.String),
    sa.column("mfa_secret_encrypted", sa.String),
)


def _fernet() -> MultiFernet | None:
    keys = current_app.config.get("TOTP_SECRET_KEYS") if has_app_context() else None
    return MultiFernet([Fernet(key) for key in keys]) if keys else None


def _drop_users_column(name: str) -> None:
    # Not through a batch on SQLite: it would copy `users` and drop the old table, and with
    # foreign keys on that drop deletes every session, token and recovery code it holds.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE users DROP COLUMN {name}")
    else:
        op.drop_column("users", name)


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("mfa_secret_encrypted", sa.String(length=255), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(users.c.id, users.c.mfa_secret).where(users.c.mfa_secret.is_not(None))
    ).all()
    fernet = _fernet() if rows else None
    if rows and fernet is None:
        raise RuntimeError(
            "TOTP secrets are stored in the clear and no key is configured to encrypt them:"
            " set FUNDTRACK_TOTP_KEYS (see deploy/fundtrack.env.example) and upgrade"
            " again"
        )
    for user_id, secret in rows:
        connection.execute(
            users.update()
            .where(users.c.id == user_id)
            .values(mfa_secret_encrypted=fernet.encrypt(secret.encode("utf-8")).decode("ascii"))
        )
    _drop_users_column("mfa_secret")

    with op.batch_alter_table("recovery_codes", schema=None) as batch_op:
        batch_op.alter_column(
            "code_hash",
            existing_type=sa.String(length=64),
            type_=sa.String(length=255),
            existing_nullable=False,
        )

    op.create_table(
        "known_devices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("device_hash", sa.String(length=64), nullable=False),
        sa.Column("first_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_known_devices_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_known_devices")),
        sa.UniqueConstraint(
            "user_id", "device_hash", name=op.f("uq_known_devices_user_id_device_hash")
        ),
    )
    with op.batch_alter_table("known_devices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_known_devices_user_id"), ["user_id"], unique=False)

    op.create_table(
        "security_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ip", sa.String(length=45), nullable=False),
        sa.Column("user_agent", sa.String(length=200), nullable=False),
        sa.Column("device_hash", sa.String(length=64), nullable=False),
        sa.Column("seen_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "kind IN ('new_device', 'mfa_on', 'mfa_reset', 'codes_new')",
            name=op.f("ck_security_notices_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_security_notices_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_notices")),
    )
    with op.batch_alter_table("security_notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_security_notices_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("security_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_security_notices_user_id"))
    op.drop_table("security_notices")
    with op.batch_alter_table("known_devices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_known_devices_user_id"))
    op.drop_table("known_devices")
    # Salted recovery codes do not fit the old column, and cannot be turned back: dropped.
    op.execute("DELETE FROM recovery_codes WHERE code_hash LIKE '$argon2%'")
    with op.batch_alter_table("recovery_codes", schema=None) as batch_op:
        batch_op.alter_column(
            "code_hash",
            existing_type=sa.String(length=255),
            type_=sa.String(length=64),
            existing_nullable=False,
        )
    op.add_column("users", sa.Column("mfa_secret", sa.String(length=64), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(users.c.id, users.c.mfa_secret_encrypted).where(
            users.c.mfa_secret_encrypted.is_not(None)
        )
    ).all()
    fernet = _fernet() if rows else None
    for user_id, token in rows:
        connection.execute(
            users.update()
            .where(users.c.id == user_id)
            .values(mfa_secret=fernet.decrypt(token.encode("ascii")).decode("utf-8"))
        )
    _drop_users_column("mfa_secret_encrypted")
