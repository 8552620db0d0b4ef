"""DuckDB's bulk load: a chunk of rows goes in as columns, never a statement a row.

A bulk SQL file's DuckDB twin (``sql/ingest/insert_raw_transaction.duckdb.sql``, …) reads
its rows from ``chunk``, a temporary view of the chunk (columns named after the portable
file's ``:parameters``). ``ColumnChunks.run`` turns the rows into one NumPy array per
column, which DuckDB scans in C++ (its replacement scan of Python objects); then the file's
statement runs once for the whole chunk. Whole numbers travel as ``int64`` arrays with a
boolean array marking the NULLs (an array of Python objects would let DuckDB guess the
type from a sample and fail on a larger value later); text as arrays of Python strings.
So Python does one call per chunk and DuckDB writes columns, not rows. (pyarrow would do
the same at about 50 MB more memory, a third of the engine's budget; one JSON document
per chunk, parsed and unnested by DuckDB, was six times slower.)
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from ecommerce_warehouse.engines.base import BulkWriter
from ecommerce_warehouse.errors import SqlFileError

CHUNK_VIEW = "chunk"
ROWS = "chunk_rows"
NULL_SUFFIX = "__is_null"
VIEW_SHAPE = "warehouse_chunk_view"      # what the connection's view selects, kept on the connection


def column_kind(values: Sequence) -> str:
    """'int', 'float' or 'text': how a column of Python values travels (None aside)."""
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if kinds == {int}:
        return "int"
    if kinds and kinds <= {int, float}:
        return "float"
    return "text"


class ColumnChunks(BulkWriter):
    """Rows (tuples in ``columns`` order) into a twin that reads ``chunk``, one chunk a call."""

    format = "columns"

    def __init__(self, connection: Connection, name: str, statement: str, columns: tuple[str, ...]):
        if f"from {CHUNK_VIEW}" not in " ".join(statement.lower().split()):
            raise SqlFileError(f"{name}.duckdb.sql must read its rows from {CHUNK_VIEW} "
                               "(a DuckDB bulk file reads the chunk, not :parameters)")
        self.connection = connection
        self.statement = statement
        self.columns = columns

    def run(self, rows: Sequence[tuple]) -> None:
        import numpy

        if not rows:
            return
        arrays = {}
        shape = []
        for column, values in zip(self.columns, zip(*rows)):
            kind = column_kind(values)
            nulls = kind != "text" and None in values
            if kind == "text":
                arrays[column] = numpy.array(values, dtype=object)
            else:
                dtype = numpy.int64 if kind == "int" else numpy.float64
                arrays[column] = numpy.array([0 if v is None else v for v in values] if nulls else values,
                                             dtype=dtype)
                if nulls:
                    arrays[column + NULL_SUFFIX] = numpy.array([v is None for v in values], dtype=bool)
            shape.append((column, nulls))
        self._execute(arrays, tuple(shape))

    def _execute(self, chunk_rows: dict, shape: tuple) -> None:
        """Run the file's statement on the chunk. DuckDB finds ``chunk_rows`` among this
        frame's local variables (its replacement scan of Python objects), so the statement
        is run from here, on the driver's connection (the same connection and transaction
        SQLAlchemy holds). ``register`` would find it too, but DuckDB kept about 3 MB of
        every chunk registered that way until the process ended (measured)."""
        import duckdb

        driver = self.connection.connection.driver_connection
        execute = driver.execute
        statement = self.statement
        try:
            # the view is the connection's: kept while the chunks of one writer fit it
            if getattr(driver, VIEW_SHAPE, None) != shape:
                # names from the SQL file's parameters, never from the data
                listed = ", ".join(
                    f'case when "{column}{NULL_SUFFIX}" then null else "{column}" end as "{column}"'
                    if nulls else f'"{column}"' for column, nulls in shape)
                statement = f"create or replace temp view {CHUNK_VIEW} as select {listed} from {ROWS}"  # noqa: S608
                execute(statement)
                setattr(driver, VIEW_SHAPE, shape)
                statement = self.statement
            execute(statement)
        except duckdb.Error as exc:
            raise DBAPIError.instance(statement, None, exc, duckdb.Error) from exc
