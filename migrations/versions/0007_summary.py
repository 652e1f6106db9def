"""summary: the ledger's income per centre, fiscal year, category and agreement, in cents

Revision ID: 0007_summary
Revises: 0006_imports
Create Date: 2026-12-01 14:40:00

`income_summary` is kept exact by triggers on `income_lines` (PostgreSQL: one statement-level
trigger per operation that sums the statement's rows from its transition tables, so a bulk
import or COPY costs one upsert per key, not per line; SQLite: row-level triggers). Filled
once from the lines on record. Amounts are integer cents: exact on both databases.
"""

from alembic import op
import sqlalchemy as sa


revision = "0007_summary"
down_revision = "0006_imports"
branch_labels = None
depends_on = None

KEY = "centre_id, fiscal_year, category, agreement_key"
COLUMNS = f"{KEY}, cents, lines"

POSTGRESQL_FUNCTION = f"""
CREATE FUNCTION income_summary_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Keys in a fixed order, so two writers meet the summary rows in the same order.
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO income_summary AS s ({COLUMNS})
        SELECT centre_id, fiscal_year, category, coalesce(agreement_id, 0),
               -sum(round(amount * 100))::bigint, -count(*)
        FROM old_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        ON CONFLICT ({KEY}) DO UPDATE
        SET cents = s.cents + excluded.cents, lines = s.lines + excluded.lines;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO income_summary AS s ({COLUMNS})
        SELECT centre_id, fiscal_year, category, coalesce(agreement_id, 0),
               sum(round(amount * 100))::bigint, count(*)
        FROM new_rows GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
        ON CONFLICT ({KEY}) DO UPDATE
        SET cents = s.cents + excluded.cents, lines = s.lines + excluded.lines;
    END IF;
    RETURN NULL;
END $$;
"""
POSTGRESQL_TRIGGERS = [
    "CREATE TRIGGER income_summary_insert AFTER INSERT ON income_lines "
    "REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION income_summary_apply()",
    "CREATE TRIGGER income_summary_update AFTER UPDATE ON income_lines "
    "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows "
    "FOR EACH STATEMENT EXECUTE FUNCTION income_summary_apply()",
    "CREATE TRIGGER income_summary_delete AFTER DELETE ON income_lines "
    "REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION income_summary_apply()",
]


def _sqlite_add(row: str, sign: str) -> str:
    where = (
        f"centre_id = {row}.centre_id AND fiscal_year = {row}.fiscal_year "
        f"AND category = {row}.category AND agreement_key = coalesce({row}.agreement_id, 0)"
    )
    return (
        f"INSERT OR IGNORE INTO income_summary ({COLUMNS}) VALUES ({row}.centre_id, "
        f"{row}.fiscal_year, {row}.category, coalesce({row}.agreement_id, 0), 0, 0); "
        f"UPDATE income_summary SET cents = cents {sign} CAST(round({row}.amount * 100) AS INTEGER), "
        f"lines = lines {sign} 1 WHERE {where};"
    )


SQLITE_TRIGGERS = [
    f"CREATE TRIGGER income_summary_insert AFTER INSERT ON income_lines BEGIN "
    f"{_sqlite_add('NEW', '+')} END",
    f"CREATE TRIGGER income_summary_update AFTER UPDATE ON income_lines BEGIN "
    f"{_sqlite_add('OLD', '-')} {_sqlite_add('NEW', '+')} END",
    f"CREATE TRIGGER income_summary_delete AFTER DELETE ON income_lines BEGIN "
    f"{_sqlite_add('OLD', '-')} END",
]


def upgrade():
    op.create_table(
        "income_summary",
        sa.Column("centre_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("agreement_key", sa.Integer(), nullable=False),
        sa.Column("cents", sa.BigInteger(), nullable=False),
        sa.Column("lines", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["centre_id"],
            ["centres.id"],
            name=op.f("fk_income_summary_centre_id_centres"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "centre_id", "fiscal_year", "category", "agreement_key", name=op.f("pk_income_summary")
        ),
    )
    op.execute(
        f"INSERT INTO income_summary ({COLUMNS}) "
        "SELECT centre_id, fiscal_year, category, coalesce(agreement_id, 0), "
        "CAST(sum(round(amount * 100)) AS BIGINT), count(*) "
        "FROM income_lines GROUP BY centre_id, fiscal_year, category, coalesce(agreement_id, 0)"
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_FUNCTION)
        for trigger in POSTGRESQL_TRIGGERS:
            op.execute(trigger)
    else:
        for trigger in SQLITE_TRIGGERS:
            op.execute(trigger)


def downgrade():
    for name in ("insert", "update", "delete"):
        op.execute(
            f"DROP TRIGGER IF EXISTS income_summary_{name}"
            + (" ON income_lines" if op.get_bind().dialect.name == "postgresql" else "")
        )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS income_summary_apply()")
    op.drop_table("income_summary")
