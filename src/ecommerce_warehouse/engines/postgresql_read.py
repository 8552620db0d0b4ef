"""PostgreSQL, read-only: a user's SQL (``warehouse query``) and the package's own reads.

Reads go through sessions whose every transaction is read-only; a user's query also
runs in a transaction made read-only (and its snapshot taken) before the SQL runs, so the
SQL cannot switch it back to read-write. The server's own privileges still apply: on a
shared server point ``--db`` at a role that may only read (see README).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from uuid import UUID

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import NullPool

from ecommerce_warehouse.engines.postgresql_session import (
    READ_ONLY_TRANSACTION,
    _configure_session,
    _driver_check,
    _schemas,
    one_line,
    schema_exists,
    schema_of,
    shown,
    split_schema,
)
from ecommerce_warehouse.errors import DatabaseError, QueryError


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
