"""throttle_counts: sign-in throttle counts in the database, shared by every worker

Revision ID: 0014_throttle_counts
Revises: 0013_funder_asks
Create Date: 2026-12-07 11:15:00
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0014_throttle_counts"
down_revision = "0013_funder_asks"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "throttle_counts",
        sa.Column("key", sa.String(length=700), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_throttle_counts")),
    )


def downgrade():
    op.drop_table("throttle_counts")
