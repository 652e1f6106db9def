"""gift agreements: Dutch periodic gifts and Norwegian pledges; the centre's RSIN

Revision ID: 0018_gift_agreements
Revises: 0017_totp_secret_encrypted
Create Date: 2026-12-07 13:30:00

The agreement behind a yearly recurring gift: its kind, transaction number, years and
signing dates (fundtrack.giving). Centres get the RSIN the Dutch agreement form names.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0018_gift_agreements"
down_revision = "0017_totp_secret_encrypted"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("centres", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("rsin", sa.String(length=9), nullable=False, server_default="")
        )
    op.create_table(
        "gift_agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("recurring_gift_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("periodic_gift", "pledge", name="gift_agreement_kind",
                                  native_enum=False, create_constraint=True, length=32),
                  nullable=False),
        sa.Column("transaction_number", sa.String(length=40), nullable=False),
        sa.Column("years", sa.Integer(), nullable=False),
        sa.Column("donor_signed_on", sa.Date(), nullable=False),
        sa.Column("centre_signed_on", sa.Date(), nullable=True),
        sa.Column("centre_signatory", sa.String(length=200), server_default="", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True),
                  server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.CheckConstraint("years >= 1", name=op.f("ck_gift_agreements_years_positive")),
        sa.CheckConstraint("kind != 'periodic_gift' OR years >= 5",
                           name=op.f("ck_gift_agreements_periodic_five_years")),
        sa.CheckConstraint("length(transaction_number) > 0",
                           name=op.f("ck_gift_agreements_transaction_number_given")),
        sa.ForeignKeyConstraint(["centre_id"], ["centres.id"],
                                name=op.f("fk_gift_agreements_centre_id_centres")),
        sa.ForeignKeyConstraint(["recurring_gift_id"], ["recurring_gifts.id"],
                                name=op.f("fk_gift_agreements_recurring_gift_id_recurring_gifts"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gift_agreements")),
        sa.UniqueConstraint("centre_id", "transaction_number",
                            name=op.f("uq_gift_agreements_centre_id_transaction_number")),
        sa.UniqueConstraint("recurring_gift_id",
                            name=op.f("uq_gift_agreements_recurring_gift_id")),
    )
    with op.batch_alter_table("gift_agreements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gift_agreements_centre_id"), ["centre_id"])


def downgrade():
    with op.batch_alter_table("gift_agreements", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gift_agreements_centre_id"))
    op.drop_table("gift_agreements")
    with op.batch_alter_table("centres", schema=None) as batch_op:
        batch_op.drop_column("rsin")
