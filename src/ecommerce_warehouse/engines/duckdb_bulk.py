"""DuckDB's bulk load: a chunk of rows goes in as columns, never a statement a row.

A bulk SQL file's DuckDB twin (``sql/ingest/insert_raw_transaction.duckdb.sql``, …) reads
its rows from ``chunk``, a temporary view of the chunk (columns named after the portable
file's ``:parameters``). ``ColumnChunks.run`` turns the rows into one NumPy array per
column, which DuckDB scans in C++ (its replacement scan of Python objects); then the file's
statement runs once for the whole chunk. Whole numbers travel as ``int64`` arrays with a
boolean array marking the NULLs (an array of Python objects would let DuckDB guess the
type from a sample and fail on a larger value later); text as arrays of Python strings,
with the same mask where a value is NULL (DuckDB's scan of an object array whose sample
holds only Nones fails inside DuckDB, looking for a first value); a column that is NULL in
every row of the chunk (a page view's ``utm_campaign`` in a chunk of direct visits) does
not travel at all: the view gives a NULL there.
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
    """'int', 'float', 'text' or 'null' (every value None): how a column of Python values
    travels."""
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if not kinds:
        return "null"
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
            if kind == "null":
                shape.append((column, None))
                continue
            nulls = None in values
            if nulls:
                arrays[column + NULL_SUFFIX] = numpy.array([v is None for v in values], dtype=bool)
                filler = "" if kind == "text" else 0
                values = [filler if v is None else v for v in values]
            dtype = {"int": numpy.int64, "float": numpy.float64}.get(kind, object)
            arrays[column] = numpy.array(values, dtype=dtype)
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
                listed = ", ".join(_selected(column, nulls) for column, nulls in shape)
                statement = f"create or replace temp view {CHUNK_VIEW} as select {listed} from {ROWS}"  # noqa: S608
                execute(statement)
                setattr(driver, VIEW_SHAPE, shape)
                statement = self.statement
            execute(statement)
        except duckdb.Error as exc:
            raise DBAPIError.instance(statement, None, exc, duckdb.Error) from exc


def _selected(column: str, nulls: bool | None) -> str:
    """The view's expression for one column: as it travelled, with its NULLs put back from
    the mask, or (``nulls`` None) a NULL in every row, which the file's statement casts to
    its column's type as it inserts."""
    if nulls is None:
        return f'null as "{column}"'
    if nulls:
        return f'case when "{column}{NULL_SUFFIX}" then null else "{column}" end as "{column}"'
    return f'"{column}"'
