"""DuckDB: the warehouse is one file, named by ``duckdb:///PATH`` (for analysts whose data
outgrew SQLite on one machine: a columnar engine that uses every core).

Everything here is Python that DuckDB alone needs; the SQL stays in ``sql/`` (with a
``<name>.duckdb.sql`` twin where a statement must differ, see DESIGN.md). SQLAlchemy
reaches DuckDB through the ``duckdb_engine`` dialect (the optional ``[duckdb]`` extra);
this module imports neither until a DuckDB warehouse is opened.

- **Connections.** Every connection sets ``memory_limit`` and ``threads`` explicitly
  (``MEMORY_LIMIT``, ``THREADS``; ``WAREHOUSE_DUCKDB_MEMORY_LIMIT`` / ``_THREADS``
  override them; an ingest runs on ``INGEST_THREADS``, ``_INGEST_THREADS``), makes ``/`` on integers divide as SQLite and PostgreSQL do
  (``integer_division``), and never installs or loads an extension (the ones the SQL
  uses are built into the wheel; a locked-down machine cannot download any). A pool
  keeps no connection: DuckDB locks the file while it is open, so it is closed as soon
  as a transaction ends and a reader in another process can open it between runs.
- **Transactions.** ``BEGIN`` … ``COMMIT``: a file's Bronze rows, the transform and its
  checks commit together or not at all; DuckDB's write-ahead log makes a commit durable,
  and kill -9 at any point leaves the file as before or after the last commit.
- **Run lock.** ``flock`` on ``<warehouse>.lock``, as for SQLite (``filelock``).
- **Bulk rows** go in a chunk at a time as a JSON Lines file that DuckDB reads in C++
  (``duckdb_bulk``), never a statement per row.
- **pandas** stays unimported: DuckDB's binding would import it at the first parameter
  (``duckdb_driver``).
- **Reading** through read-only connections with a statement check (``duckdb_read``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.pool import NullPool

from ecommerce_warehouse.engines import duckdb_read
from ecommerce_warehouse.engines.base import BulkWriter, WarehouseEngine
from ecommerce_warehouse.engines.duckdb_config import EXTRA, ingest_settings, settings
from ecommerce_warehouse.engines.filelock import file_run_lock
from ecommerce_warehouse.errors import (
    DatabaseError,
    UnsupportedEngineError,
    WarehouseBusyError,
    WarehouseError,
)
from ecommerce_warehouse.settings import DEFAULT_SCHEMA


def require_driver() -> None:
    """UnsupportedEngineError (exit 2) naming the extra when DuckDB is not installed."""
    try:
        import duckdb  # noqa: F401
        import duckdb_engine  # noqa: F401
    except ImportError:
        raise UnsupportedEngineError(
            f"DuckDB warehouses need the duckdb extra, which is not installed: {EXTRA}") from None


def url_of(db: str) -> URL:
    try:
        url = make_url(db)
    except ArgumentError as exc:
        raise DatabaseError(f"--db {db} is not a file path or database URL") from exc
    if not url.database or url.database == ":memory:":
        raise DatabaseError(f"--db {db}: a DuckDB warehouse is a file: duckdb:///PATH/warehouse.duckdb")
    return url


def file_path(url: URL) -> Path:
    return Path(url.database).expanduser().absolute()


class DuckDB(WarehouseEngine):
    name = "duckdb"
    example = "duckdb:///PATH/warehouse.duckdb (the [duckdb] extra)"

    def with_schema(self, db: str, schema: str | None) -> str:
        if schema is None or schema == DEFAULT_SCHEMA:
            return db
        raise ValueError("schemas are for PostgreSQL warehouses; a DuckDB warehouse is a file "
                         "of its own (give another --db path instead)")

    def local_file(self, db: str) -> Path | None:
        return file_path(url_of(db))

    # --- opening ----------------------------------------------------------------------------

    def open(self, db: str, wait_seconds: float, create: bool = True) -> Engine:
        require_driver()
        path = file_path(url_of(db))
        if create:
            from ecommerce_warehouse.engines.sqlite import make_folder
            make_folder(path)
        else:
            duckdb_read.existing_file(path)
        if path.is_dir():
            raise DatabaseError(f"{path} is a folder, not a warehouse file")
        engine = create_engine(URL.create("duckdb", database=str(path)), poolclass=NullPool,
                               connect_args={"config": settings()})
        _configure(engine, wait_seconds)
        return engine

    def open_read_only(self, db: str) -> Engine:
        require_driver()
        path = duckdb_read.existing_file(file_path(url_of(db)))
        return duckdb_read.read_only_engine(path)

    @contextmanager
    def run_lock(self, engine: Engine, wait_seconds: float) -> Iterator[None]:
        with file_run_lock(Path(engine.url.database), wait_seconds):
            yield

    # --- writing ----------------------------------------------------------------------------

    def bulk_writer(self, connection: Connection, name: str, statement: str,
                    columns: tuple[str, ...]) -> BulkWriter:
        from ecommerce_warehouse.engines.duckdb_bulk import JsonLinesChunks
        return JsonLinesChunks(connection, name, statement, columns)

    @contextmanager
    def ingest_tuning(self, connection: Connection, step: str) -> Iterator[None]:
        """DuckDB's threads and memory limit for a step of an ingest
        (``duckdb_config.ingest_settings``), then the ones every connection opens with
        (``settings``) again, error or not. A bulk file's 'indexes' keep the connection's
        own (the DuckDB twins declare none to build)."""
        if step == "indexes":
            yield
            return
        _set_threads_and_memory(connection, ingest_settings(step))
        try:
            yield
        except BaseException:
            # a failed statement may have aborted the transaction, which then refuses even
            # a SET: the error that did it is the one to raise (the connection closes with
            # the transaction, and the next opens with its settings)
            with suppress(DBAPIError):
                _set_threads_and_memory(connection, settings())
            raise
        _set_threads_and_memory(connection, settings())

    def translate(self, engine: Engine, exc: DBAPIError) -> WarehouseError | None:
        import duckdb

        orig = exc.orig
        if isinstance(orig, duckdb.ConstraintException):
            return None
        message = describe_error(engine, orig if orig is not None else exc)
        if message is None:
            return None
        if message.startswith("warehouse is busy"):
            return WarehouseBusyError(message)
        return DatabaseError(message)

    def changed_rows(self, result) -> int:
        """DuckDB answers an INSERT, UPDATE or DELETE with one row: the count it changed."""
        if result.returns_rows and list(result.keys()) == ["Count"]:
            return int(result.scalar() or 0)
        return 0

    # --- reading ----------------------------------------------------------------------------

    def run_query(self, db: str, sql: str, params: Mapping[str, object],
                  limit: int | None) -> tuple[list[str], list[tuple], bool]:
        require_driver()
        path = duckdb_read.existing_file(file_path(url_of(db)))
        return duckdb_read.run_query(path, sql, params, limit)

    def plain_value(self, value):
        return duckdb_read.plain_value(value)

    def inspector(self, connection: Connection):
        from ecommerce_warehouse.engines.duckdb_inspect import DuckDBInspector

        return DuckDBInspector(connection)


def _configure(engine: Engine, wait_seconds: float) -> None:
    """Per-connection settings, and a connection that waits for a reader's file lock."""

    @event.listens_for(engine, "do_connect")
    def _connect(_dialect, _record, cargs, cparams):
        return duckdb_read.wrapped(duckdb_read.connect_waiting(
            engine.url.database, dict(cparams["config"]), wait_seconds, read_only=False))


def _set_threads_and_memory(connection: Connection, values: Mapping[str, object]) -> None:
    connection.exec_driver_sql("set threads = ?", (int(values["threads"]),))
    connection.exec_driver_sql("set memory_limit = ?", (values["memory_limit"],))


def describe_error(engine: Engine, exc: BaseException) -> str | None:
    """A one-line message for a database-level failure, naming the warehouse file (None:
    not a failure of the database itself, e.g. a SQL error in a file)."""
    import duckdb

    where = engine.url.database
    detail = " ".join(str(exc).split())
    if isinstance(exc, duckdb.IOException):
        if "lock" in detail.lower():
            return (f"warehouse is busy: another process has {where} open; gave up waiting "
                    "for it (see --wait), try again when it has finished")
        if "No space left" in detail or "disk" in detail.lower():
            return f"cannot write {where}: the disk is full or failed ({detail}); the last commit is intact"
        return f"cannot open {where}: {detail}"
    if isinstance(exc, duckdb.OutOfMemoryException):
        return (f"DuckDB ran out of memory on {where} (memory_limit {settings()['memory_limit']}, "
                f"{ingest_settings('records')['memory_limit']} loading records / "
                f"{ingest_settings('copies')['memory_limit']} in an ingest; raise them with "
                f"WAREHOUSE_DUCKDB_MEMORY_LIMIT and WAREHOUSE_DUCKDB_INGEST_MEMORY_LIMIT): {detail}")
    if isinstance(exc, (duckdb.SerializationException, duckdb.FatalException, duckdb.InternalException)):
        return f"database error on {where}: {detail}"
    if isinstance(exc, duckdb.TransactionException):
        return f"database error on {where}: {detail}"
    return None


ENGINE = DuckDB()
