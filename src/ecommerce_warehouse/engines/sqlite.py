"""SQLite, the default engine: the warehouse is one file, named by a path or ``sqlite:///PATH``.

- **Transactions.** The driver's implicit transactions are switched off (SQLAlchemy's
  documented recipe) and every write transaction starts with ``BEGIN IMMEDIATE``, so a
  writer takes the write lock up front instead of failing half-way through.
- **Pragmas** on every connection (``PRAGMAS``; what each costs in safety is in DESIGN.md).
- **Run lock.** An exclusive ``flock`` on ``<warehouse>.lock`` beside the file, released
  by the kernel when the process ends, even by kill -9.
- **Reading** through the locked read-only connections of ``sqlite_read``.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, nullcontext
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, OperationalError
from sqlalchemy.pool import NullPool

from ecommerce_warehouse.engines import sqlite_read
from ecommerce_warehouse.engines.base import WarehouseEngine
from ecommerce_warehouse.engines.filelock import file_run_lock
from ecommerce_warehouse.errors import DatabaseError, WarehouseBusyError, WarehouseError
from ecommerce_warehouse.settings import DEFAULT_SCHEMA


def _bind_null(_value: None) -> None:
    return None


# None binds as NULL either way; with an adapter registered for it the sqlite3 module finds
# it in its registry at once, instead of looking up __adapt__ and __conform__ first for
# every None it binds. A page view's Bronze row has five or six NULLs: its executemany
# takes 0.90-0.95 s of CPU for 208,366 rows instead of 1.06-1.12 s (docs/BENCHMARKS.md).
sqlite3.register_adapter(type(None), _bind_null)

PRAGMAS = (
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

# The helper threads SQLite's sorter may start to build a bulk file's indexes again after
# its records (one per core beyond the first, at most 3). The records are loaded by then
# and the file's digest thread is done, so the other core is idle: the change events'
# index over 1M rows took 1.02-1.38 s alone, 0.70-0.91 s with helpers (measured).
INDEX_SORT_THREADS = max(0, min(os.cpu_count() or 1, 4) - 1)


def url_of(db: str) -> URL:
    """The SQLAlchemy URL of a --db value: a file path, or a sqlite:/// URL as given."""
    if "://" in db:
        try:
            return make_url(db)
        except ArgumentError as exc:
            raise DatabaseError(f"--db {db} is not a file path or database URL") from exc
    return make_url("sqlite:///" + str(Path(db).expanduser().absolute()))


def file_path(url: URL) -> Path | None:
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


class SQLite(WarehouseEngine):
    name = "sqlite"
    example = "a file path, or sqlite:///PATH"

    def with_schema(self, db: str, schema: str | None) -> str:
        if schema is None or schema == DEFAULT_SCHEMA:
            return db
        raise ValueError("schemas are for PostgreSQL warehouses; a SQLite warehouse is a file "
                         "of its own (give another --db path instead)")

    def local_file(self, db: str) -> Path | None:
        return file_path(url_of(db))

    # --- opening ----------------------------------------------------------------------------

    def open(self, db: str, wait_seconds: float, create: bool = True) -> Engine:
        """``create``: the file and its folder are made if missing; otherwise the file must
        be a SQLite file already. ``wait_seconds``: how long a statement waits for another
        writer's lock."""
        url = url_of(db)
        path = file_path(url)
        if path is not None:
            if create:
                make_folder(path)
            else:
                sqlite_read.existing_file(path)
            if path.is_dir():
                raise DatabaseError(f"{path} is a folder, not a warehouse file")
        engine = create_engine(url, connect_args={"timeout": wait_seconds})
        _configure(engine)
        return engine

    def open_read_only(self, db: str) -> Engine:
        """An engine whose connections are sqlite_read's locked read-only ones, so the
        package's own SQL files run on it without any risk of writing (and without the
        write lock the loading commands' engine takes)."""
        path = self._existing_file(db)
        return create_engine("sqlite://",
                             creator=lambda: sqlite_read.connect_read_only(path, transactions=True)[0],
                             poolclass=NullPool)

    def _existing_file(self, db: str) -> Path:
        url = url_of(db)
        database = url.database or ""
        if not database or database == ":memory:" or database.startswith("file:"):
            raise DatabaseError(f"--db {db} does not name a warehouse file to read")
        return sqlite_read.existing_file(Path(database))

    @contextmanager
    def run_lock(self, engine: Engine, wait_seconds: float) -> Iterator[None]:
        """An exclusive ``flock`` on ``<warehouse>.lock`` beside the file (an in-memory
        database needs none: no other process can reach it)."""
        path = file_path(engine.url)
        if path is None:
            yield
            return
        with file_run_lock(path, wait_seconds):
            yield

    # --- writing ----------------------------------------------------------------------------

    def translate(self, engine: Engine, exc: DBAPIError) -> WarehouseError | None:
        if isinstance(exc, OperationalError) or (
                isinstance(exc.orig, sqlite3.DatabaseError)
                and not isinstance(exc.orig, sqlite3.IntegrityError)):
            message = describe_error(engine, exc)
            if message.startswith("warehouse is busy"):
                return WarehouseBusyError(message)
            return DatabaseError(message)
        return None

    def ingest_tuning(self, connection: Connection, step: str):
        """Building a bulk file's indexes ('indexes'): the sorter's helper threads
        (INDEX_SORT_THREADS) for the block, then the connection's own again; other steps
        as they are."""
        if step != "indexes" or not INDEX_SORT_THREADS:
            return nullcontext()
        return _pragma_for_block(connection, "threads", INDEX_SORT_THREADS)

    def transform_tuning(self, connection: Connection, bulk: bool):
        """A small batch into a big fact: the bigger page cache (INCREMENT_CACHE_KIB) for
        the block, then the connection's own again."""
        if bulk:
            return nullcontext()
        return _pragma_for_block(connection, "cache_size", -INCREMENT_CACHE_KIB)

    def reads_beside_a_writer(self, connection: Connection) -> bool:
        """In WAL mode, on a file: a reader never waits for the writer, nor the writer for it."""
        return (file_path(connection.engine.url) is not None
                and connection.exec_driver_sql("pragma journal_mode").scalar() == "wal")

    # --- reading ----------------------------------------------------------------------------

    @contextmanager
    def one_snapshot(self, connection: Connection) -> Iterator[None]:
        """A deferred BEGIN: in WAL mode the first read fixes the snapshot every later read
        of the transaction sees (the connection otherwise runs each statement on its own)."""
        connection.exec_driver_sql("BEGIN")
        try:
            yield
        finally:
            connection.exec_driver_sql("ROLLBACK")      # a read-only transaction: nothing to keep

    def run_query(self, db: str, sql: str, params: Mapping[str, object],
                  limit: int | None) -> tuple[list[str], list[tuple], bool]:
        return sqlite_read.run_query(self._existing_file(db), sql, params, limit)


@contextmanager
def _pragma_for_block(connection: Connection, pragma: str, value: int) -> Iterator[None]:
    """``pragma`` set to ``value`` for the block, then to the connection's own value again,
    error or not (a name from this module, never from input; the values are integers)."""
    before = int(connection.exec_driver_sql(f"pragma {pragma}").scalar())
    connection.exec_driver_sql(f"pragma {pragma} = {value:d}")
    try:
        yield
    finally:
        connection.exec_driver_sql(f"pragma {pragma} = {before:d}")


def make_folder(path: Path) -> None:
    """The folder of a new warehouse file, made if missing; a DatabaseError saying why not."""
    folder = path.parent
    if folder.exists() and not folder.is_dir():
        raise DatabaseError(f"{folder} is not a folder, so {path} cannot be created")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        where = exc.filename or folder
        raise DatabaseError(f"cannot create the folder of {path}: {exc.strerror or exc} ({where})") from exc
    if not folder.is_dir():
        raise DatabaseError(f"cannot create the folder of {path}: {folder} is not a folder")


def _configure(engine: Engine) -> None:
    """Per-connection pragmas, and explicit BEGIN IMMEDIATE for transactions.

    Python's sqlite3 module would otherwise begin transactions lazily (and not before
    DDL); SQLAlchemy's documented recipe hands transaction control back to us.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            for pragma in PRAGMAS:
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def describe_error(engine: Engine, exc: DBAPIError) -> str:
    """A one-line message for a database-level failure, naming the warehouse file."""
    where = engine.url.database or engine.url.render_as_string(hide_password=True)
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


ENGINE = SQLite()
