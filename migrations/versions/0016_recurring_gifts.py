"""recurring gifts and their instalments

Revision ID: 0016_recurring_gifts
Revises: 0015_yearend_mappings
Create Date: 2026-12-07 13:00:00

A donor's recurring gift (monthly, quarterly, yearly) and one row per instalment expected
from it, which the income line that paid it points at (fundtrack.giving).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0016_recurring_gifts"
down_revision = "0015_yearend_mappings"
branch_labels = None
depends_on = None


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade():
    op.create_table(
        "recurring_gifts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("donor_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("frequency", _enum("gift_frequency", "monthly", "quarterly", "yearly"),
                  nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("earmarked_fund_id", sa.Integer(), nullable=True),
        sa.Column("payment_method",
                  _enum("payment_method", "bank_transfer", "direct_debit", "other"),
                  nullable=False),
        sa.Column("reference", sa.String(length=200), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True),
                  server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_recurring_gifts_amount_positive")),
        sa.CheckConstraint("length(currency) = 3", name=op.f("ck_recurring_gifts_currency_code")),
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date",
                           name=op.f("ck_recurring_gifts_end_after_start")),
        sa.ForeignKeyConstraint(["centre_id"], ["centres.id"],
                                name=op.f("fk_recurring_gifts_centre_id_centres")),
        sa.ForeignKeyConstraint(["donor_id"], ["donors.id"],
                                name=op.f("fk_recurring_gifts_donor_id_donors")),
        sa.ForeignKeyConstraint(["earmarked_fund_id"], ["earmarked_funds.id"],
                                name=op.f("fk_recurring_gifts_earmarked_fund_id_earmarked_funds")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recurring_gifts")),
    )
    with op.batch_alter_table("recurring_gifts", schema=None) as batch_op:
        for column in ("centre_id", "donor_id", "earmarked_fund_id"):
            batch_op.create_index(batch_op.f(f"ix_recurring_gifts_{column}"), [column])

    op.create_table(
        "instalments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recurring_gift_id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("income_line_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("amount > 0", name=op.f("ck_instalments_amount_positive")),
        sa.ForeignKeyConstraint(["recurring_gift_id"], ["recurring_gifts.id"],
                                name=op.f("fk_instalments_recurring_gift_id_recurring_gifts"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["centre_id"], ["centres.id"],
                                name=op.f("fk_instalments_centre_id_centres")),
        sa.ForeignKeyConstraint(["income_line_id"], ["income_lines.id"],
                                name=op.f("fk_instalments_income_line_id_income_lines"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_instalments")),
        sa.UniqueConstraint("recurring_gift_id", "due_date",
                            name=op.f("uq_instalments_recurring_gift_id_due_date")),
        sa.UniqueConstraint("income_line_id", name=op.f("uq_instalments_income_line_id")),
    )
    with op.batch_alter_table("instalments", schema=None) as batch_op:
        batch_op.create_index("ix_instalments_centre_due", ["centre_id", "due_date"])


def downgrade():
    with op.batch_alter_table("instalments", schema=None) as batch_op:
        batch_op.drop_index("ix_instalments_centre_due")
    op.drop_table("instalments")
    with op.batch_alter_table("recurring_gifts", schema=None) as batch_op:
        for column in ("earmarked_fund_id", "donor_id", "centre_id"):
            batch_op.drop_index(batch_op.f(f"ix_recurring_gifts_{column}"))
    op.drop_table("recurring_gifts")
