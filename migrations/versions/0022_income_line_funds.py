"""Split income lines: the parts of a gift over several earmarked funds

Revision ID: 0022_income_line_funds
Revises: 0021_gift_reporting
Create Date: 2026-12-07 16:00:00

`income_line_funds` holds one row per fund a split line's money goes to (the line itself
then names no fund). The parts add up to the line's amount: fundtrack.income.splits keeps
that rule; on PostgreSQL a deferred constraint trigger checks it again at commit, for every
write whatever its path (SQLite has no deferred triggers, and a row-by-row check would
refuse the half-written state inside the operation's own flush).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0022_income_line_funds"
down_revision = "0021_gift_reporting"
branch_labels = None
depends_on = None

POSTGRESQL_FUNCTION = """
CREATE FUNCTION income_line_funds_check() RETURNS trigger AS $$
DECLARE
    line_id integer;
    line record;
    parts integer;
    total numeric;
    elsewhere integer;
BEGIN
    IF TG_TABLE_NAME = 'income_lines' THEN
        line_id := NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
        line_id := OLD.income_line_id;
    ELSE
        line_id := NEW.income_line_id;
    END IF;
    SELECT count(*), sum(amount) INTO parts, total
        FROM income_line_funds WHERE income_line_id = line_id;
    IF parts = 0 THEN
        RETURN NULL;
    END IF;
    SELECT id, amount, centre_id, earmarked_fund_id INTO line
        FROM income_lines WHERE id = line_id;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    SELECT count(*) INTO elsewhere FROM income_line_funds p
        JOIN earmarked_funds f ON f.id = p.earmarked_fund_id
        WHERE p.income_line_id = line_id AND f.centre_id <> line.centre_id;
    IF parts < 2 OR total <> line.amount OR line.earmarked_fund_id IS NOT NULL
            OR elsewhere > 0 THEN
        RAISE EXCEPTION 'income line %: its % fund parts add up to %, not to its amount %,'
            ' or it names a fund of its own or of another centre',
            line_id, parts, total, line.amount
            USING ERRCODE = 'check_violation', CONSTRAINT = 'income_line_funds_add_up';
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql
"""
POSTGRESQL_TRIGGERS = [
    "CREATE CONSTRAINT TRIGGER income_line_funds_add_up"
    " AFTER INSERT OR UPDATE OR DELETE ON income_line_funds"
    " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION income_line_funds_check()",
    "CREATE CONSTRAINT TRIGGER income_line_funds_line_add_up"
    " AFTER UPDATE OF amount, earmarked_fund_id, centre_id ON income_lines"
    " DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION income_line_funds_check()",
]


def upgrade():
    op.create_table(
        "income_line_funds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("income_line_id", sa.Integer(), nullable=False),
        sa.Column("earmarked_fund_id", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.CheckConstraint("amount > 0", name=op.f("ck_income_line_funds_amount_positive")),
        sa.ForeignKeyConstraint(["income_line_id"], ["income_lines.id"],
                                name=op.f("fk_income_line_funds_income_line_id_income_lines"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["earmarked_fund_id"], ["earmarked_funds.id"],
                                name=op.f("fk_income_line_funds_earmarked_fund_id_earmarked_funds")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_income_line_funds")),
        sa.UniqueConstraint("income_line_id", "earmarked_fund_id",
                            name=op.f("uq_income_line_funds_income_line_id_earmarked_fund_id")),
    )
    with op.batch_alter_table("income_line_funds", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_income_line_funds_income_line_id"),
                              ["income_line_id"])
        batch_op.create_index(batch_op.f("ix_income_line_funds_earmarked_fund_id"),
                              ["earmarked_fund_id"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute(POSTGRESQL_FUNCTION)
        for trigger in POSTGRESQL_TRIGGERS:
            op.execute(trigger)


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS income_line_funds_line_add_up ON income_lines")
        op.execute("DROP TRIGGER IF EXISTS income_line_funds_add_up ON income_line_funds")
        op.execute("DROP FUNCTION IF EXISTS income_line_funds_check()")
    op.drop_table("income_line_funds")
