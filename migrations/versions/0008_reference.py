"""reference: an import finds lines already booked under a bank reference by index

Revision ID: 0008_reference
Revises: 0007_summary
Create Date: 2026-12-01 16:10:00

Before booking, an import looks up its entries' bank references among the centre's lines,
a window of thousands at a time, and again at the commit. The trigram index on `reference`
(0005_lists) serves the lists' search, and PostgreSQL would also take it for equality at
seconds per thousand; a b-tree on (centre, reference) answers in milliseconds on both
databases however many lines the centre has.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0008_reference"
down_revision = "0007_summary"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_income_lines_centre_reference", "income_lines", ["centre_id", "reference"]
    )


def downgrade():
    op.drop_index("ix_income_lines_centre_reference", table_name="income_lines")
