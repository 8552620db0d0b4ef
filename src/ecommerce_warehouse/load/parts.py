"""A Bronze insert split by the kind of record, where rows go one statement each.

A kind whose Bronze table is wide and mostly NULL (``raw_changes``: 46 columns, of which
a change event fills 15-20, depending on its table) may declare, beside its ``insert``
file, one insert file per part (``IngestSql.insert_parts``: the ``changes`` kind's
``insert_raw_change_<table>.sql``) and, in its contract, the column that names a row's
part (``PART_COLUMN``) and the columns each part can fill (``PARTS``). Where the engine
writes rows through executemany (SQLite: each row's parameters are bound one by one),
each 'loaded' row of a declared part goes through its part's file, binding only those
columns; every other row (rejected, or of no declared part) through the whole ``insert``.
Each chunk's rows are split in file order (each part's rows keep their raw_id order).
Where the engine streams rows another way (PostgreSQL's COPY, DuckDB's column chunks),
the whole ``insert`` takes every row, as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter

from ecommerce_warehouse.db import bulk_writer
from ecommerce_warehouse.engines.base import BulkWriter
from ecommerce_warehouse.sources.declaration import Source

# A row's load_status, at its place in the ingest's row (load/ingest.py BATCH_COLUMNS).
_LOADED = "loaded"


class InsertParts(BulkWriter):
    """The whole insert's writer, and one writer per part, each given its part's rows."""

    format = "rows"
    # The ingest hands rows over this many at a time (instead of load/ingest.py's
    # INSERT_CHUNK, 5,000), so that a chunk's rows are split, picked and bound while they
    # are still in the CPU's cache: the 200k day's 206,539 change events took 4.9-5.0 s of
    # CPU with 500 (medians of 3, in-process, load ~4), 5.1-5.4 with 1,000, 5.5 with 2,000
    # and 5,000, 5.0 with 250.
    rows_per_run = 500

    def __init__(self, whole: BulkWriter, parts: dict[str, tuple[itemgetter, BulkWriter]],
                 part_index: int, status_index: int):
        self.whole = whole
        self.parts = parts
        self.part_index = part_index
        self.status_index = status_index

    def run(self, rows: Sequence[tuple]) -> None:
        groups: dict[str, list] = {part: [] for part in self.parts}
        rest = []
        part_index, status_index = self.part_index, self.status_index
        for row in rows:
            group = groups.get(row[part_index]) if row[status_index] == _LOADED else None
            if group is None:
                rest.append(row)
            else:
                group.append(row)
        self.whole.run(rest)
        for part, group in groups.items():
            if group:
                columns_of, writer = self.parts[part]
                writer.run(list(map(columns_of, group)))

    def finish(self) -> None:
        self.whole.finish()
        for _columns_of, writer in self.parts.values():
            writer.finish()

    def abort(self, exc: BaseException) -> None:
        self.whole.abort(exc)
        for _columns_of, writer in self.parts.values():
            writer.abort(exc)


def insert_writer(connection, source: Source, columns: tuple[str, ...],
                  batch_columns: tuple[str, ...]) -> BulkWriter:
    """The writer of the kind's Bronze rows (tuples in ``columns`` order): its ``insert``
    file's, split by part where the kind declares parts and the engine binds rows one by one."""
    whole = bulk_writer(connection, source.ingest.insert, columns)
    if not source.ingest.insert_parts or whole.format != "rows":
        return whole
    contract = source.contract
    parts = {}
    for part, name in source.ingest.insert_parts:
        part_columns = (*batch_columns, *contract.PARTS[part])
        columns_of = itemgetter(*(columns.index(column) for column in part_columns))
        parts[part] = (columns_of, bulk_writer(connection, name, part_columns))
    return InsertParts(whole, parts, columns.index(contract.PART_COLUMN),
                       columns.index("load_status"))
