"""DuckDB's bulk load: a chunk of rows goes in as one JSON document, never a statement a row.

A bulk SQL file's DuckDB twin (``sql/ingest/insert_raw_transaction.duckdb.sql``, …) reads
its rows from ``chunk``, a temporary table holding the chunk (columns named after the
portable file's ``:parameters``). ``JsonChunks.run`` fills it: the rows, column by
column, become one JSON document (orjson, in C) bound as a single parameter, which DuckDB
parses and unnests in C++ (``from_json`` … ``unnest``); then the file's statement runs
once for the whole chunk. So Python does one call per chunk, whatever its size, and
DuckDB writes columns, not rows. (pyarrow would hand DuckDB the columns without the
JSON step, but importing it costs about 50 MB of memory, a third of the engine's budget.)
"""

from __future__ import annotations

from collections.abc import Sequence

import orjson
from sqlalchemy.engine import Connection

from ecommerce_warehouse.engines.base import BulkWriter
from ecommerce_warehouse.errors import SqlFileError

CHUNK_TABLE = "chunk"
# The DuckDB type of a column from the Python types of its values (None aside).
TYPES = {int: "BIGINT", str: "VARCHAR", float: "DOUBLE", bool: "BOOLEAN"}


def column_type(values: Sequence) -> str:
    kinds = set(map(type, values))
    kinds.discard(type(None))
    if not kinds:
        return "VARCHAR"
    if len(kinds) == 1:
        return TYPES.get(kinds.pop(), "VARCHAR")
    if kinds <= {int, float}:
        return "DOUBLE"
    return "VARCHAR"


class JsonChunks(BulkWriter):
    """Rows (tuples in ``columns`` order) into a twin that reads ``chunk``, one chunk a call."""

    format = "json"

    def __init__(self, connection: Connection, name: str, statement: str, columns: tuple[str, ...]):
        if f"from {CHUNK_TABLE}" not in " ".join(statement.lower().split()):
            raise SqlFileError(f"{name}.duckdb.sql must read its rows from {CHUNK_TABLE} "
                               "(a DuckDB bulk file reads the chunk, not :parameters)")
        self.connection = connection
        self.statement = statement
        self.columns = columns

    def run(self, rows: Sequence[tuple]) -> None:
        if not rows:
            return
        values = list(zip(*rows))
        types = {column: column_type(column_values) + "[]"
                 for column, column_values in zip(self.columns, values)}
        document = orjson.dumps(dict(zip(self.columns, values))).decode()
        # the column names and types come from the code (the file's parameters, the
        # values' Python types), never from the data; the data is the bound document
        unnested = ", ".join(f'unnest(j."{column}") as "{column}"' for column in self.columns)
        shape = orjson.dumps(types).decode().replace("'", "''")
        self.connection.exec_driver_sql(
            f"create or replace temp table {CHUNK_TABLE} as select {unnested} "  # noqa: S608
            f"from (select from_json($1::varchar, '{shape}') as j)", (document,))
        self.connection.exec_driver_sql(self.statement)
