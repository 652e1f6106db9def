"""user_sessions: the remember token it replaced, and when

Revision ID: 0012_remember_reuse
Revises: 0011_token_expiry_scope
Create Date: 2026-12-07 11:05:00

Two requests that carry the same remember token at once (two tabs opening, a prefetch) used
to sign the user out: the first replaced the token, the second found it unknown and deleted
the cookie. The replaced token's hash is kept, and honoured for a few seconds.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0012_remember_reuse"
down_revision = "0011_token_expiry_scope"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("previous_remember_hash", sa.String(length=64),
                                      nullable=True))
        batch_op.add_column(sa.Column("remember_rotated_at", sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.create_index(batch_op.f("ix_user_sessions_previous_remember_hash"),
                              ["previous_remember_hash"], unique=False)


def downgrade():
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_sessions_previous_remember_hash"))
        batch_op.drop_column("remember_rotated_at")
        batch_op.drop_column("previous_remember_hash")
