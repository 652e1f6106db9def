"""A report batch's worker processes only read: on SQLite their transactions take no write lock,
so they neither wait for a writer nor for each other (fundtrack.reports.batch)."""

import time

from sqlalchemy import create_engine, text

import fundtrack  # noqa: F401  (the engine listeners: foreign keys, WAL, BEGIN IMMEDIATE)
from fundtrack.extensions import READ_ONLY


def test_a_read_only_engine_reads_while_a_writer_holds_the_lock(tmp_path):
    url = f"sqlite:///{tmp_path}/books.sqlite3"
    writer, reader = create_engine(url), create_engine(url, execution_options={READ_ONLY: True})
    with writer.begin() as connection:
        connection.execute(text("CREATE TABLE lines (amount NUMERIC)"))
        connection.execute(text("INSERT INTO lines VALUES (12.50)"))
    with writer.connect() as holding:
        holding.execute(text("INSERT INTO lines VALUES (1.00)"))  # BEGIN IMMEDIATE: the lock
        start = time.perf_counter()
        with reader.connect() as reading:
            # Its own snapshot, at once: an IMMEDIATE begin would wait 10 s and then fail.
            assert reading.execute(text("SELECT sum(amount) FROM lines")).scalar() == 12.5
        assert time.perf_counter() - start < 5
        holding.rollback()
    writer.dispose()
    reader.dispose()
