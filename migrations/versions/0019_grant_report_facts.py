"""What a funder asks of a grant report: dated spending, unused money, in-kind co-funding, goal
measurements and interim report periods

Revision ID: 0019_grant_report_facts
Revises: 0018_gift_agreements
Create Date: 2026-12-07 13:00:00

Cost lines get the day they were spent; grants the decision on money not used; the network the
rate of a volunteer hour; goals a baseline and a deadline, with dated measurements per office;
volunteer hours given to a grant; report duties the period an interim report covers. All empty
until filled in.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0019_grant_report_facts"
down_revision = "0018_gift_agreements"
branch_labels = None
depends_on = None

MONEY = sa.Numeric(precision=14, scale=2)


def upgrade():
    with op.batch_alter_table("cost_lines", schema=None) as batch_op:
        batch_op.add_column(sa.Column("spent_on", sa.Date(), nullable=True))
    with op.batch_alter_table("network", schema=None) as batch_op:
        batch_op.add_column(sa.Column("volunteer_hour_rate", MONEY, nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_network_hour_rate_positive"),
            "volunteer_hour_rate IS NULL OR volunteer_hour_rate > 0",
        )
    with op.batch_alter_table("grants", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unspent_decision", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("unspent_amount", MONEY, nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_grants_unspent_decision"),
            "unspent_decision IN ('returned', 'to_return', 'kept')",
        )
        batch_op.create_check_constraint(
            op.f("ck_grants_unspent_decided"),
            "(unspent_decision IS NULL) = (unspent_amount IS NULL)",
        )
        batch_op.create_check_constraint(
            op.f("ck_grants_unspent_positive"), "unspent_amount IS NULL OR unspent_amount >= 0"
        )
    with op.batch_alter_table("grant_goals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("baseline", MONEY, nullable=True))
        batch_op.add_column(sa.Column("deadline", sa.Date(), nullable=True))
    with op.batch_alter_table("grant_report_obligations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("period_start", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("period_end", sa.Date(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_grant_report_obligations_period_in_order"),
            "period_start IS NULL OR period_end IS NULL OR period_end >= period_start",
        )

    op.create_table('grant_goal_measurements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=True),
    sa.Column('measured_on', sa.Date(), nullable=False),
    sa.Column('value', MONEY, nullable=False),
    sa.CheckConstraint('value >= 0', name=op.f('ck_grant_goal_measurements_value_not_negative')),
    sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_grant_goal_measurements_centre_id_centres')),
    sa.ForeignKeyConstraint(['goal_id'], ['grant_goals.id'], name=op.f('fk_grant_goal_measurements_goal_id_grant_goals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_goal_measurements')),
    sa.UniqueConstraint('goal_id', 'centre_id', 'measured_on', name=op.f('uq_grant_goal_measurements_goal_id_centre_id_measured_on')),
    )
    with op.batch_alter_table('grant_goal_measurements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_goal_measurements_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_goal_measurements_goal_id'), ['goal_id'], unique=False)

    op.create_table('grant_in_kind',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('grant_id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=True),
    sa.Column('given_on', sa.Date(), nullable=False),
    sa.Column('description', sa.String(length=300), nullable=False),
    sa.Column('hours', MONEY, nullable=False),
    sa.CheckConstraint('hours > 0', name=op.f('ck_grant_in_kind_hours_positive')),
    sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_grant_in_kind_centre_id_centres')),
    sa.ForeignKeyConstraint(['grant_id'], ['grants.id'], name=op.f('fk_grant_in_kind_grant_id_grants'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_grant_in_kind')),
    )
    with op.batch_alter_table('grant_in_kind', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_grant_in_kind_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_grant_in_kind_grant_id'), ['grant_id'], unique=False)


def downgrade():
    with op.batch_alter_table('grant_in_kind', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_in_kind_grant_id'))
        batch_op.drop_index(batch_op.f('ix_grant_in_kind_centre_id'))
    op.drop_table('grant_in_kind')
    with op.batch_alter_table('grant_goal_measurements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grant_goal_measurements_goal_id'))
        batch_op.drop_index(batch_op.f('ix_grant_goal_measurements_centre_id'))
    op.drop_table('grant_goal_measurements')
    with op.batch_alter_table("grant_report_obligations", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_grant_report_obligations_period_in_order"),
                                 type_="check")
        batch_op.drop_column("period_end")
        batch_op.drop_column("period_start")
    with op.batch_alter_table("grant_goals", schema=None) as batch_op:
        batch_op.drop_column("deadline")
        batch_op.drop_column("baseline")
    with op.batch_alter_table("grants", schema=None) as batch_op:
        for name in ("unspent_positive", "unspent_decided", "unspent_decision"):
            batch_op.drop_constraint(op.f(f"ck_grants_{name}"), type_="check")
        batch_op.drop_column("unspent_amount")
        batch_op.drop_column("unspent_decision")
    with op.batch_alter_table("network", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_network_hour_rate_positive"), type_="check")
        batch_op.drop_column("volunteer_hour_rate")
    with op.batch_alter_table("cost_lines", schema=None) as batch_op:
        batch_op.drop_column("spent_on")
