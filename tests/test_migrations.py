"""The migrations build the whole schema, match the models, and go down and up again."""

from datetime import date

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from fundtrack import create_app
from fundtrack.extensions import compared_for_drift, db
from fundtrack.income.models import FunderType, StructuralRule
from tests.databases import fresh_database

pytestmark = pytest.mark.no_db


@pytest.fixture
def fresh_app(app, tmp_path):
    """An app on a database of its own (a file for SQLite, a new database on PostgreSQL)."""
    fresh_url, drop = fresh_database(app.config["SQLALCHEMY_DATABASE_URI"], "migrations", tmp_path)
    fresh = create_app({"SQLALCHEMY_DATABASE_URI": fresh_url, "SECRET_KEY": "x"})
    yield fresh
    with fresh.app_context():
        db.engine.dispose()
    drop()


def _drift(app) -> list:
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": compared_for_drift})
        return compare_metadata(context, db.metadata)


def test_upgrade_creates_every_table_with_no_drift_from_the_models(fresh_app):
    with fresh_app.app_context():
        upgrade()
        tables = set(sa.inspect(db.engine).get_table_names())
    assert set(db.metadata.tables) <= tables
    assert _drift(fresh_app) == []


def test_the_first_migration_seeds_a_structural_rule_for_every_funder_type(fresh_app):
    with fresh_app.app_context():
        upgrade()
        rules = {
            r.funder_type: r.structural_by_default
            for r in db.session.scalars(sa.select(StructuralRule))
        }
    assert set(rules) == set(FunderType)
    assert rules[FunderType.MUNICIPALITY] and not rules[FunderType.FOUNDATION]


def test_downgrade_removes_everything_and_upgrade_builds_it_again(fresh_app):
    with fresh_app.app_context():
        upgrade()
        downgrade(revision="base")
        left = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
        upgrade()
    assert left == set()
    assert _drift(fresh_app) == []


def test_the_cost_basis_migration_declares_ended_and_closed_years_not_the_running_one(fresh_app):
    running = date.today().year  # the network below starts its fiscal year in January
    with fresh_app.app_context():
        upgrade(revision="0009_onboardings")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO network (id, name, currency, locale, target_numerator,"
                " target_denominator, fiscal_year_start_month) VALUES (1, 'N', 'EUR', 'nl_NL',"
                " 2, 3, 1)"
            ))  # fmt: skip
            conn.execute(sa.text("INSERT INTO regions (id, code, name) VALUES (1, 'R', 'R')"))
            conn.execute(sa.text(
                "INSERT INTO centres (id, code, name, municipality, region_id, currency, active)"
                " VALUES (1, 'A', 'A', 'A', 1, 'EUR', true), (2, 'B', 'B', 'B', 1, 'EUR', true)"
            ))  # fmt: skip
            lines = [
                (1, running - 2, "actual"),  # ended: declared
                (1, running - 1, "budget"),  # ended, budget only: nothing to declare
                (1, running, "actual"),  # running: stays on its budget
                (2, running - 1, "actual"),  # ended: declared
                (2, running + 1, "actual"),  # a later year, closed by mistake: declared
            ]
            for centre, year, kind in lines:
                conn.execute(
                    sa.text(
                        "INSERT INTO cost_lines (centre_id, year, kind, category, amount,"
                        " currency, description) VALUES (:c, :y, :k, 'staff', 10, 'EUR', '')"
                    ),
                    {"c": centre, "y": year, "k": kind},
                )
            conn.execute(
                sa.text("INSERT INTO fiscal_year_locks (year) VALUES (:y)"), {"y": running + 1}
            )
        upgrade()
        with db.engine.connect() as conn:
            declared = conn.execute(
                sa.text("SELECT centre_id, year FROM actuals_declarations ORDER BY centre_id, year")
            ).all()
    assert [tuple(row) for row in declared] == [
        (1, running - 2), (2, running - 1), (2, running + 1)
    ]  # fmt: skip


def test_a_migration_that_copies_a_table_keeps_the_rows_that_reference_it(fresh_app):
    # 0019 copies `grants` and `grant_report_obligations` on SQLite (batch mode) and drops the
    # old tables: with foreign keys on, that drop deleted the goals, the report duties and
    # their drafts with it. Nothing here references a grant without a cascade, so the drop
    # went through silently.
    with fresh_app.app_context():
        upgrade(revision="0018_gift_agreements")
        with db.engine.begin() as conn:
            for statement in (
                "INSERT INTO funders (id, name, type) VALUES (1, 'F', 'foundation')",
                "INSERT INTO grants (id, funder_id, programme, project_name, project_leader,"
                " summary, start_date, end_date, amount_requested, currency, state, recurring,"
                " auditor_statement_required) VALUES (1, 1, 'P', 'Project', 'L', '',"
                " '2025-01-01', '2025-12-31', 1000, 'EUR', 'awarded', false, false)",
                "INSERT INTO grant_goals (id, grant_id, kind, description, unit, result)"
                " VALUES (1, 1, 'qualitative', 'Goal', '', '')",
                "INSERT INTO grant_report_obligations (id, grant_id, kind, due_date, note)"
                " VALUES (1, 1, 'final', '2026-03-01', '')",
                "INSERT INTO report_drafts (id, obligation_id, narrative, language)"
                " VALUES (1, 1, 'So far', 'nl')",
            ):
                conn.execute(sa.text(statement))
        upgrade()
        with db.engine.connect() as conn:
            kept = {
                table: conn.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar_one()
                for table in ("grants", "grant_goals", "grant_report_obligations", "report_drafts")
            }
            foreign_keys = (
                conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one()
                if conn.dialect.name == "sqlite"
                else 1
            )
    assert kept == dict.fromkeys(kept, 1)
    assert foreign_keys == 1  # the connection goes back to the pool with foreign keys on
