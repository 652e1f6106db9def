"""reports: PDFs sent to grant makers, report drafts (narratives), report jobs

Revision ID: 0003_reports
Revises: 0002_grants
Create Date: 2026-12-01 13:07:29.281637

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_reports'
down_revision = '0002_grants'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('report_jobs',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('queued', 'running', 'done', 'failed', name='job_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('done', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('done >= 0 AND total >= 0', name=op.f('ck_report_jobs_counts')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_report_jobs_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_jobs'))
    )
    with op.batch_alter_table('report_jobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_jobs_user_id'), ['user_id'], unique=False)

    op.create_table('report_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('obligation_id', sa.Integer(), nullable=False),
    sa.Column('narrative', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint("language IN ('nl', 'nb', 'en')", name=op.f('ck_report_drafts_language')),
    sa.ForeignKeyConstraint(['obligation_id'], ['grant_report_obligations.id'], name=op.f('fk_report_drafts_obligation_id_grant_report_obligations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_report_drafts')),
    sa.UniqueConstraint('obligation_id', name=op.f('uq_report_drafts_obligation_id'))
    )
    op.create_table('sent_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('obligation_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('sent_by_id', sa.Integer(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_sent_reports_sha256_hex')),
    sa.CheckConstraint('size > 0', name=op.f('ck_sent_reports_not_empty')),
    sa.ForeignKeyConstraint(['obligation_id'], ['grant_report_obligations.id'], name=op.f('fk_sent_reports_obligation_id_grant_report_obligations')),
    sa.ForeignKeyConstraint(['sent_by_id'], ['users.id'], name=op.f('fk_sent_reports_sent_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sent_reports')),
    sa.UniqueConstraint('obligation_id', name=op.f('uq_sent_reports_obligation_id'))
    )


def downgrade():
    op.drop_table('sent_reports')
    op.drop_table('report_drafts')
    with op.batch_alter_table('report_jobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_jobs_user_id'))

    op.drop_table('report_jobs')
