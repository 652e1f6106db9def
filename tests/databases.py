"""Throwaway databases for a test run: a SQLite file, or a PostgreSQL database of its own."""

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.engine import make_url


def driver_url(url: str) -> str:
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def fresh_database(base_url: str, suffix: str, sqlite_dir: str) -> tuple[str, Callable]:
    """A new empty database next to `base_url`, and the function that drops it."""
    if base_url.startswith("sqlite"):
        return f"sqlite:///{sqlite_dir}/fundtrack-{suffix}.sqlite3", lambda: None
    url = make_url(driver_url(base_url))
    name = f"{url.database}_{suffix}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop
