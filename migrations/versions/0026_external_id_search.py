"""external id search: the list's search finds an imported line's id by an index of its own

Revision ID: 0026_external_id_search
Revises: 0025_donor_merges
Create Date: 2026-12-07 16:20:00

The admin income list's search matches the bank's or the file's id whole. The only index
holding it was the unique (centre_id, external_id), whose second column PostgreSQL can only
use by reading the whole index: 8,000 pages at 10 million lines, and a plan costly enough
to be compiled (JIT) on every search. A partial b-tree over the lines that have an id
(imported ones) answers in a few pages on both databases.
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0026_external_id_search"
down_revision = "0025_donor_merges"
branch_labels = None
depends_on = None

HAS_ID = sa.text("external_id IS NOT NULL")


def upgrade():
    op.create_index(
        "ix_income_lines_external_id", "income_lines", ["external_id"],
        postgresql_where=HAS_ID, sqlite_where=HAS_ID,
    )


def downgrade():
    op.drop_index("ix_income_lines_external_id", table_name="income_lines")
