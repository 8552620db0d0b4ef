"""Open the warehouse, run SQL files against it, and keep its settings in one place.

The warehouse is named by a file path (SQLite, the default) or a SQLAlchemy URL.
Every write happens inside ``write_transaction``; on SQLite it starts with
``BEGIN IMMEDIATE`` so a writer takes the write lock up front instead of failing
half-way through.
"""

from __future__ import annotations

import fcntl
import sqlite3
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from . import sqlfiles
from .errors import DatabaseError, SqlFileError, WarehouseBusyError
from .settings import DEFAULT_WAIT_SECONDS


SQLITE_PRAGMAS = (
    # Enforce the declared foreign keys (SQLite leaves them off by default).
    "PRAGMA foreign_keys = ON",
    # Readers never block the writer and a crash never corrupts the file.
    "PRAGMA journal_mode = WAL",
    # In WAL mode NORMAL is safe against application crashes; a power cut may lose
    # the last committed transactions but never corrupts the database.
    "PRAGMA synchronous = NORMAL",
)


def utc_now() -> str:
    """The current time as ISO-8601 UTC text, as stored in load timestamps."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def database_url(db: str) -> str:
    """Turn the --db value (a file path or a SQLAlchemy URL) into a URL."""
    if "://" in db:
        return db
    return "sqlite:///" + str(Path(db).expanduser().absolute())


def redacted(db: str) -> str:
    """The --db value safe to print: any password in a URL is masked."""
    if "://" not in db:
        return db
    try:
        return make_url(db).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable database URL>"


def open_engine(db: str, wait_seconds: float = DEFAULT_WAIT_SECONDS) -> Engine:
    """An engine for the warehouse at ``db``; the SQLite file's folder is created if missing.

    ``wait_seconds``: how long a statement waits for another writer's lock.
    """
    url = database_url(db)
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseError(f"--db {redacted(db)} is not a file path or database URL") from exc
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database and database != ":memory:":
            folder = Path(database).parent
            if folder.exists() and not folder.is_dir():
                raise DatabaseError(f"{folder} is not a folder, so {database} cannot be created")
            folder.mkdir(parents=True, exist_ok=True)
            if Path(database).is_dir():
                raise DatabaseError(f"{database} is a folder, not a warehouse file")
        engine = create_engine(url, connect_args={"timeout": wait_seconds})
        _configure_sqlite(engine)
        return engine
    try:
        return create_engine(url)
    except Exception as exc:  # a missing driver or a malformed URL
        raise DatabaseError(f"cannot open {redacted(db)}: {exc}") from exc


def _configure_sqlite(engine: Engine) -> None:
    """Per-connection pragmas, and explicit BEGIN IMMEDIATE for transactions.

    Python's sqlite3 module would otherwise begin transactions lazily (and not before
    DDL); SQLAlchemy's documented recipe hands transaction control back to us.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            for pragma in SQLITE_PRAGMAS:
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction that commits when the block ends and rolls back on any error."""
    try:
        with engine.begin() as connection:
            yield connection
    except OperationalError as exc:
        message = describe_operational_error(engine, exc)
        if message.startswith("warehouse is busy"):
            raise WarehouseBusyError(message) from exc
        raise DatabaseError(message) from exc
    except DBAPIError as exc:
        if isinstance(exc.orig, sqlite3.DatabaseError) and not isinstance(
            exc.orig, sqlite3.IntegrityError
        ):
            raise DatabaseError(describe_operational_error(engine, exc)) from exc
        raise


def describe_operational_error(engine: Engine, exc: DBAPIError) -> str:
    """A one-line message for a database-level failure, naming the warehouse."""
    where = redacted(engine.url.render_as_string(hide_password=True))
    if engine.url.get_backend_name() == "sqlite":
        where = engine.url.database or where
    detail = str(exc.orig) if exc.orig is not None else str(exc)
    if "database is locked" in detail:
        return (
            f"warehouse is busy: another process is writing to {where}; gave up waiting "
            f"for it (see --wait), try again when it has finished"
        )
    if "file is not a database" in detail or "malformed" in detail:
        return f"{where} is not a SQLite warehouse (or it is corrupt): {detail}"
    if "readonly" in detail or "read-only" in detail:
        return f"{where} is read-only: {detail}"
    if "unable to open" in detail:
        return f"cannot open {where}: {detail}"
    return f"database error on {where}: {detail.splitlines()[0] if detail else exc}"


@contextmanager
def exclusive_run(engine: Engine, wait_seconds: float = DEFAULT_WAIT_SECONDS) -> Iterator[None]:
    """Hold the warehouse's run lock for a whole command, so two runs never interleave.

    SQLite: an exclusive ``flock`` on ``<warehouse>.lock`` beside the file, released by
    the kernel when the process ends, even by kill -9. A second run waits up to
    ``wait_seconds``, then fails with "warehouse is busy". Readers never take it.
    """
    if engine.dialect.name != "sqlite" or not engine.url.database or engine.url.database == ":memory:":
        yield
        return
    lock_path = Path(engine.url.database + ".lock")
    try:
        handle = open(lock_path, "a")
    except OSError as exc:
        raise DatabaseError(f"cannot create the lock file {lock_path}: {exc.strerror}") from exc
    with handle:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WarehouseBusyError(
                        f"warehouse is busy: another run is writing to {engine.url.database}; "
                        f"waited {wait_seconds:g} s for it (see --wait), try again when it has finished"
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def run_sql(connection: Connection, name: str, params: Mapping | None = None) -> int:
    """Run every statement of one SQL file; return the rows the statements changed."""
    changed = 0
    for statement in sqlfiles.statements(name, connection.dialect.name):
        result = connection.execute(text(statement), dict(params or {}))
        if result.rowcount and result.rowcount > 0:
            changed += result.rowcount
    return changed


def query_sql(connection: Connection, name: str, params: Mapping | None = None):
    """Run a one-statement SQL file that returns rows; return the result."""
    (statement,) = sqlfiles.statements(name, connection.dialect.name)
    return connection.execute(text(statement), dict(params or {}))


class BulkInsert:
    """Insert many rows with one prepared statement from a SQL file, at driver speed.

    Rows are tuples in the order of ``columns``. SQLAlchemy's ``text()`` compiles the
    file's ``:name`` parameters to the driver's own style once; the rows then go to the
    driver's executemany as they are (reordered only if the driver's order differs).
    """

    def __init__(self, connection: Connection, name: str, columns: tuple[str, ...]):
        (statement,) = sqlfiles.statements(name, connection.dialect.name)
        compiled = text(statement).compile(dialect=connection.dialect)
        if set(compiled.params) != set(columns):
            raise SqlFileError(f"{name}.sql binds {sorted(compiled.params)}, expected {sorted(columns)}")
        self.connection = connection
        self.sql = compiled.string
        self.columns = columns
        order = compiled.positiontup
        self.reorder = None
        if order is None:                      # a named paramstyle: pass dicts
            self.reorder = lambda row: dict(zip(columns, row))
        elif tuple(order) != columns:
            index = [columns.index(name) for name in order]
            self.reorder = lambda row: tuple(row[i] for i in index)

    def run(self, rows: list[tuple]) -> None:
        if rows:
            batch = rows if self.reorder is None else [self.reorder(row) for row in rows]
            self.connection.exec_driver_sql(self.sql, batch)


def ensure_schema(engine: Engine) -> None:
    """Create every table, index and view that is missing (idempotent)."""
    with write_transaction(engine) as connection:
        for name in sqlfiles.SCHEMA:
            run_sql(connection, name, {"now": utc_now()})
        for name in sqlfiles.VIEWS:
            run_sql(connection, name)
