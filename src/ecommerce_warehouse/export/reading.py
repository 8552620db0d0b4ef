"""Rows of the warehouse in, Arrow record batches of the exact types out, a batch at a time.

The engine streams each table's rows (``stream_rows``: never the whole result in memory)
inside one snapshot (``one_snapshot``), so the tables of one export agree with each other
while loads go on. Values arrive as the engine gives them (SQLite: ISO text for times, a
float for a real; PostgreSQL: datetime, date, Decimal) and each column becomes its Arrow
type by one rule for all: build the array as given, then cast it, safely (a cast that
would lose anything fails). A value that cannot be given its type stops the export with
one line naming the table, the row's first column and the value.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal

import pyarrow as pa
from sqlalchemy import column, select, table
from sqlalchemy.engine import Connection

from ecommerce_warehouse import engines
from ecommerce_warehouse.db import query_sql
from ecommerce_warehouse.export import ExportError
from ecommerce_warehouse.export.tables import (
    DATE,
    FLOAT64,
    INT64,
    MONEY,
    PARTITION_KEY,
    STRING,
    TIMESTAMP,
    ExportTable,
)

ARROW_TYPES = {
    INT64: pa.int64(),
    FLOAT64: pa.float64(),
    MONEY: pa.decimal128(18, 2),
    TIMESTAMP: pa.timestamp("us", tz="UTC"),
    DATE: pa.date32(),
    STRING: pa.string(),
}

# rows read and written at a time: memory holds about one batch, whatever the table's size
BATCH_ROWS = 10_000


def arrow_schema(item: ExportTable) -> pa.Schema:
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.type]) for c in item.columns])


def read_batches(connection: Connection, item: ExportTable,
                 batch_rows: int = BATCH_ROWS) -> Iterator[Sequence[tuple]]:
    """The table's rows in lists of at most ``batch_rows``; a fact's in date_key order (so
    each of its partitions is written in one go)."""
    query = select(*(column(c.name) for c in item.columns)).select_from(table(item.name))
    if item.partitioned:
        query = query.order_by(column(PARTITION_KEY))
    yield from engines.of(connection).stream_rows(connection, query, batch_rows)


def date_partitions(connection: Connection) -> dict[int, tuple[int, int]]:
    """(year, month) of every date_key of the calendar."""
    return {key: (year, month) for key, year, month in query_sql(connection, "export/date_partitions")}


def to_batch(item: ExportTable, schema: pa.Schema, rows: Sequence[tuple]) -> pa.RecordBatch:
    """One Arrow batch of ``rows`` (tuples in the table's column order)."""
    columns = list(zip(*rows)) if rows else [() for _ in item.columns]
    arrays = []
    for index, field in enumerate(schema):
        try:
            arrays.append(to_array(columns[index], field.type))
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError) as exc:
            raise ExportError(describe_bad_value(item, index, field.type, rows, exc)) from exc
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def to_array(values: Sequence, arrow_type: pa.DataType) -> pa.Array:
    """``values`` as an array of ``arrow_type``: built as they come, then cast safely."""
    try:
        return pa.array(values, type=arrow_type)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass
    given = pa.array(values)
    if pa.types.is_decimal(arrow_type) and pa.types.is_floating(given.type):
        return money_from_float(given, arrow_type)
    if pa.types.is_floating(arrow_type) and pa.types.is_decimal(given.type):
        # a ratio an engine computes as a decimal: Python's float() rounds it correctly
        return pa.array([None if value is None else float(value) for value in values], arrow_type)
    return given.cast(arrow_type)


def money_from_float(given: pa.Array, arrow_type: pa.DataType) -> pa.Array:
    """An amount a view computed as a real (cents / 100.0) as an exact decimal: each real's
    shortest text (Python's repr, which gives back the very same real), which must have at
    most two places. Such columns are in Gold views, a row a day or a product: few values."""
    amounts = []
    for value in given.to_pylist():
        if value is None:
            amounts.append(None)
            continue
        amount = Decimal(repr(value))
        if not amount.is_finite() or amount.as_tuple().exponent < -2:
            raise pa.ArrowInvalid(f"{value!r} is not a whole number of cents")
        amounts.append(amount)
    return pa.array(amounts, type=arrow_type)


def describe_bad_value(item: ExportTable, index: int, arrow_type: pa.DataType,
                       rows: Sequence[tuple], exc: Exception) -> str:
    """One line: which table, row (its first column's value), column and value failed."""
    name = item.columns[index].name
    for row in rows:
        try:
            to_array([row[index]], arrow_type)
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
            first = item.columns[0].name
            return (f"{item.name}: row with {first} = {row[0]!r}: column {name} holds {row[index]!r}, "
                    f"which is not a {arrow_type} (exported as {item.columns[index].type})")
    detail = " ".join(str(exc).split())
    return f"{item.name}: column {name} cannot be exported as {arrow_type}: {detail}"
