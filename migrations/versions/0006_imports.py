"""imports: files imported into a centre's income, and the choices a centre remembers

Revision ID: 0006_imports
Revises: 0005_lists
Create Date: 2026-12-01 13:42:10

Each imported file is a row of `imports` (its name as shown, SHA-256, counts, user, centre,
state); the income lines it booked carry its id, so it can be undone as a whole.
`import_profiles` keeps a centre's confirmed column mappings and counterparty matches.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_imports'
down_revision = '0005_lists'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('import_profiles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=600), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_import_profiles_centre_id_centres'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_profiles')),
    sa.UniqueConstraint('centre_id', 'key', name=op.f('uq_import_profiles_centre_id_key'))
    )
    op.create_table('imports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('uploaded', 'previewing', 'previewed', 'booking', 'booked', 'undone', 'failed', 'abandoned', name='import_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('token', sa.String(length=32), nullable=True),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=False),
    sa.Column('rows_booked', sa.Integer(), nullable=False),
    sa.Column('rows_duplicate', sa.Integer(), nullable=False),
    sa.Column('rows_skipped', sa.Integer(), nullable=False),
    sa.Column('rows_error', sa.Integer(), nullable=False),
    sa.Column('new_donors', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.JSON(), nullable=True),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('booked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('length(sha256) = 64', name=op.f('ck_imports_sha256_hex')),
    sa.CheckConstraint('rows_total >= 0 AND rows_booked >= 0 AND rows_duplicate >= 0 AND rows_skipped >= 0 AND rows_error >= 0 AND new_donors >= 0', name=op.f('ck_imports_counts')),
    sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_imports_centre_id_centres')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_imports_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_imports'))
    )
    with op.batch_alter_table('imports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_imports_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_imports_sha256'), ['sha256'], unique=False)

    with op.batch_alter_table('income_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('import_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_income_lines_import_id'), ['import_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_income_lines_import_id_imports'), 'imports', ['import_id'], ['id'])



def downgrade():
    with op.batch_alter_table('income_lines', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_income_lines_import_id_imports'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_income_lines_import_id'))
        batch_op.drop_column('import_id')

    with op.batch_alter_table('imports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_imports_sha256'))
        batch_op.drop_index(batch_op.f('ix_imports_centre_id'))

    op.drop_table('imports')
    op.drop_table('import_profiles')
