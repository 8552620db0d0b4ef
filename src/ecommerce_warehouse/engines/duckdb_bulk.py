"""DuckDB's bulk load: a chunk of rows goes in as one file DuckDB reads, never a statement a row.

A bulk SQL file's DuckDB twin (``sql/ingest/insert_raw_transaction.duckdb.sql``, …) reads
its rows from ``chunk``, a temporary view of the chunk (columns named after the portable
file's ``:parameters``). ``JsonLinesChunks.run`` writes the rows to a temporary JSON Lines
file (msgspec encodes them in C, one object a row), points the view at it with
``read_json`` and an explicit type for every column, and runs the file's statement once
for the whole chunk; then the file is deleted. Each column's type is the one its values
have in this chunk (``column_kind``): BIGINT, DOUBLE or VARCHAR; a column that is NULL in
every row of the chunk (a page view's ``utm_campaign`` in a chunk of direct visits) is a
NULL in the view, which the file's statement casts to its column's type. JSON keeps NULL
and '' apart and carries any text (quotes, newlines) as it is.

Why a file and not NumPy arrays, which DuckDB scans from Python memory (the engine's way
until 0.4): DuckDB imports pandas to scan an array of Python strings, if pandas is
installed, and pandas with pyarrow added about 85 MB to the ingest's peak RSS; with pandas
kept out (``duckdb_driver``) the scan checked every string for pandas' markers and took the
200,000-line ingest from 2.8 to 5.7 s. The file takes the same time as the arrays did with
pandas (5,000 rows of 23 columns: 1.4 s for 200,000 against 1.5 s; measured) and needs
neither NumPy nor pandas. (pyarrow would also do, at about 50 MB more memory; one JSON
document per chunk, parsed and unnested by DuckDB, was six times slower.)
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence

from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError

from ecommerce_warehouse.engines.base import BulkWriter
from ecommerce_warehouse.errors import SqlFileError

CHUNK_VIEW = "chunk"
# read_json refuses a line longer than its maximum_object_size, 16 MiB unless told; no
# line of a chunk is longer than the chunk, so a larger chunk raises it to its size.
# (read_json reads through a buffer of 32 MiB of DuckDB memory whatever the size.)
MIN_OBJECT_SIZE = 16 << 20
TYPES = {"int": "BIGINT", "float": "DOUBLE", "text": "VARCHAR"}


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


class JsonLinesChunks(BulkWriter):
    """Rows (tuples in ``columns`` order) into a twin that reads ``chunk``, one chunk a call."""

    format = "json lines"

    def __init__(self, connection: Connection, name: str, statement: str, columns: tuple[str, ...]):
        import msgspec

        if f"from {CHUNK_VIEW}" not in " ".join(statement.lower().split()):
            raise SqlFileError(f"{name}.duckdb.sql must read its rows from {CHUNK_VIEW} "
                               "(a DuckDB bulk file reads the chunk, not :parameters)")
        self.connection = connection
        self.statement = statement
        self.columns = columns
        # a row encodes as one JSON object keyed by the file's parameter names
        self.row = msgspec.defstruct("ChunkRow", [(column, object) for column in columns])
        self.encoder = msgspec.json.Encoder()

    def run(self, rows: Sequence[tuple]) -> None:
        if not rows:
            return
        kinds = [column_kind(values) for values in zip(*rows)]
        row = self.row
        data = self.encoder.encode_lines([row(*values) for values in rows])
        handle, path = tempfile.mkstemp(prefix="warehouse-chunk-", suffix=".jsonl")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            self._execute(self._view(path, kinds, len(data)))
        finally:
            os.unlink(path)

    def _view(self, path: str, kinds: list[str], size: int) -> str:
        """The chunk's view: names from the SQL file's parameters and a path from mkstemp,
        never from the data."""
        typed = ", ".join(f"\"{column}\": '{TYPES[kind]}'"
                          for column, kind in zip(self.columns, kinds) if kind != "null")
        listed = ", ".join(f'null as "{column}"' if kind == "null" else f'"{column}"'
                           for column, kind in zip(self.columns, kinds))
        source = path.replace("'", "''")
        return (f"create or replace temp view {CHUNK_VIEW} as select {listed} from "  # noqa: S608
                f"read_json('{source}', format = 'newline_delimited', columns = {{{typed}}}, "
                f"maximum_object_size = {max(size, MIN_OBJECT_SIZE)})")

    def _execute(self, view: str) -> None:
        """Point the view at the chunk's file and run the file's statement, on the driver's
        connection (the same connection and transaction SQLAlchemy holds)."""
        import duckdb

        driver = self.connection.connection.driver_connection
        statement = view
        try:
            driver.execute(view)
            statement = self.statement
            driver.execute(statement)
        except duckdb.Error as exc:
            raise DBAPIError.instance(statement, None, exc, duckdb.Error) from exc
