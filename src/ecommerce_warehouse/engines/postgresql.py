"""PostgreSQL: the warehouse lives in a schema on a server (``postgresql+psycopg://...``).

Everything here is Python that PostgreSQL alone needs; the SQL itself stays in ``sql/``
(with a ``<name>.postgresql.sql`` twin where a statement must differ, see DESIGN.md).

- **Schema.** A warehouse lives in one schema of a database, named with the URL
  (``postgresql_session``); it is created here when a loading command first opens it.
- **Run lock.** A command that writes holds a session-level advisory lock named after
  the schema for its whole run (``run_lock``), the server-side twin of the lock file
  SQLite uses: a second run waits up to ``--wait`` seconds, then fails with "warehouse
  is busy". The server releases the lock if the process dies. Every statement of a run
  also waits at most ``--wait`` for any other lock (``lock_timeout``), as SQLite's busy
  timeout does.
- **COPY.** A bulk-insert SQL file whose PostgreSQL twin is ``copy <table> (<columns>)
  from stdin`` is fed with psycopg 3's ``cursor.copy`` (``postgresql_copy.CopyRows``).
- **Read-only queries.** ``warehouse query``, ``status`` and ``rejects`` read through
  connections whose transactions are read-only (``postgresql_read``).

This module imports psycopg only when a PostgreSQL warehouse is used.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from ecommerce_warehouse.engines import postgresql_copy
from ecommerce_warehouse.engines.base import BulkWriter, WarehouseEngine
from ecommerce_warehouse.engines.postgresql_read import plain_value, read_only_engine, run_query
from ecommerce_warehouse.engines.postgresql_session import (  # noqa: F401  (SCHEMA_PARAMETER, check_schema_name: the module's names)
    DIALECT,
    DRIVER,
    DUPLICATE_SCHEMA,
    LOCK_NOT_AVAILABLE,
    LOCK_POLL_SECONDS,
    LOCK_PREFIX,
    SCHEMA_PARAMETER,
    UNIQUE_VIOLATION,
    _configure_session,
    _driver_check,
    _quoted,
    _schemas,
    _wait_seconds,
    check_schema_name,
    one_line,
    schema_exists,
    schema_of,
    shown,
    split_schema,
    with_schema,
)
from ecommerce_warehouse.errors import DatabaseError, WarehouseBusyError, WarehouseError

# --- the loading engine ------------------------------------------------------------------

def open_engine(url: URL, wait_seconds: float, create: bool = True) -> Engine:
    """An engine for the warehouse at ``url`` whose schema exists (``create``: it is created
    if missing; otherwise a missing schema is a DatabaseError and nothing is created).

    Its sessions wait at most ``wait_seconds`` for any lock (``lock_timeout``), as SQLite's
    busy timeout does: e.g. replacing a view waits for a reader whose open transaction
    has read it, then fails with "warehouse is busy" (``lock_timeout_message``).
    """
    url, schema = split_schema(url)
    where = shown(url, schema)
    _driver_check(url, where)
    try:
        engine = create_engine(url)
    except Exception as exc:  # a missing driver or a malformed URL
        raise DatabaseError(f"cannot open {where}: {one_line(exc)}") from exc
    _schemas[engine] = schema

    lock_timeout = f"{max(1, round(wait_seconds * 1000))}ms"    # 0 would mean "wait forever"

    @event.listens_for(engine, "connect", insert=True)
    def _on_connect(dbapi_connection, _record):
        _configure_session(dbapi_connection, schema, lock_timeout=lock_timeout)

    _wait_seconds[engine] = wait_seconds
    create_schema(engine, schema, where, create)
    return engine


def create_schema(engine: Engine, schema: str, where: str, create: bool = True) -> None:
    """Create the warehouse's schema unless it exists (needs CREATE on the database only then);
    without ``create``, a missing schema is a DatabaseError."""
    from psycopg import sql

    try:
        with engine.begin() as connection:
            if not schema_exists(connection, schema):
                if not create:
                    raise DatabaseError(f"no warehouse at {where}: the schema does not exist "
                                        "(build one with `warehouse run`)")
                cursor = connection.connection.cursor()
                cursor.execute(sql.SQL("create schema if not exists {}").format(_quoted(schema)))
                cursor.close()
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) in (UNIQUE_VIOLATION, DUPLICATE_SCHEMA):
            return  # another process created it a moment ago
        engine.dispose()
        raise DatabaseError(f"cannot open {where}: {one_line(exc)}") from exc
    except DatabaseError:
        engine.dispose()
        raise


@contextmanager
def run_lock(engine: Engine, wait_seconds: float) -> Iterator[None]:
    """Hold the warehouse's advisory lock for a whole run; "warehouse is busy" after ``wait_seconds``.

    A session-level lock on a connection of its own, kept (idle, outside any transaction)
    until the run ends; the server releases it if this process dies.
    """
    schema = schema_of(engine)
    key = LOCK_PREFIX + schema
    where = shown(engine.url, schema)
    try:
        connection = engine.connect()
    except DBAPIError as exc:
        raise DatabaseError(f"cannot connect to {where}: {one_line(exc)}") from exc
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            got = connection.execute(
                text("select pg_try_advisory_lock(hashtextextended(:key, 0))"), {"key": key}
            ).scalar_one()
            connection.commit()
            if got:
                break
            if time.monotonic() >= deadline:
                raise WarehouseBusyError(
                    f"warehouse is busy: another run is writing to {where}; waited "
                    f"{wait_seconds:g} s for it (see --wait), try again when it has finished")
            time.sleep(LOCK_POLL_SECONDS)
        try:
            yield
        finally:
            try:
                connection.execute(text("select pg_advisory_unlock(hashtextextended(:key, 0))"),
                                   {"key": key})
                connection.commit()
            except DBAPIError:
                connection.invalidate()   # closing the session releases the lock anyway
    except DBAPIError as exc:
        raise DatabaseError(f"database error on {where}: {one_line(exc)}") from exc
    finally:
        connection.close()


def lock_timeout_message(engine: Engine, exc: DBAPIError) -> str | None:
    """The "warehouse is busy" message when a statement gave up waiting for a lock (else None)."""
    if getattr(getattr(exc, "orig", None), "sqlstate", None) != LOCK_NOT_AVAILABLE:
        return None
    wait = _wait_seconds.get(engine)
    waited = f"waited {wait:g} s (see --wait)" if wait is not None else "gave up waiting"
    return (f"warehouse is busy: another session holds a lock on {shown(engine.url, schema_of(engine))} "
            f"(a run, or a reader's open transaction); {waited}, try again when it has finished")


def url_of(db: str) -> URL:
    try:
        return make_url(db)
    except ArgumentError as exc:
        raise DatabaseError("--db is not a file path or database URL") from exc


class PostgreSQL(WarehouseEngine):
    name = DIALECT
    example = "postgresql+psycopg://USER@HOST:PORT/DATABASE (with --schema NAME)"

    def with_schema(self, db: str, schema: str | None) -> str:
        return with_schema(db, schema)

    def db_of(self, engine: Engine) -> str:
        # the engine's URL is the server's; the warehouse's schema goes back in
        return with_schema(super().db_of(engine), schema_of(engine))

    def open(self, db: str, wait_seconds: float, create: bool = True) -> Engine:
        return open_engine(url_of(db), wait_seconds, create)

    def open_read_only(self, db: str) -> Engine:
        return read_only_engine(db)

    def run_lock(self, engine: Engine, wait_seconds: float):
        return run_lock(engine, wait_seconds)

    def bulk_writer(self, connection: Connection, name: str, statement: str,
                    columns: tuple[str, ...]) -> BulkWriter:
        if postgresql_copy.is_copy(statement):
            return postgresql_copy.CopyRows(connection, name, statement, columns)
        return super().bulk_writer(connection, name, statement, columns)

    def translate(self, engine: Engine, exc: DBAPIError) -> WarehouseError | None:
        busy = lock_timeout_message(engine, exc)
        if busy is not None:
            return WarehouseBusyError(busy)
        if isinstance(exc, OperationalError):
            detail = str(exc.orig) if exc.orig is not None else str(exc)
            where = engine.url.render_as_string(hide_password=True)
            return DatabaseError(f"database error on {where}: {detail.splitlines()[0] if detail else exc}")
        return None

    def reads_beside_a_writer(self, connection: Connection) -> bool:
        return True        # MVCC: a second session reads the last commit, never waiting

    @contextmanager
    def one_snapshot(self, connection: Connection) -> Iterator[None]:
        """REPEATABLE READ: the transaction's first statement fixes its snapshot (the
        default, READ COMMITTED, takes a new one for every statement)."""
        connection.exec_driver_sql("set transaction isolation level repeatable read")
        yield

    def run_query(self, db: str, sql: str, params: Mapping[str, object],
                  limit: int | None) -> tuple[list[str], list[tuple], bool]:
        return run_query(db, sql, params, limit)

    def plain_value(self, value):
        return plain_value(value)


ENGINE = PostgreSQL()
