"""actuals_declarations: a centre-year's actual costs declared complete

Revision ID: 0010_actuals_declared
Revises: 0009_onboardings
Create Date: 2026-12-07 10:00:00

Until now a year's costs were its actuals as soon as one actual cost line existed. From now
on a centre-year stands on its budget until its actuals are declared complete. What was
already on actuals keeps them where that was right: a closed year, or a year that has
ended, with actual lines counts as declared; the running year does not, so a few actual
lines booked so far no longer replace its whole budget.
"""
from datetime import date

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0010_actuals_declared"
down_revision = "0009_onboardings"
branch_labels = None
depends_on = None


def _running_year(bind) -> int | None:
    month = bind.execute(sa.text("SELECT fiscal_year_start_month FROM network")).scalar()
    if month is None:
        return None
    today = date.today()
    return today.year if today.month >= month else today.year - 1


def upgrade():
    op.create_table(
        "actuals_declarations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("declared_at", sa.DateTime(timezone=True),
                  server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("declared_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("year BETWEEN 1900 AND 2999",
                           name=op.f("ck_actuals_declarations_year_range")),
        sa.ForeignKeyConstraint(["centre_id"], ["centres.id"],
                                name=op.f("fk_actuals_declarations_centre_id_centres")),
        sa.ForeignKeyConstraint(["declared_by_id"], ["users.id"],
                                name=op.f("fk_actuals_declarations_declared_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_actuals_declarations")),
        sa.UniqueConstraint("centre_id", "year",
                            name=op.f("uq_actuals_declarations_centre_id_year")),
    )
    with op.batch_alter_table("actuals_declarations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_actuals_declarations_centre_id"), ["centre_id"],
                              unique=False)

    bind = op.get_bind()
    running = _running_year(bind)
    if running is None:
        return  # no network yet, so no lines either
    bind.execute(
        sa.text(
            "INSERT INTO actuals_declarations (centre_id, year) "
            "SELECT DISTINCT centre_id, year FROM cost_lines WHERE kind = 'actual' "
            "AND (year < :running OR year IN (SELECT year FROM fiscal_year_locks))"
        ),
        {"running": running},
    )


def downgrade():
    with op.batch_alter_table("actuals_declarations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_actuals_declarations_centre_id"))
    op.drop_table("actuals_declarations")
