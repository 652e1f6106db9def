"""onboardings: what a committed onboarding workbook created, to undo it as a whole

Revision ID: 0009_onboardings
Revises: 0008_reference
Create Date: 2026-12-02 09:00:00

The national office's onboarding workbook creates regions, centres, funders, agreements,
cost lines and income lines; each commit is a row of `onboardings` holding, per sheet, the
ids it created, so that the whole workbook can be taken back while its years are open.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0009_onboardings"
down_revision = "0008_reference"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "onboardings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column(
            "state",
            sa.Enum("booked", "undone", name="onboarding_state", native_enum=False,
                    create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("created", sa.JSON(), nullable=False),
        sa.Column("booked_at", sa.DateTime(timezone=True),
                  server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("length(sha256) = 64", name=op.f("ck_onboardings_sha256_hex")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_onboardings_user_id_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_onboardings")),
    )
    with op.batch_alter_table("onboardings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_onboardings_sha256"), ["sha256"], unique=False)


def downgrade():
    with op.batch_alter_table("onboardings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_onboardings_sha256"))
    op.drop_table("onboardings")
