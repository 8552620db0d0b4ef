"""Run the project's SQL files on a warehouse: statements, bound parameters, transactions.

Engine-neutral: what differs between engines is asked of the engine (``engines.of``) or
lives in a ``<name>.<engine>.sql`` twin, which ``sqlfiles`` picks by the connection's
dialect. Every write happens inside ``write_transaction``, which turns a database
failure into the error it means to a user (busy, unusable, ...).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from ecommerce_warehouse import engines, sqlfiles
from ecommerce_warehouse.engines.base import BulkWriter
from ecommerce_warehouse.settings import DEFAULT_WAIT_SECONDS

redacted = engines.redacted


def utc_now() -> str:
    """The current time as ISO-8601 UTC text, as stored in load timestamps."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def open_engine(db: str, wait_seconds: float = DEFAULT_WAIT_SECONDS, create: bool = True) -> Engine:
    """The warehouse at ``db`` for a command that writes.

    ``create``: its home is created if missing (only commands that load data do so); else
    a missing warehouse is a DatabaseError. ``wait_seconds``: how long a statement waits
    for another writer's lock.
    """
    return engines.for_db(db).open(db, wait_seconds, create)


def open_read_only(db: str) -> Engine:
    """The warehouse at ``db`` for reading only; a missing warehouse is an error."""
    return engines.for_db(db).open_read_only(db)


def exclusive_run(engine: Engine, wait_seconds: float = DEFAULT_WAIT_SECONDS):
    """Hold the warehouse's run lock for a whole command, so two runs never interleave;
    a second run waits ``wait_seconds``, then fails with "warehouse is busy"."""
    return engines.of(engine).run_lock(engine, wait_seconds)


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction that commits when the block ends and rolls back on any error."""
    try:
        with engine.begin() as connection:
            yield connection
    except DBAPIError as exc:
        translated = engines.of(engine).translate(engine, exc)
        if translated is None:
            raise
        raise translated from exc


def run_sql(connection: Connection, name: str, params: Mapping | None = None) -> int:
    """Run every statement of one SQL file; return the rows the statements changed."""
    changed = 0
    engine = engines.of(connection)
    for statement in sqlfiles.statements(name, connection.dialect.name):
        changed += engine.changed_rows(connection.execute(text(statement), dict(params or {})))
    return changed


def query_sql(connection: Connection, name: str, params: Mapping | None = None):
    """Run a one-statement SQL file that returns rows; return the result."""
    (statement,) = sqlfiles.statements(name, connection.dialect.name)
    return connection.execute(text(statement), dict(params or {}))


def bulk_writer(connection: Connection, name: str, columns: tuple[str, ...],
                statement: str | None = None) -> BulkWriter:
    """A writer of many rows (tuples in ``columns`` order) with one SQL file's statement.

    The engine chooses how: executemany of the compiled statement, or, where the file's
    twin is ``copy <table> (<columns>) from stdin``, one COPY streaming every chunk (so
    ``finish`` it, or use it as a context manager, before the connection runs anything
    else). ``statement``, if given, is run instead of the file's (the PostgreSQL
    benchmark times the portable INSERT on a server that has a COPY twin).
    """
    if statement is None:
        (statement,) = sqlfiles.statements(name, connection.dialect.name)
    return engines.of(connection).bulk_writer(connection, name, statement, columns)
