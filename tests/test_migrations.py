"""The migrations build the whole schema, match the models, and go down and up again."""

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
