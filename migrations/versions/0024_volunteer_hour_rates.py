"""volunteer_hour_rates: the value of a volunteer hour from a day on, so in-kind hours keep the rate in force when given

Revision ID: 0024_volunteer_hour_rates
Revises: 0023_sepa_returns
Create Date: 2026-12-07 16:00:00

Grant reports valued every volunteer hour at the network's current rate, so raising it re-valued
hours given years before. The network's rate stays its current setting; this table keeps its
history, written by the settings operation. A network that already has a rate gets it as the
first row, from the day of the upgrade (hours given earlier count at the earliest rate known).
"""
from datetime import date

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0024_volunteer_hour_rates"
down_revision = "0023_sepa_returns"
branch_labels = None
depends_on = None


def upgrade():
    rates = op.create_table(
        "volunteer_hour_rates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("rate", sa.Numeric(14, 2), nullable=False),
        sa.CheckConstraint("rate > 0", name=op.f("ck_volunteer_hour_rates_rate_positive")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_volunteer_hour_rates")),
        sa.UniqueConstraint("valid_from", name=op.f("uq_volunteer_hour_rates_valid_from")),
    )
    rate = op.get_bind().execute(
        sa.text("SELECT volunteer_hour_rate FROM network WHERE volunteer_hour_rate IS NOT NULL")
    ).scalar()
    if rate is not None:
        op.bulk_insert(rates, [{"valid_from": date.today(), "rate": rate}])


def downgrade():
    op.drop_table("volunteer_hour_rates")
