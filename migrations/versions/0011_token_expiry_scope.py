"""api_tokens: an expiry and a scope (read or write)

Revision ID: 0011_token_expiry_scope
Revises: 0010_actuals_declared
Create Date: 2026-12-07 10:50:00

Tokens made before this had neither. They keep what they could do (write) and end 90 days
after this upgrade; new ones are read-only unless asked otherwise and end when chosen.
"""
from datetime import UTC, datetime, timedelta

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0011_token_expiry_scope"
down_revision = "0010_actuals_declared"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("scope", sa.String(length=5), nullable=True))
    op.get_bind().execute(
        sa.text("UPDATE api_tokens SET expires_at = :end, scope = 'write'"),
        {"end": datetime.now(UTC) + timedelta(days=90)},
    )
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.alter_column("expires_at", existing_type=sa.DateTime(timezone=True),
                              nullable=False)
        batch_op.alter_column("scope", existing_type=sa.String(length=5), nullable=False)
        batch_op.create_check_constraint(op.f("ck_api_tokens_scope"),
                                         "scope IN ('read', 'write')")


def downgrade():
    with op.batch_alter_table("api_tokens", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_api_tokens_scope"), type_="check")
        batch_op.drop_column("scope")
        batch_op.drop_column("expires_at")
