"""accounts: server-side sessions, the second sign-in step, four eyes on structural income

Revision ID: 0004_accounts
Revises: 0003_reports
Create Date: 2026-12-01 14:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004_accounts'
down_revision = '0003_reports'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_sessions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sid_hash', sa.String(length=64), nullable=False),
    sa.Column('remember_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ip', sa.String(length=45), nullable=False),
    sa.Column('user_agent', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_user_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_sessions')),
    sa.UniqueConstraint('remember_hash', name=op.f('uq_user_sessions_remember_hash')),
    sa.UniqueConstraint('sid_hash', name=op.f('uq_user_sessions_sid_hash'))
    )
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_sessions_user_id'), ['user_id'], unique=False)

    op.create_table('recovery_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_recovery_codes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_recovery_codes')),
    sa.UniqueConstraint('user_id', 'code_hash', name=op.f('uq_recovery_codes_user_id_code_hash'))
    )
    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recovery_codes_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mfa_secret', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('mfa_enabled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('mfa_last_step', sa.Integer(), nullable=True))

    with op.batch_alter_table('funders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('centre_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_funders_centre_id'), ['centre_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_funders_centre_id_centres'), 'centres', ['centre_id'], ['id'])

    with op.batch_alter_table('funding_agreements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('awaiting_confirmation', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('funding_agreements', schema=None) as batch_op:
        batch_op.drop_column('awaiting_confirmation')

    with op.batch_alter_table('funders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_funders_centre_id_centres'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_funders_centre_id'))
        batch_op.drop_column('centre_id')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('mfa_last_step')
        batch_op.drop_column('mfa_enabled_at')
        batch_op.drop_column('mfa_secret')

    with op.batch_alter_table('recovery_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recovery_codes_user_id'))

    op.drop_table('recovery_codes')
    with op.batch_alter_table('user_sessions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_sessions_user_id'))

    op.drop_table('user_sessions')
