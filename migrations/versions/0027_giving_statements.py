"""giving statements: a yearly statement per donor and the gifts it covers; donors' language

Revision ID: 0027_giving_statements
Revises: 0026_external_id_search
Create Date: 2026-12-07 16:00:00

Each issued statement keeps its PDF, hash and issuer; its lines copy the statement's `live`
(TRUE, or NULL once voided) through a composite foreign key with ON UPDATE CASCADE, and
UNIQUE (income_line_id, live) keeps a gift on one live statement only
(fundtrack.giving.statement_models). Donors get the language they read (NULL: the network's).
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0027_giving_statements"
down_revision = "0026_external_id_search"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("donors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=5), nullable=True))
        batch_op.create_check_constraint(
            "language", "language IS NULL OR language IN ('nl', 'nb', 'en')"
        )
    op.create_table(
        "giving_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("donor_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("language", sa.String(length=5), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("periodic_total", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column(
            "issued_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("(CURRENT_TIMESTAMP)"),
            nullable=False,
        ),
        sa.Column("issued_by_id", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=True),
        sa.Column("live", sa.Boolean(), nullable=True),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_by_id", sa.Integer(), nullable=True),
        sa.Column("void_reason", sa.String(length=500), nullable=False, server_default=""),
        sa.Column("replaces_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("live", name=op.f("ck_giving_statements_live_or_null")),
        sa.CheckConstraint(
            "(live IS NULL) = (voided_at IS NOT NULL)",
            name=op.f("ck_giving_statements_voided_when_not_live"),
        ),
        sa.CheckConstraint(
            "language IN ('nl', 'nb', 'en')", name=op.f("ck_giving_statements_language")
        ),
        sa.CheckConstraint("length(sha256) = 64", name=op.f("ck_giving_statements_sha256_hex")),
        sa.CheckConstraint("length(currency) = 3", name=op.f("ck_giving_statements_currency_code")),
        sa.CheckConstraint("total > 0", name=op.f("ck_giving_statements_total_positive")),
        sa.ForeignKeyConstraint(
            ["centre_id"], ["centres.id"], name=op.f("fk_giving_statements_centre_id_centres")
        ),
        sa.ForeignKeyConstraint(
            ["donor_id"], ["donors.id"], name=op.f("fk_giving_statements_donor_id_donors")
        ),
        sa.ForeignKeyConstraint(
            ["issued_by_id"], ["users.id"], name=op.f("fk_giving_statements_issued_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["voided_by_id"], ["users.id"], name=op.f("fk_giving_statements_voided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["replaces_id"],
            ["giving_statements.id"],
            name=op.f("fk_giving_statements_replaces_id_giving_statements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_giving_statements")),
        sa.UniqueConstraint("id", "live", name=op.f("uq_giving_statements_id_live")),
        sa.UniqueConstraint("replaces_id", name=op.f("uq_giving_statements_replaces_id")),
    )
    with op.batch_alter_table("giving_statements", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_giving_statements_donor_id"), ["donor_id"])
        batch_op.create_index("ix_giving_statements_centre_year", ["centre_id", "year"])
    op.create_table(
        "giving_statement_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("income_line_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("live", sa.Boolean(), nullable=True),
        sa.CheckConstraint("live", name=op.f("ck_giving_statement_lines_live_or_null")),
        sa.CheckConstraint("amount > 0", name=op.f("ck_giving_statement_lines_amount_positive")),
        sa.ForeignKeyConstraint(
            ["statement_id", "live"],
            ["giving_statements.id", "giving_statements.live"],
            onupdate="CASCADE",
            name="fk_giving_statement_lines_statement_live",
        ),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["giving_statements.id"],
            name=op.f("fk_giving_statement_lines_statement_id_giving_statements"),
        ),
        sa.ForeignKeyConstraint(
            ["income_line_id"],
            ["income_lines.id"],
            name=op.f("fk_giving_statement_lines_income_line_id_income_lines"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_giving_statement_lines")),
        sa.UniqueConstraint(
            "income_line_id", "live", name=op.f("uq_giving_statement_lines_income_line_id_live")
        ),
    )
    with op.batch_alter_table("giving_statement_lines", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_giving_statement_lines_statement_id"), ["statement_id"]
        )


def downgrade():
    with op.batch_alter_table("giving_statement_lines", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_giving_statement_lines_statement_id"))
    op.drop_table("giving_statement_lines")
    with op.batch_alter_table("giving_statements", schema=None) as batch_op:
        batch_op.drop_index("ix_giving_statements_centre_year")
        batch_op.drop_index(batch_op.f("ix_giving_statements_donor_id"))
    op.drop_table("giving_statements")
    with op.batch_alter_table("donors", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_donors_language"), type_="check")
        batch_op.drop_column("language")
