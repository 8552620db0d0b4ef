"""PostgreSQL: the warehouse lives in a schema on a server (``postgresql+psycopg://...``).

Everything here is Python that PostgreSQL alone needs; the SQL itself stays in ``sql/``
(with a ``<name>.postgresql.sql`` twin where a statement must differ, see DESIGN.md).

- **Schema.** A warehouse lives in one schema of a database (default ``public``), so
  several warehouses (one per student, say) share a database. The schema travels with
  the ``--db`` URL as the query parameter ``?schema=NAME`` (the CLI's ``--schema`` /
  ``WAREHOUSE_SCHEMA`` adds it); every connection sets ``search_path`` to exactly that
  schema, so the project's SQL files name no schema. The name is validated and always
  quoted as an identifier, never formatted into SQL as a value.
- **Run lock.** A command that writes holds a session-level advisory lock named after
  the schema for its whole run (``run_lock``), the server-side twin of the lock file
  SQLite uses: a second run waits up to ``--wait`` seconds, then fails with "warehouse
  is busy". The server releases the lock if the process dies. Every statement of a run
  also waits at most ``--wait`` for any other lock (``lock_timeout``), as SQLite's busy
  timeout does.
- **COPY.** A bulk-insert SQL file whose PostgreSQL twin is ``copy <table> (<columns>)
  from stdin`` is fed with psycopg 3's ``cursor.copy`` (``postgresql_copy.CopyRows``).
- **Read-only queries.** ``warehouse query``, ``status`` and ``rejects`` read through
  connections whose transactions are read-only (``read_only_engine``, ``run_query``).

This module imports psycopg only when a PostgreSQL warehouse is used.
"""

from __future__ import annotations

import re
import time
import weakref
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from uuid import UUID

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.pool import NullPool

from ecommerce_warehouse.engines import postgresql_copy
from ecommerce_warehouse.engines.base import BulkWriter, WarehouseEngine
from ecommerce_warehouse.errors import DatabaseError, QueryError, WarehouseBusyError, WarehouseError
from ecommerce_warehouse.settings import DEFAULT_SCHEMA

DIALECT = "postgresql"
DRIVER = "psycopg"
# The URL query parameter that names the warehouse's schema (taken out before connecting).
SCHEMA_PARAMETER = "schema"
# A schema name: lower-case letters, digits and _, starting with a letter or _, at most
# 63 characters (PostgreSQL's limit); pg_* is reserved for the system.
SCHEMA_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
# Advisory locks are per database; the key names the project and the schema, so two
# warehouses in one database never wait for each other.
LOCK_PREFIX = "ecommerce_warehouse:"
LOCK_POLL_SECONDS = 0.05
# SQLSTATE codes this module turns into messages.
READ_ONLY_TRANSACTION = "25006"
LOCK_NOT_AVAILABLE = "55P03"
UNIQUE_VIOLATION = "23505"
DUPLICATE_SCHEMA = "42P06"

# The schema of each engine this module opened (for lock keys and messages), and how
# long its sessions wait for a lock.
_schemas: weakref.WeakKeyDictionary[Engine, str] = weakref.WeakKeyDictionary()
_wait_seconds: weakref.WeakKeyDictionary[Engine, float] = weakref.WeakKeyDictionary()


# --- naming the warehouse: URL + schema ------------------------------------------------------

def check_schema_name(name: str) -> str:
    """``name`` if it is a schema name this project accepts; ValueError (saying why) if not."""
    if not SCHEMA_NAME.fullmatch(name or ""):
        raise ValueError(
            f"{name!r} is not a schema name: use 1 to 63 lower-case letters, digits or _, "
            "starting with a letter or _ (e.g. warehouse_ann)")
    if name.startswith("pg_"):
        raise ValueError(f"{name!r} is not a schema name: pg_* is reserved by PostgreSQL")
    return name


def with_schema(db: str, schema: str | None) -> str:
    """The --db value with ``schema`` folded in, as the library reads it.

    The default schema changes nothing (a SQLite path or a URL stays as given). Another
    schema is added to a PostgreSQL URL as ``?schema=NAME``; it is refused for SQLite
    (a SQLite warehouse is one file: give another path) and when the URL names another.
    """
    if schema is None or schema == DEFAULT_SCHEMA:
        return db
    check_schema_name(schema)
    if "://" not in db:
        raise ValueError("schemas are for PostgreSQL warehouses; a SQLite warehouse is a file "
                         "of its own (give another --db path instead)")
    try:
        url = make_url(db)
    except ArgumentError as exc:
        raise ValueError("--db is not a file path or database URL") from exc
    if url.get_backend_name() != DIALECT:
        raise ValueError(f"schemas are for PostgreSQL warehouses, not {url.get_backend_name()}")
    named = url.query.get(SCHEMA_PARAMETER)
    if named is not None and named != schema:
        raise ValueError(f"{schema} contradicts ?{SCHEMA_PARAMETER}={named} in --db")
    if named == schema:
        return db
    return url.update_query_dict({SCHEMA_PARAMETER: schema}).render_as_string(hide_password=False)


def split_schema(url: URL) -> tuple[URL, str]:
    """(the URL to connect to, the warehouse's schema) from a warehouse URL."""
    schema = url.query.get(SCHEMA_PARAMETER, DEFAULT_SCHEMA)
    if not isinstance(schema, str):
        raise DatabaseError(f"--db names ?{SCHEMA_PARAMETER}= more than once")
    try:
        check_schema_name(schema)
    except ValueError as exc:
        raise DatabaseError(f"--schema: {exc}") from exc
    return url.difference_update_query([SCHEMA_PARAMETER]), schema


def shown(url: URL, schema: str) -> str:
    """The warehouse as printed: the URL without its password, and the schema."""
    return f"{url.render_as_string(hide_password=True)} (schema {schema})"


def schema_of(engine: Engine) -> str:
    return _schemas.get(engine, DEFAULT_SCHEMA)


def _driver_check(url: URL, shown_db: str) -> None:
    if url.get_driver_name() != DRIVER:
        raise DatabaseError(
            f"{shown_db}: PostgreSQL warehouses are reached with psycopg 3; "
            f"write the URL as postgresql+psycopg://USER@HOST:PORT/DATABASE")


def _quoted(schema: str):
    from psycopg import sql

    return sql.Identifier(schema)


def _configure_session(dbapi_connection, schema: str, read_only: bool = False,
                       lock_timeout: str | None = None) -> None:
    """Run on every new connection: the warehouse's schema; read-only transactions, or
    how long a statement waits for a lock, if asked."""
    from psycopg import sql

    autocommit = dbapi_connection.autocommit
    dbapi_connection.autocommit = True
    try:
        dbapi_connection.execute(sql.SQL("set search_path to {}").format(_quoted(schema)))
        if read_only:
            dbapi_connection.execute("set session characteristics as transaction read only")
        if lock_timeout is not None:
            dbapi_connection.execute("select set_config('lock_timeout', %s, false)", [lock_timeout])
    finally:
        dbapi_connection.autocommit = autocommit


def one_line(exc: BaseException) -> str:
    """The driver's message, on one line (without SQLAlchemy's background link)."""
    orig = getattr(exc, "orig", None) or exc
    return " ".join(str(orig).split())


# --- the loading engine ------------------------------------------------------------------

def open_engine(url: URL, wait_seconds: float) -> Engine:
    """An engine for the warehouse at ``url`` whose schema exists (it is created if missing).

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
    create_schema(engine, schema, where)
    return engine


def create_schema(engine: Engine, schema: str, where: str) -> None:
    """Create the warehouse's schema unless it exists (needs CREATE on the database only then)."""
    from psycopg import sql

    try:
        with engine.begin() as connection:
            if not schema_exists(connection, schema):
                cursor = connection.connection.cursor()
                cursor.execute(sql.SQL("create schema if not exists {}").format(_quoted(schema)))
                cursor.close()
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) in (UNIQUE_VIOLATION, DUPLICATE_SCHEMA):
            return  # another process created it a moment ago
        engine.dispose()
        raise DatabaseError(f"cannot open {where}: {one_line(exc)}") from exc


def schema_exists(connection: Connection, schema: str) -> bool:
    return connection.execute(
        text("select exists (select 1 from pg_catalog.pg_namespace where nspname = :schema)"),
        {"schema": schema},
    ).scalar_one()


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


# --- reading -------------------------------------------------------------------------------------

def read_only_engine(db_url: str) -> Engine:
    """An engine whose every transaction is read-only, in the warehouse's schema.

    Reading never creates anything: a schema that does not exist is an error.
    """
    url, schema = split_schema(make_url(db_url))
    where = shown(url, schema)
    _driver_check(url, where)
    try:
        engine = create_engine(url, poolclass=NullPool)
    except Exception as exc:
        raise DatabaseError(f"cannot open {where}: {one_line(exc)}") from exc
    _schemas[engine] = schema

    @event.listens_for(engine, "connect", insert=True)
    def _on_connect(dbapi_connection, _record):
        _configure_session(dbapi_connection, schema, read_only=True)

    try:
        with engine.connect() as connection:
            exists = schema_exists(connection, schema)
    except DBAPIError as exc:
        engine.dispose()
        raise DatabaseError(f"cannot connect to {where}: {one_line(exc)}") from exc
    if not exists:
        engine.dispose()
        raise DatabaseError(f"no warehouse at {where}: the schema does not exist "
                            "(build one with `warehouse run`)")
    return engine


def plain_value(value):
    """A value as SQLite would give it: timestamps as ISO-8601 UTC text with microseconds,
    dates as YYYY-MM-DD, whole numerics as int and other numerics as float."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
            return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return value.strftime("%Y-%m-%dT%H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        if value.is_finite() and value == value.to_integral_value():
            return int(value)
        return float(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (clock_time, timedelta, UUID)):
        return str(value)
    if isinstance(value, memoryview):
        return bytes(value)
    return value


def run_query(db_url: str, sql: str, params: Mapping[str, object],
              limit: int | None) -> tuple[list[str], list[tuple], bool]:
    """Run one statement in a read-only transaction; (columns, rows, truncated).

    The transaction is made read-only and a snapshot is taken before the user's SQL
    runs, so the SQL itself cannot switch it back to read-write.
    """
    import psycopg

    engine = read_only_engine(db_url)
    try:
        connection = engine.raw_connection()
    except DBAPIError as exc:
        engine.dispose()
        raise DatabaseError(f"cannot connect to {shown(engine.url, schema_of(engine))}: "
                            f"{one_line(exc)}") from exc
    try:
        statement, bound = bind_user_sql(sql, params, engine)
        cursor = connection.driver_connection.cursor()
        try:
            cursor.execute("set transaction read only")
            cursor.execute("select 1")     # takes the snapshot: read-write can no longer be set
            cursor.execute(statement, bound)
            if cursor.description is None:
                return [], [], False
            columns = [column.name for column in cursor.description]
            rows = cursor.fetchall() if limit is None else cursor.fetchmany(limit + 1)
        except psycopg.Error as exc:
            raise QueryError(describe_sql_error(exc, sql if bound is None else None)) from exc
        finally:
            cursor.close()
    finally:
        connection.close()         # NullPool: the session ends here, rolling back
        engine.dispose()
    truncated = limit is not None and len(rows) > limit
    rows = rows[:limit] if truncated else rows
    return columns, [tuple(plain_value(v) for v in row) for row in rows], truncated


def bind_user_sql(sql: str, params: Mapping[str, object], engine: Engine):
    """(statement, parameters) for psycopg: ``:name`` becomes a bound parameter.

    Without any ``:name`` the SQL goes to the server exactly as written (so error
    positions point into it); with them, SQLAlchemy compiles them to psycopg's style.
    """
    compiled = text(sql).compile(dialect=engine.dialect)
    names = list(compiled.params)
    if not names:
        return sql, None
    missing = [name for name in names if name not in params]
    if missing:
        raise QueryError(f"the SQL uses :{missing[0]} but no --param {missing[0]}=VALUE was given")
    return compiled.string, {name: params[name] for name in names}


def describe_sql_error(exc, sql: str | None) -> str:
    """One line: what PostgreSQL said, and where in the SQL when it says (and we can tell)."""
    diag = exc.diag
    message = " ".join((diag.message_primary or str(exc)).split())
    if diag.sqlstate == READ_ONLY_TRANSACTION:
        return f"warehouse query is read-only: {message}"
    where = ""
    if sql is not None and diag.statement_position:
        offset = int(diag.statement_position) - 1
        line = sql.count("\n", 0, offset) + 1
        column = offset - (sql.rfind("\n", 0, offset) + 1) + 1
        where = f" (at line {line}, column {column})"
    return f"SQL error: {message}{where}"


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

    def open(self, db: str, wait_seconds: float) -> Engine:
        return open_engine(url_of(db), wait_seconds)

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

    def run_query(self, db: str, sql: str, params: Mapping[str, object],
                  limit: int | None) -> tuple[list[str], list[tuple], bool]:
        return run_query(db, sql, params, limit)

    def plain_value(self, value):
        return plain_value(value)


ENGINE = PostgreSQL()
