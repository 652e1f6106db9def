"""lists: a page of the income list without reading the ledger

Revision ID: 0005_lists
Revises: 0004_accounts
Create Date: 2026-12-01 15:00:00

The income list sorts by booking date (a treasurer's by centre and booking date): two
b-tree indexes let a page read 50 rows, not sort a million. On PostgreSQL, trigram (pg_trgm)
GIN indexes serve the list's ILIKE '%term%' search on references, descriptions, donors' and
funders' names; SQLite has no such index and scans (it holds small books). The trigram
indexes are not in the models: migrations/env.py leaves names ending in _trgm out of the
comparison, so `db check` reports no drift on either database.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0005_lists'
down_revision = '0004_accounts'
branch_labels = None
depends_on = None

TRIGRAM = [
    ("ix_income_lines_reference_trgm", "income_lines", "reference"),
    ("ix_income_lines_description_trgm", "income_lines", "description"),
    ("ix_donors_name_trgm", "donors", "name"),
    ("ix_funders_name_trgm", "funders", "name"),
]


def upgrade():
    with op.batch_alter_table('income_lines', schema=None) as batch_op:
        batch_op.create_index('ix_income_lines_booking_date', ['booking_date', 'id'], unique=False)
        batch_op.create_index(
            'ix_income_lines_centre_booking', ['centre_id', 'booking_date', 'id'], unique=False
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for name, table, column in TRIGRAM:
            op.execute(f"CREATE INDEX {name} ON {table} USING gin ({column} gin_trgm_ops)")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for name, _table, _column in TRIGRAM:
            op.execute(f"DROP INDEX IF EXISTS {name}")
    with op.batch_alter_table('income_lines', schema=None) as batch_op:
        batch_op.drop_index('ix_income_lines_centre_booking')
        batch_op.drop_index('ix_income_lines_booking_date')
