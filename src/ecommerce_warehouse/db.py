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
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError

from ecommerce_warehouse import sqlfiles
from ecommerce_warehouse.engines import postgresql as postgres
from ecommerce_warehouse.errors import DatabaseError, SqlFileError, WarehouseBusyError
from ecommerce_warehouse.settings import DEFAULT_WAIT_SECONDS

SQLITE_PRAGMAS = (
    # 16 KiB pages for a new warehouse file (no effect on an existing one; it must come
    # before journal_mode, which writes the file's header). Bulk loads write a quarter of
    # the pages and system calls: 1M lines ingested in 12.3 s instead of 15.3 s and
    # transformed in 9.1 s instead of 10.9 s, the file 6% smaller (measured).
    "PRAGMA page_size = 16384",
    # Enforce the declared foreign keys (SQLite leaves them off by default).
    "PRAGMA foreign_keys = ON",
    # Readers never block the writer and a crash never corrupts the file.
    "PRAGMA journal_mode = WAL",
    # In WAL mode NORMAL is safe against application crashes; a power cut may lose
    # the last committed transactions but never corrupts the database.
    "PRAGMA synchronous = NORMAL",
)


# The page cache of a transform that adds fewer lines than the fact holds (KiB). Such a
# batch lands at scattered places in the fact's foreign-key indexes; SQLite's default
# cache (2 MB: 125 pages of 16 KiB) evicts those index pages between one line and the
# next, so each is read again and again. 10,000 lines into a 1M-line fact: its insert
# 114 -> 58 ms with 16 MB (measured). Not for bulk transforms: the cache also sizes the
# sorter's in-memory runs, and there 16 MB made the GROUP BYs slower and RSS +40 MB.
INCREMENT_CACHE_KIB = 16_384


@contextmanager
def increment_cache(connection: Connection) -> Iterator[None]:
    """SQLite: the bigger page cache for the block, then the connection's own again."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = int(connection.exec_driver_sql("pragma cache_size").scalar())
    connection.exec_driver_sql(f"pragma cache_size = -{INCREMENT_CACHE_KIB:d}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"pragma cache_size = {before:d}")


def utc_now() -> str:
    """The current time as ISO-8601 UTC text, as stored in load timestamps."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


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
        path = sqlite_file_path(parsed)
        database = str(path) if path else ""
        if path is not None:
            folder = path.parent
            if folder.exists() and not folder.is_dir():
                raise DatabaseError(f"{folder} is not a folder, so {database} cannot be created")
            folder.mkdir(parents=True, exist_ok=True)
            if Path(database).is_dir():
                raise DatabaseError(f"{database} is a folder, not a warehouse file")
        engine = create_engine(url, connect_args={"timeout": wait_seconds})
        _configure_sqlite(engine)
        return engine
    if parsed.get_backend_name() == postgres.DIALECT:
        return postgres.open_engine(parsed, wait_seconds)
    try:
        return create_engine(url)
    except Exception as exc:  # a missing driver or a malformed URL
        raise DatabaseError(f"cannot open {redacted(db)}: {exc}") from exc


def sqlite_file_path(url) -> Path | None:
    """The file a SQLite URL names, or None for an in-memory database.

    Handles URI form too (``sqlite:///file:/path/w.db?mode=ro&uri=true``), where the
    URL's database part is ``file:/path/w.db``.
    """
    database = url.database or ""
    if not database or database == ":memory:":
        return None
    if url.query.get("uri") in ("true", "1") and database.startswith("file:"):
        database = database[len("file:"):].split("?", 1)[0]
        if not database or database == ":memory:" or url.query.get("mode") == "memory":
            return None
    return Path(database)


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
        busy = postgres.lock_timeout_message(engine, exc)
        if busy is not None:
            raise WarehouseBusyError(busy) from exc
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
    if "disk I/O error" in detail or "database or disk is full" in detail:
        return f"cannot write {where}: the disk is full or failed ({detail}); the last commit is intact"
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
    PostgreSQL: a session-level advisory lock named after the warehouse's schema
    (``postgres.run_lock``), with the same wait and message.
    """
    if engine.dialect.name == postgres.DIALECT:
        with postgres.run_lock(engine, wait_seconds):
            yield
        return
    path = sqlite_file_path(engine.url) if engine.dialect.name == "sqlite" else None
    if path is None:
        yield
        return
    lock_path = Path(f"{path}.lock")
    try:
        # not a `with` here: an OSError raised by the caller's block must not be caught below
        handle = open(lock_path, "a")  # noqa: SIM115 - closed by the `with handle` that follows
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
                        f"warehouse is busy: another run is writing to {path}; "
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
    When the file's variant for the engine is ``copy <table> (<columns>) from stdin``
    (PostgreSQL), the rows are streamed to it with COPY instead (``postgres.CopyRows``):
    one COPY across ``run`` calls, so use it as a context manager (or call ``finish``)
    and ``finish`` before the connection runs any other statement. ``statement``, if
    given, is run instead of the file's (the PostgreSQL benchmark times the portable
    INSERT on a server that has a COPY variant).
    """

    def __init__(self, connection: Connection, name: str, columns: tuple[str, ...],
                 statement: str | None = None):
        if statement is None:
            (statement,) = sqlfiles.statements(name, connection.dialect.name)
        self.copy = None
        if postgres.is_copy(statement):
            self.copy = postgres.CopyRows(connection, name, statement, columns)
            return
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
        if self.copy is not None:
            self.copy.run(rows)
            return
        if rows:
            batch = rows if self.reorder is None else [self.reorder(row) for row in rows]
            self.connection.exec_driver_sql(self.sql, batch)

    def finish(self) -> None:
        """Every row given so far is in the table (ends a COPY in progress; else nothing)."""
        if self.copy is not None:
            self.copy.finish()

    def abort(self, exc: BaseException) -> None:
        """End a COPY in progress with an error (the transaction then rolls back); else nothing."""
        if self.copy is not None:
            self.copy.abort(exc)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type, exc, _traceback) -> None:
        if exc is None:
            self.finish()
        else:
            self.abort(exc)


def ensure_schema(engine: Engine) -> None:
    """Create every table, index and view that is missing (idempotent).

    Table files say `create table if not exists`. View files say plain `create view`
    (the one form both engines accept), so a view is created only when it is missing:
    an existing view is never replaced under a reader's open transaction.
    """
    with write_transaction(engine) as connection:
        for name in sqlfiles.SCHEMA:
            run_sql(connection, name, {"now": utc_now()})
        existing = set(inspect(connection).get_view_names())
        for name in sqlfiles.VIEWS:
            if name.split("/")[-1] not in existing:
                run_sql(connection, name)
