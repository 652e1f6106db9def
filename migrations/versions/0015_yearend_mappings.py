"""yearend mappings: expense groups, journal accounts and year-end settings

Revision ID: 0015_yearend_mappings
Revises: 0014_throttle_counts
Create Date: 2026-12-07 12:50:00

The national office's mappings for the statement of income and expenditure and the
accountant's journal export (fundtrack.yearend). Empty tables: until the office sets them,
the defaults written in fundtrack/yearend/mappings.py apply.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0015_yearend_mappings"
down_revision = "0014_throttle_counts"
branch_labels = None
depends_on = None

COST_CATEGORIES = ("staff", "housing", "activities", "volunteers", "communication",
                   "administration", "other")


def upgrade():
    op.create_table(
        "yearend_expense_groups",
        sa.Column("category", sa.Enum(*COST_CATEGORIES, name="yearend_cost_category",
                                      native_enum=False, create_constraint=True, length=32),
                  nullable=False),
        sa.Column("expense_group", sa.Enum("objectives", "fundraising", "administration",
                                           name="expense_group", native_enum=False,
                                           create_constraint=True, length=32),
                  nullable=False),
        sa.PrimaryKeyConstraint("category", name=op.f("pk_yearend_expense_groups")),
    )
    op.create_table(
        "yearend_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("side", sa.Enum("income", "cost", name="posting_side", native_enum=False,
                                  create_constraint=True, length=32), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=True),
        sa.Column("earmarked_fund_id", sa.Integer(), nullable=True),
        sa.Column("account", sa.String(length=20), nullable=False),
        sa.CheckConstraint("category IS NOT NULL OR earmarked_fund_id IS NOT NULL",
                           name=op.f("ck_yearend_accounts_category_or_fund")),
        sa.CheckConstraint("length(account) > 0",
                           name=op.f("ck_yearend_accounts_account_not_empty")),
        sa.ForeignKeyConstraint(["earmarked_fund_id"], ["earmarked_funds.id"],
                                name=op.f("fk_yearend_accounts_earmarked_fund_id_earmarked_funds"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_yearend_accounts")),
    )
    with op.batch_alter_table("yearend_accounts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_yearend_accounts_earmarked_fund_id"),
                              ["earmarked_fund_id"], unique=False)
    op.create_table(
        "yearend_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clearing_account", sa.String(length=20), nullable=False),
        sa.Column("national_office_funder_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("id = 1", name=op.f("ck_yearend_settings_single_row")),
        sa.CheckConstraint("length(clearing_account) > 0",
                           name=op.f("ck_yearend_settings_clearing_not_empty")),
        sa.ForeignKeyConstraint(["national_office_funder_id"], ["funders.id"],
                                name=op.f("fk_yearend_settings_national_office_funder_id_funders"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_yearend_settings")),
    )


def downgrade():
    op.drop_table("yearend_settings")
    with op.batch_alter_table("yearend_accounts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_yearend_accounts_earmarked_fund_id"))
    op.drop_table("yearend_accounts")
    op.drop_table("yearend_expense_groups")
