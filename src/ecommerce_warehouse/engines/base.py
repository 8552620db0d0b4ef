"""What every engine gives the rest of the package: the one interface behind ``--db``.

An engine is where a warehouse lives: SQLite (a file, the default) and PostgreSQL (a
schema on a server) today. The rest of the package never asks which engine it runs on;
it asks the engine (``engines.for_db(db)`` once, from the ``--db`` value, or
``engines.of(connection)`` for an open one). Everything that differs between engines is a
method here, overridden in that engine's module, or a ``<name>.<engine>.sql`` twin of a
SQL file (``sqlfiles``).

The connections handed around are SQLAlchemy's. An engine without a SQLAlchemy dialect
(Spark) would implement this interface with a small connection adapter that runs a
statement with bound ``:name`` parameters and returns rows; the SQL never relies on
identity columns or ``lastrowid`` (surrogate keys are given by the SQL itself), so it
needs none.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Self

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from ecommerce_warehouse.errors import SqlFileError, WarehouseError
from ecommerce_warehouse.settings import DEFAULT_SCHEMA


class WarehouseEngine:
    """One engine. Subclasses set the class attributes and override what differs."""

    #: SQLAlchemy's dialect name; also the ``<engine>`` of ``<name>.<engine>.sql`` twins
    name = ""
    #: how --db names a warehouse on this engine, for --help and error messages
    example = ""

    # --- naming the warehouse ----------------------------------------------------------------

    def with_schema(self, db: str, schema: str | None) -> str:
        """``db`` with the --schema option folded in (ValueError, saying why, if it cannot be)."""
        if schema is None or schema == DEFAULT_SCHEMA:
            return db
        raise ValueError(f"--schema is for engines that keep several warehouses in one database; "
                         f"{self.name} does not (give another --db instead)")

    def db_of(self, engine: Engine) -> str:
        """The --db value that opens ``engine``'s warehouse again, password included (it goes
        to a child process, ``checks.ChecksAlongside``; never print it)."""
        return engine.url.render_as_string(hide_password=False)

    def local_file(self, db: str) -> Path | None:
        """The local file the warehouse is, if it is one (None for a server)."""
        return None

    # --- opening ------------------------------------------------------------------------------

    def open(self, db: str, wait_seconds: float, create: bool = True) -> Engine:
        """An engine for a command that writes. ``create``: the warehouse's home (a file, a
        schema) is created if missing (commands that load data); otherwise a missing one is
        a DatabaseError naming it, and nothing is created."""
        raise NotImplementedError

    def open_read_only(self, db: str) -> Engine:
        """An engine whose connections cannot write; a missing warehouse is an error."""
        raise NotImplementedError

    @contextmanager
    def run_lock(self, engine: Engine, wait_seconds: float) -> Iterator[None]:
        """Hold the warehouse's run lock for a whole command ("warehouse is busy" after
        ``wait_seconds``), so two runs never interleave. Readers never take it."""
        raise NotImplementedError
        yield  # pragma: no cover

    # --- writing ------------------------------------------------------------------------------

    def bulk_writer(self, connection: Connection, name: str, statement: str,
                    columns: tuple[str, ...]) -> BulkWriter:
        """Something that writes many rows with ``statement`` (a SQL file's, see db.BulkInsert)."""
        return ExecuteMany(connection, name, statement, columns)

    def changed_rows(self, result) -> int:
        """The rows one statement's result says it inserted, updated or deleted."""
        count = result.rowcount
        return count if count and count > 0 else 0

    def translate(self, engine: Engine, exc: DBAPIError) -> WarehouseError | None:
        """The error a database failure means to a user (busy, unusable, ...); None: re-raise it."""
        return None

    def ingest_tuning(self, connection: Connection, step: str):
        """Settings for a block of one file's ingest (``step``: 'records', their loading;
        'indexes', a bulk file's indexes built again after them; or 'copies', the duplicate
        check); restored afterwards."""
        return nullcontext()

    def transform_tuning(self, connection: Connection, bulk: bool):
        """Settings for the block of a transform (``bulk``: it adds at least as many lines
        as the fact holds); restored afterwards."""
        return nullcontext()

    def reads_beside_a_writer(self, connection: Connection) -> bool:
        """Can a second connection read committed data while ``connection`` holds the write
        transaction, without either waiting? (checks.ChecksAlongside uses one if so.)"""
        return False

    # --- reading ------------------------------------------------------------------------------

    def run_query(self, db: str, sql: str, params: Mapping[str, object],
                  limit: int | None) -> tuple[list[str], list[tuple], bool]:
        """Run a user's one statement read-only: (columns, rows, truncated)."""
        raise NotImplementedError

    def inspector(self, connection: Connection):
        """What ``warehouse docs`` reads the schema with (SQLAlchemy's inspector)."""
        from sqlalchemy import inspect

        return inspect(connection)

    def plain_value(self, value):
        """A value read back as SQLite would give it (ISO text for times, int for whole numbers)."""
        return value

    @contextmanager
    def one_snapshot(self, connection: Connection) -> Iterator[None]:
        """Every read on ``connection`` inside the block sees one and the same committed
        state, so reading many tables (``warehouse export``) gives a consistent copy while
        loads go on. Call it before the connection has run anything. By default the
        connection's own transaction, for an engine whose transactions are snapshots."""
        yield

    def stream_rows(self, connection: Connection, statement, batch_rows: int) -> Iterator[Sequence[tuple]]:
        """The rows of a SELECT in lists of at most ``batch_rows``, never the whole result in
        memory (a server-side cursor where the driver has one)."""
        result = connection.execution_options(stream_results=True, yield_per=batch_rows).execute(statement)
        try:
            yield from result.partitions(batch_rows)
        finally:
            result.close()


class BulkWriter:
    """Writes rows (tuples in ``columns`` order) with one SQL file's statement.

    ``run`` may keep a stream open between calls (PostgreSQL's COPY), so ``finish``
    before the connection runs any other statement; on an error, ``abort``. As a context
    manager it does both.
    """

    #: how rows travel: 'rows' (executemany), or a COPY's 'binary' / 'text'
    format = "rows"

    def run(self, rows: Sequence[tuple]) -> None:
        raise NotImplementedError

    def finish(self) -> None:
        """Every row given so far is in the table."""

    def abort(self, exc: BaseException) -> None:
        """End any stream in progress with an error (the transaction then rolls back)."""

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type, exc, _traceback) -> None:
        if exc is None:
            self.finish()
        else:
            self.abort(exc)


class ExecuteMany(BulkWriter):
    """Rows through the driver's executemany with one compiled statement.

    SQLAlchemy's ``text()`` compiles the file's ``:name`` parameters to the driver's own
    style once; the rows then go to the driver as they are (reordered only if the
    driver's order differs), several times faster than ``insert()`` with dicts.
    """

    def __init__(self, connection: Connection, name: str, statement: str, columns: tuple[str, ...]):
        compiled = text(statement).compile(dialect=connection.dialect)
        if set(compiled.params) != set(columns):
            raise SqlFileError(f"{name}.sql binds {sorted(compiled.params)}, expected {sorted(columns)}")
        self.connection = connection
        self.sql = compiled.string
        order = compiled.positiontup
        self.reorder = None
        if order is None:                      # a named paramstyle: pass dicts
            self.reorder = lambda row: dict(zip(columns, row))
        elif tuple(order) != columns:
            index = [columns.index(column) for column in order]
            self.reorder = lambda row: tuple(row[i] for i in index)

    def run(self, rows: Sequence[tuple]) -> None:
        if rows:
            batch = rows if self.reorder is None else [self.reorder(row) for row in rows]
            self.connection.exec_driver_sql(self.sql, batch)
