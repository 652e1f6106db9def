import logging
from logging.config import fileConfig

from alembic import context
from flask import current_app

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Interpret the config file for Python logging.
# This line sets up loggers basically.
fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")


def get_engine():
    return current_app.extensions["migrate"].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace("%", "%%")
    except AttributeError:
        return str(get_engine().url).replace("%", "%%")


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option("sqlalchemy.url", get_engine_url())
target_db = current_app.extensions["migrate"].db

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, "metadatas"):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=get_metadata(), literal_binds=True)

    with context.begin_transaction():
        context.run_migrations()


from fundtrack.extensions import compared_for_drift as _compared  # noqa: E402


def _sqlite_foreign_keys(connection, on):
    """Switch SQLite's foreign keys on or off for this connection, outside any transaction.

    SQLite alters most of a table (a check constraint, a column's type or NOT NULL) only by
    copying it: batch mode creates the new table, copies the rows, drops the old table and
    renames the copy. With foreign keys on, that DROP TABLE first deletes every row, as a
    DELETE would: rows elsewhere that reference it with ON DELETE CASCADE are deleted with
    them (dropping `grants` deleted its goals, budget lines and report duties), SET NULL
    ones lose their link, and any other reference makes the upgrade fail. SQLite's own
    procedure for such changes is to turn foreign keys off for the duration; the pragma is a
    no-op inside a transaction, so it is set on the driver's connection before Alembic
    begins one, and checked.
    """
    dbapi = connection.connection.dbapi_connection
    dbapi.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")
    if bool(dbapi.execute("PRAGMA foreign_keys").fetchone()[0]) is not on:
        raise RuntimeError("SQLite did not switch foreign keys: a transaction is open")


def _foreign_key_check(ctx, step, heads, run_args):
    """With foreign keys off, a migration could leave a row pointing at nothing: SQLite's
    check of every reference runs before each migration commits, and refuses it."""
    broken = ctx.connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        shown = ", ".join(
            f"{table} row {rowid} -> {parent}" for table, rowid, parent, _fk in broken[:10]
        )
        raise RuntimeError(
            f"{step.up_revision_id if step.is_upgrade else step.down_revision_ids}"
            f" leaves {len(broken)} broken foreign key(s): {shown}"
        )


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = current_app.extensions["migrate"].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()

    with connectable.connect() as connection:
        conf_args.setdefault("include_object", _compared)
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            _sqlite_foreign_keys(connection, on=False)
            conf_args.setdefault("on_version_apply", _foreign_key_check)
        try:
            context.configure(connection=connection, target_metadata=get_metadata(), **conf_args)

            with context.begin_transaction():
                context.run_migrations()
        finally:
            if sqlite:
                # The connection goes back to the pool for the application's use: its foreign
                # keys on again, as fundtrack's connect hook left them.
                if connection.in_transaction():
                    connection.rollback()
                _sqlite_foreign_keys(connection, on=True)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
