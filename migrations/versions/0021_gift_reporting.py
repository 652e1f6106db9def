"""Donors' national identity numbers (encrypted) and the runs of the Norwegian gift report

Revision ID: 0021_gift_reporting
Revises: 0020_sepa_direct_debit
Create Date: 2026-12-07 16:30:00

A table of its own for a donor's fødselsnummer, D-number, organisation number or BSN (sealed
with the keys of fundtrack.auth.sealed, the last digits in the clear for the masked form) and
their request that gifts be reported; each yearly report to the tax office with what it sent
per number, so that a correction knows it (fundtrack.giving.tax_report).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0021_gift_reporting"
down_revision = "0020_sepa_direct_debit"
branch_labels = None
depends_on = None

KINDS = ("fodselsnummer", "d_number", "organisation_number", "bsn")


def _kind():
    return sa.Enum(*KINDS, name="national_id_kind", native_enum=False, create_constraint=True,
                   length=32)


def upgrade():
    op.create_table(
        "donor_national_ids",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("donor_id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("kind", _kind(), nullable=False),
        sa.Column("number_sealed", sa.Text(), nullable=False),
        sa.Column("last_digits", sa.String(length=3), nullable=False),
        sa.Column("consent_to_report", sa.Boolean(), nullable=False),
        sa.Column("consent_recorded_on", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True),
                  server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.CheckConstraint("NOT consent_to_report OR consent_recorded_on IS NOT NULL",
                           name=op.f("ck_donor_national_ids_consent_dated")),
        sa.ForeignKeyConstraint(["centre_id"], ["centres.id"],
                                name=op.f("fk_donor_national_ids_centre_id_centres")),
        sa.ForeignKeyConstraint(["donor_id"], ["donors.id"], ondelete="CASCADE",
                                name=op.f("fk_donor_national_ids_donor_id_donors")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_donor_national_ids")),
        sa.UniqueConstraint("donor_id", name=op.f("uq_donor_national_ids_donor_id")),
    )
    with op.batch_alter_table("donor_national_ids", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_donor_national_ids_centre_id"), ["centre_id"])
    op.create_table(
        "gift_report_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("ordinary", "correction", name="gift_report_kind",
                                  native_enum=False, create_constraint=True, length=32),
                  nullable=False),
        sa.Column("organisation_number", sa.String(length=9), nullable=False),
        sa.Column("reference", sa.String(length=100), nullable=False),
        sa.Column("donors", sa.Integer(), nullable=False),
        sa.Column("total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("file_sha256", sa.String(length=64), nullable=False),
        sa.Column("produced_at", sa.DateTime(timezone=True),
                  server_default=sa.text("(CURRENT_TIMESTAMP)"), nullable=False),
        sa.Column("produced_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("year BETWEEN 2000 AND 2999",
                           name=op.f("ck_gift_report_runs_year_plausible")),
        sa.ForeignKeyConstraint(["centre_id"], ["centres.id"],
                                name=op.f("fk_gift_report_runs_centre_id_centres")),
        sa.ForeignKeyConstraint(["produced_by_id"], ["users.id"],
                                name=op.f("fk_gift_report_runs_produced_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gift_report_runs")),
        sa.UniqueConstraint("reference", name=op.f("uq_gift_report_runs_reference")),
    )
    with op.batch_alter_table("gift_report_runs", schema=None) as batch_op:
        batch_op.create_index("ix_gift_report_runs_centre_year", ["centre_id", "year"])
    op.create_table(
        "gift_report_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("donor_id", sa.Integer(), nullable=True),
        sa.Column("kind", _kind(), nullable=False),
        sa.Column("number_sealed", sa.Text(), nullable=True),
        sa.Column("last_digits", sa.String(length=3), nullable=True),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.ForeignKeyConstraint(["donor_id"], ["donors.id"], ondelete="SET NULL",
                                name=op.f("fk_gift_report_lines_donor_id_donors")),
        sa.ForeignKeyConstraint(["run_id"], ["gift_report_runs.id"], ondelete="CASCADE",
                                name=op.f("fk_gift_report_lines_run_id_gift_report_runs")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_gift_report_lines")),
    )
    with op.batch_alter_table("gift_report_lines", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_gift_report_lines_run_id"), ["run_id"])
        batch_op.create_index(batch_op.f("ix_gift_report_lines_donor_id"), ["donor_id"])


def downgrade():
    with op.batch_alter_table("gift_report_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_gift_report_lines_donor_id"))
        batch_op.drop_index(batch_op.f("ix_gift_report_lines_run_id"))
    op.drop_table("gift_report_lines")
    with op.batch_alter_table("gift_report_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_gift_report_runs_centre_year")
    op.drop_table("gift_report_runs")
    with op.batch_alter_table("donor_national_ids", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_donor_national_ids_centre_id"))
    op.drop_table("donor_national_ids")
