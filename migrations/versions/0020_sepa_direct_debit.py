"""SEPA direct debit: mandates, collections and their items; the centre's creditor id and account

Revision ID: 0020_sepa_direct_debit
Revises: 0019_grant_report_facts
Create Date: 2026-12-07 14:00:00

A donor's mandate, a collection per date (one pain.008 file) and one item per instalment
collected, which a unique constraint keeps to one ever (fundtrack.giving.sepa). Centres get
their SEPA creditor identifier and the account collections are paid into.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0020_sepa_direct_debit"
down_revision = "0019_grant_report_facts"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("centres", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("creditor_id", sa.String(length=35), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("iban", sa.String(length=34), nullable=False, server_default="")
        )
    op.create_table(
        "mandates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("donor_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=35), nullable=False),
        sa.Column("signed_on", sa.Date(), nullable=False),
        sa.Column("iban", sa.String(length=34), nullable=False),
        sa.Column("amended_on", sa.Date(), nullable=True),
        sa.Column("revoked_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True),
                  server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.CheckConstraint("length(reference) > 0", name=op.f("ck_mandates_reference_given")),
        sa.ForeignKeyConstraint(["centre_id"], ["centres.id"],
                                name=op.f("fk_mandates_centre_id_centres")),
        sa.ForeignKeyConstraint(["donor_id"], ["donors.id"],
                                name=op.f("fk_mandates_donor_id_donors")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_mandates")),
        sa.UniqueConstraint("centre_id", "reference",
                            name=op.f("uq_mandates_centre_id_reference")),
    )
    with op.batch_alter_table("mandates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_mandates_centre_id"), ["centre_id"])
        batch_op.create_index(batch_op.f("ix_mandates_donor_id"), ["donor_id"])
    op.create_table(
        "collections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("collection_date", sa.Date(), nullable=False),
        sa.Column("message_id", sa.String(length=35), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True),
                  server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.ForeignKeyConstraint(["centre_id"], ["centres.id"],
                                name=op.f("fk_collections_centre_id_centres")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collections")),
        sa.UniqueConstraint("message_id", name=op.f("uq_collections_message_id")),
    )
    with op.batch_alter_table("collections", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_collections_centre_id"), ["centre_id"])
    op.create_table(
        "collection_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("collection_id", sa.Integer(), nullable=False),
        sa.Column("instalment_id", sa.Integer(), nullable=False),
        sa.Column("mandate_id", sa.Integer(), nullable=False),
        sa.Column("sequence", sa.Enum("FRST", "RCUR", name="sepa_sequence", native_enum=False,
                                      create_constraint=True, length=32), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("end_to_end_id", sa.String(length=35), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_collection_items_amount_positive")),
        sa.ForeignKeyConstraint(["collection_id"], ["collections.id"],
                                name=op.f("fk_collection_items_collection_id_collections")),
        sa.ForeignKeyConstraint(["instalment_id"], ["instalments.id"],
                                name=op.f("fk_collection_items_instalment_id_instalments")),
        sa.ForeignKeyConstraint(["mandate_id"], ["mandates.id"],
                                name=op.f("fk_collection_items_mandate_id_mandates")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection_items")),
        sa.UniqueConstraint("instalment_id", name=op.f("uq_collection_items_instalment_id")),
        sa.UniqueConstraint("end_to_end_id", name=op.f("uq_collection_items_end_to_end_id")),
    )
    with op.batch_alter_table("collection_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_collection_items_collection_id"), ["collection_id"])
        batch_op.create_index(batch_op.f("ix_collection_items_mandate_id"), ["mandate_id"])


def downgrade():
    with op.batch_alter_table("collection_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_collection_items_mandate_id"))
        batch_op.drop_index(batch_op.f("ix_collection_items_collection_id"))
    op.drop_table("collection_items")
    with op.batch_alter_table("collections", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_collections_centre_id"))
    op.drop_table("collections")
    with op.batch_alter_table("mandates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_mandates_donor_id"))
        batch_op.drop_index(batch_op.f("ix_mandates_centre_id"))
    op.drop_table("mandates")
    with op.batch_alter_table("centres", schema=None) as batch_op:
        batch_op.drop_column("iban")
        batch_op.drop_column("creditor_id")
