"""Donors merged into another: the donor's merged_into_id and the merge records

Revision ID: 0025_donor_merges
Revises: 0024_volunteer_hour_rates
Create Date: 2026-12-07 16:00:00

A merged donor keeps its row (its id stays taken, an undo finds it) and names the donor it
was merged into; each merge records which rows moved and the survivor's changed fields, so
that it can be undone exactly while its fiscal year is open (fundtrack.income.merge).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0025_donor_merges"
down_revision = "0024_volunteer_hour_rates"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("donors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_donors_merged_into_id_donors"), "donors", ["merged_into_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_donors_merged_into_id"), ["merged_into_id"])
    op.create_table(
        "donor_merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("survivor_id", sa.Integer(), nullable=False),
        sa.Column("merged_id", sa.Integer(), nullable=False),
        sa.Column("merged_at", sa.DateTime(timezone=True),
                  server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("merged_by_id", sa.Integer(), nullable=True),
        sa.Column("moved", sa.JSON(), nullable=False),
        sa.Column("kept", sa.JSON(), nullable=False),
        sa.Column("survivor_before", sa.JSON(), nullable=False),
        sa.Column("survivor_after", sa.JSON(), nullable=False),
        sa.Column("undone_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("undone_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["centre_id"], ["centres.id"],
                                name=op.f("fk_donor_merges_centre_id_centres")),
        sa.ForeignKeyConstraint(["survivor_id"], ["donors.id"],
                                name=op.f("fk_donor_merges_survivor_id_donors"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["merged_id"], ["donors.id"],
                                name=op.f("fk_donor_merges_merged_id_donors"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["merged_by_id"], ["users.id"],
                                name=op.f("fk_donor_merges_merged_by_id_users")),
        sa.ForeignKeyConstraint(["undone_by_id"], ["users.id"],
                                name=op.f("fk_donor_merges_undone_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_donor_merges")),
    )
    with op.batch_alter_table("donor_merges", schema=None) as batch_op:
        batch_op.create_index("ix_donor_merges_centre_at", ["centre_id", "merged_at"])
        batch_op.create_index(batch_op.f("ix_donor_merges_survivor_id"), ["survivor_id"])
        batch_op.create_index(batch_op.f("ix_donor_merges_merged_id"), ["merged_id"])


def downgrade():
    op.drop_table("donor_merges")
    with op.batch_alter_table("donors", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_donors_merged_into_id"))
        batch_op.drop_constraint(batch_op.f("fk_donors_merged_into_id_donors"), type_="foreignkey")
        batch_op.drop_column("merged_into_id")
