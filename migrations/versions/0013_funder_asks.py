"""What a funder asks on a report: organisation numbers, the funder's case number, the signatory

Revision ID: 0013_funder_asks
Revises: 0012_remember_reuse
Create Date: 2026-12-07 11:00:00

Centres and the network get their register number (KvK, Norwegian organisation number);
grants the funder's case number and who signs their reports. All empty until filled in.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0013_funder_asks"
down_revision = "0012_remember_reuse"
branch_labels = None
depends_on = None

COLUMNS = (
    ("network", "organisation_number", 20),
    ("centres", "organisation_number", 20),
    ("grants", "funder_reference", 100),
    ("grants", "signatory", 200),
)


def upgrade():
    for table, column, length in COLUMNS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(column, sa.String(length=length), nullable=False, server_default="")
            )


def downgrade():
    for table, column, _length in reversed(COLUMNS):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(column)
