"""DuckDB, read-only: a user's SQL (``warehouse query``) and the package's own reads.

A person's ad-hoc SQL goes to the warehouse, so the read path is locked three ways, each
enough on its own to stop a write:

1. the file is opened ``read_only``, so DuckDB itself refuses any write to it;
2. the connection cannot reach anything outside the file: ``enable_external_access``
   is off (no ``COPY … TO``, ``ATTACH``, ``read_csv`` of other files, ``INSTALL`` or
   ``LOAD``), and ``lock_configuration``, set as soon as it opens, stops the SQL from
   turning it back on;
3. a statement check (DuckDB's own parser, ``extract_statements``) lets only one
   ``SELECT`` (``DESCRIBE``, ``SHOW`` and ``SUMMARIZE`` are selects) or ``EXPLAIN`` run:
   ``COPY``, ``ATTACH``, ``EXPORT DATABASE``, ``INSTALL``/``LOAD``, ``SET`` and pragma
   writes, ``CALL`` and every statement that writes are refused by name before they run.

DuckDB lets one process open a file for writing, and no other process open it at all
meanwhile: a reader that finds a run writing waits for it (``connect_waiting``, up to
``DEFAULT_WAIT_SECONDS``), then says the warehouse is busy. Reading never creates a
warehouse: a missing, empty or non-DuckDB file is an error.
"""

from __future__ import annotations

import re
import time
from collections.abc import Mapping
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from decimal import Decimal
from pathlib import Path
from uuid import UUID

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine
from sqlalchemy.pool import NullPool

from ecommerce_warehouse.engines.duckdb_config import SESSION, settings
from ecommerce_warehouse.errors import DatabaseError, QueryError, WarehouseBusyError
from ecommerce_warehouse.settings import DEFAULT_WAIT_SECONDS

# A DuckDB file's header: 8 bytes of checksum, then the magic bytes.
MAGIC = b"DUCK"
MAGIC_AT = 8
LOCK_POLL_SECONDS = 0.1
# What a user's statement may be (DuckDB's parser's StatementType names).
ALLOWED_STATEMENTS = frozenset({"SELECT", "EXPLAIN"})


def existing_file(path: Path) -> Path:
    """``path`` if it is an existing DuckDB file; a clear error when it is not."""
    if not path.exists():
        raise DatabaseError(f"no warehouse at {path}: the file does not exist "
                            "(build one with `warehouse run`)")
    if path.is_dir():
        raise DatabaseError(f"{path} is a folder, not a warehouse file")
    try:
        with path.open("rb") as handle:
            header = handle.read(MAGIC_AT + len(MAGIC))
    except OSError as exc:
        raise DatabaseError(f"cannot read {path}: {exc.strerror}") from exc
    if not header:
        raise DatabaseError(f"{path} is empty, not a warehouse (build one with `warehouse run`)")
    if header[MAGIC_AT:] != MAGIC:
        raise DatabaseError(f"{path} is not a DuckDB database file")
    return path


def read_only_settings() -> dict[str, object]:
    """The engine's settings, and no way out of the file. (The configuration is locked
    once the connection is open, by ``connect_waiting``, after the session settings.)"""
    return {**settings(), "enable_external_access": False}


def connect_waiting(database: str, config: dict, wait_seconds: float, read_only: bool,
                    share_writer: bool = False, lock: bool = False):
    """A DuckDB connection to the file, waiting up to ``wait_seconds`` while another
    process has it open (DuckDB allows one process at a time); then "warehouse is busy".

    ``share_writer``: if this process itself has the file open for writing (DuckDB then
    refuses a connection of another configuration, read-only too), share that database
    instead: MVCC shows this connection the last commit only. For the package's own reads
    (the walkthrough shows what another connection sees mid-transform); never for a
    user's SQL. ``lock``: lock the configuration once the session settings are made (a
    user's SQL; DuckDB locks it for the whole database, so only for a connection of its own).
    """
    import duckdb

    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            connection = duckdb.connect(database, read_only=read_only, config=config)
            session(connection)
            if lock:            # nothing the SQL runs may turn external access back on
                connection.execute("set lock_configuration = true")
            break
        except duckdb.ConnectionException as exc:
            if not (share_writer and "different configuration" in str(exc)):
                raise DatabaseError(f"cannot open {database}: {' '.join(str(exc).split())}") from exc
            connection = duckdb.connect(database, config=settings())
            session(connection)
            break
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise DatabaseError(f"cannot open {database}: {' '.join(str(exc).split())}") from exc
            if time.monotonic() >= deadline:
                raise WarehouseBusyError(
                    f"warehouse is busy: another process has {database} open; waited "
                    f"{wait_seconds:g} s for it (see --wait), try again when it has finished") from None
            time.sleep(LOCK_POLL_SECONDS)
        except duckdb.Error as exc:
            raise DatabaseError(f"cannot open {database}: {' '.join(str(exc).split())}") from exc
    return connection


def session(connection) -> None:
    """The per-connection settings (SESSION); none on a database whose configuration a
    user's query connection in this process has locked (it made them before it locked)."""
    import duckdb

    for statement in SESSION:
        try:
            connection.execute(statement)
        except duckdb.InvalidInputException as exc:
            if "configuration has been locked" not in str(exc):
                raise


def wrapped(connection):
    """A DuckDB connection as the duckdb_engine dialect hands it to SQLAlchemy (binding
    parameters without importing pandas: ``duckdb_driver``)."""
    from ecommerce_warehouse.engines.duckdb_driver import Connection

    return Connection(connection)


def read_only_engine(path: Path) -> Engine:
    """An engine whose connections open the file read-only, without external access."""
    engine = create_engine(URL.create("duckdb", database=str(path)), poolclass=NullPool)

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect, _record, _cargs, _cparams):
        return wrapped(connect_waiting(str(path), read_only_settings(), DEFAULT_WAIT_SECONDS,
                                       read_only=True, share_writer=True))

    return engine


def check_statement(sql: str) -> None:
    """QueryError unless ``sql`` is one statement that only reads."""
    import duckdb

    try:
        found = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise QueryError(describe_sql_error(exc, sql)) from exc
    if len(found) > 1:
        raise QueryError("give one statement at a time (the SQL holds more than one)")
    if not found:
        raise QueryError("give one SQL statement (the SQL holds none)")
    kind = found[0].type.name
    if kind not in ALLOWED_STATEMENTS:
        words = " ".join(found[0].query.split()[:2]).upper()
        raise QueryError(f"warehouse query is read-only: {kind.replace('_', ' ')} ({words} …) is not "
                         "allowed; only SELECT (with DESCRIBE, SHOW, SUMMARIZE) or EXPLAIN may run")


def run_query(path: Path, sql: str, params: Mapping[str, object],
              limit: int | None) -> tuple[list[str], list[tuple], bool]:
    """Run one statement on a read-only connection: (columns, rows, truncated)."""
    import duckdb

    from ecommerce_warehouse.engines.duckdb_driver import pandas_not_imported

    statement, bound = bind_user_sql(sql, params)
    check_statement(statement)
    connection = connect_waiting(str(path), read_only_settings(), DEFAULT_WAIT_SECONDS, read_only=True,
                                 lock=True)
    try:
        with pandas_not_imported():
            cursor = connection.execute(statement, bound) if bound else connection.execute(statement)
        if cursor.description is None:
            return [], [], False
        columns = [column[0] for column in cursor.description]
        rows = cursor.fetchall() if limit is None else cursor.fetchmany(limit + 1)
    except duckdb.Error as exc:
        raise QueryError(describe_sql_error(exc, sql)) from exc
    finally:
        connection.close()
    truncated = limit is not None and len(rows) > limit
    rows = rows[:limit] if truncated else rows
    return columns, [tuple(plain_value(v) for v in row) for row in rows], truncated


PARAMETER = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")


def bind_user_sql(sql: str, params: Mapping[str, object]) -> tuple[str, dict | None]:
    """``:name`` parameters as DuckDB's ``$name``, with their values; none: the SQL as written."""
    names = list(dict.fromkeys(PARAMETER.findall(_without_strings(sql))))
    if not names:
        return sql, None
    missing = [name for name in names if name not in params]
    if missing:
        raise QueryError(f"the SQL uses :{missing[0]} but no --param {missing[0]}=VALUE was given")
    statement = PARAMETER.sub(lambda m: "$" + m.group(1) if m.group(1) in names else m.group(0), sql)
    return statement, {name: params[name] for name in names}


def _without_strings(sql: str) -> str:
    return re.sub(r"'(?:[^']|'')*'|--[^\n]*", "''", sql)


def describe_sql_error(exc, sql: str) -> str:
    """One line: what DuckDB said (its first line names the token and often the line)."""
    message = " ".join(str(exc).split("\n")[0].split())
    if "read-only" in message.lower() or "read only" in message.lower():
        return f"warehouse query is read-only: {message}"
    if "external access" in message.lower() or "disabled by configuration" in message.lower():
        return f"warehouse query is read-only and reaches nothing outside the warehouse: {message}"
    return f"SQL error: {message}"


def plain_value(value):
    """A value as SQLite would give it: times as ISO-8601 text, whole numbers as int."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
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
    return value
