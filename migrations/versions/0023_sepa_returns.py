"""SEPA returns: a collection item's return (date, reason code, the import that read it) and a
mandate's flag

Revision ID: 0023_sepa_returns
Revises: 0022_income_line_funds
Create Date: 2026-12-07 16:00:00

The bank's returns, refusals and refunds of direct debits come back on the camt.053/054
statement; the import marks the item (and so its instalment) failed with the reason code, and
flags the mandate after the rules of fundtrack.giving.returns.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0023_sepa_returns"
down_revision = "0022_income_line_funds"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("mandates", schema=None) as batch_op:
        batch_op.add_column(sa.Column("flagged_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("flag_reason", sa.String(length=4), nullable=False, server_default="")
        )
    with op.batch_alter_table("collection_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("returned_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("return_reason", sa.String(length=4), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("return_import_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_collection_items_return_import_id_imports"),
            "imports",
            ["return_import_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade():
    with op.batch_alter_table("collection_items", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_collection_items_return_import_id_imports"), type_="foreignkey"
        )
        batch_op.drop_column("return_import_id")
        batch_op.drop_column("return_reason")
        batch_op.drop_column("returned_on")
    with op.batch_alter_table("mandates", schema=None) as batch_op:
        batch_op.drop_column("flag_reason")
        batch_op.drop_column("flagged_on")
