"""``warehouse export --format iceberg``: the same tables as Apache Iceberg tables.

Through pyiceberg's SQL catalog (``--catalog``: a SQLAlchemy URL of a SQLite file or a
PostgreSQL database, which keeps where each table's current metadata is; the same layout
as Iceberg's JDBC catalog, so Spark reads it), with data and metadata files under
``--out``. Each export of a table is one snapshot that replaces all of its rows (an
``overwrite``: the previous export's files deleted, this one's added), so the table's
history has one snapshot per export and time travel shows each. The data files are
written here, streamed batch by batch with Iceberg's field ids, then added to the
snapshot (pyiceberg's own ``overwrite`` would hold the table in memory and may make two
snapshots). Each snapshot's summary carries the export's row count, cents sums and content
digest (``warehouse.*``). A table's columns follow the warehouse: a column added by an
upgrade is added to the Iceberg table's schema. A fact is partitioned by month: the field
``date_key_month``, ``truncate[100]`` of its date_key, one month's rows in each data file.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ecommerce_warehouse.export import ExportError
from ecommerce_warehouse.export.digest import TableDigest
from ecommerce_warehouse.export.parquet import WRITER_OPTIONS
from ecommerce_warehouse.export.reading import arrow_schema, read_batches, to_batch
from ecommerce_warehouse.export.tables import PARTITION_KEY, ExportTable

CATALOG_NAME = "warehouse"
# a fact's partition: its date_key truncated to the month (20250315 -> 20250300)
MONTH_FIELD = "date_key_month"
# rows in one data file before the next is started
FILE_ROWS = 5_000_000


def open_catalog(catalog_url: str, out: Path):
    """pyiceberg's SQL catalog at ``catalog_url`` (its tables created if missing), whose
    new tables live under ``out``."""
    from pyiceberg.catalog.sql import SqlCatalog

    created = [folder for folder in (out, *out.parents) if not folder.exists()]
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create --out {out}: {exc.strerror or exc}") from exc
    try:        # after --out, so a catalog file beside it (data/export/catalog.db) has its folder
        return SqlCatalog(CATALOG_NAME, uri=catalog_url, warehouse=str(out.absolute()))
    except Exception as exc:          # SQLAlchemy's or the driver's, whatever the URL
        for folder in created:        # leave nothing behind (innermost first)
            with contextlib.suppress(OSError):
                folder.rmdir()
        detail = " ".join(str(getattr(exc, "orig", None) or exc).split())[:300]
        raise ExportError(f"cannot open the Iceberg catalog --catalog {shown(catalog_url)}: {detail}") from exc


def shown(url: str) -> str:
    """The catalog URL with any password masked."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<unparseable URL>"


def write_table(connection, catalog, namespace: str, item: ExportTable, exported_at: str,
                on_rows: Callable[[int], None] | None = None) -> dict:
    """Replace the Iceberg table's rows with the warehouse's, in one snapshot; its summary."""
    from pyiceberg.io.pyarrow import parquet_file_to_data_file, schema_to_pyarrow
    from pyiceberg.transforms import TruncateTransform

    schema = arrow_schema(item)
    table = catalog.create_table_if_not_exists((namespace, item.name), schema=schema)
    if columns_of(table.schema().as_arrow()) != columns_of(schema):
        with table.update_schema() as update:
            update.union_by_name(schema)
        table = catalog.load_table((namespace, item.name))
    if item.partitioned and table.spec().is_unpartitioned():
        with table.update_spec() as update:
            update.add_field(PARTITION_KEY, TruncateTransform(100), MONTH_FIELD)
        table = catalog.load_table((namespace, item.name))
    file_schema = schema_to_pyarrow(table.schema())
    digest = TableDigest(item.cents_columns)
    written: list[str] = []
    try:
        writer = DataFiles(table, file_schema, written,
                           [c.name for c in item.columns].index(PARTITION_KEY) if item.partitioned else None)
        for rows in read_batches(connection, item):
            digest.add(writer.write(item, schema, rows))
            if on_rows is not None:
                on_rows(digest.rows)
        writer.close()
        added = [parquet_file_to_data_file(table.io, table.metadata, path) for path in written]
        replaced = [task.file for task in table.scan().plan_files()]
        properties = {"warehouse.exported-at": exported_at, "warehouse.rows": str(digest.rows),
                      "warehouse.cents-sums": json.dumps(digest.cents, sort_keys=True),
                      "warehouse.content-digest": digest.content_digest}
        with table.transaction() as transaction, \
                transaction.update_snapshot(snapshot_properties=properties).overwrite() as overwrite:
            for data_file in replaced:
                overwrite.delete_data_file(data_file)
            for data_file in added:
                overwrite.append_data_file(data_file)
    except BaseException:
        for path in written:                  # not in any snapshot: nothing refers to them
            Path(path).unlink(missing_ok=True)
        raise
    table = catalog.load_table((namespace, item.name))
    snapshot = table.current_snapshot()
    return {"kind": item.kind, **digest.as_dict(),
            "snapshot_id": snapshot.snapshot_id if snapshot else None,
            "snapshots": len(table.snapshots()),
            "metadata_location": table.metadata_location,
            "files": [Path(path).relative_to(Path(table.location())).as_posix() for path in written]}


def columns_of(schema: pa.Schema) -> list[tuple[str, pa.DataType]]:
    """Names and types, strings as strings (Iceberg gives its own as large strings)."""
    return [(field.name, pa.string() if field.type == pa.large_string() else field.type) for field in schema]


class DataFiles:
    """The export's data files of one table: a new one every FILE_ROWS rows and, for a fact,
    at each month (its rows come in date_key order; an Iceberg data file holds one
    partition's rows)."""

    def __init__(self, table, file_schema: pa.Schema, written: list[str], key: int | None):
        self.table, self.file_schema, self.written, self.key = table, file_schema, written, key
        self.writer: pq.ParquetWriter | None = None
        self.rows = 0
        self.month = None

    def write(self, item: ExportTable, schema: pa.Schema, rows) -> pa.RecordBatch:
        """Write ``rows``; the Arrow batch they made (for the digest)."""
        batch = to_batch(item, schema, rows)
        if self.key is None:
            self._append(batch, None)
            return batch
        months = [row[self.key] // 100 for row in rows]
        start = 0
        for index in range(1, len(rows) + 1):
            if index == len(rows) or months[index] != months[start]:
                self._append(batch.slice(start, index - start), months[start])
                start = index
        return batch

    def _append(self, batch: pa.RecordBatch, month) -> None:
        if self.writer is None or month != self.month or self.rows >= FILE_ROWS:
            self._new_file()
            self.month = month
        self.writer.write_batch(batch_as(batch, self.file_schema))
        self.rows += batch.num_rows

    def _new_file(self) -> None:
        if self.writer is not None:
            self.writer.close()
        folder = Path(self.table.location()) / "data"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{uuid.uuid4()}.parquet"
        self.written.append(str(path))
        self.writer = pq.ParquetWriter(path, self.file_schema, **WRITER_OPTIONS)
        self.rows = 0

    def close(self) -> None:
        if self.writer is None:              # an empty table: one file of no rows
            self._new_file()
        self.writer.close()


def batch_as(batch: pa.RecordBatch, file_schema: pa.Schema) -> pa.RecordBatch:
    """The batch with the Iceberg file schema (its field ids; strings as Iceberg's Arrow
    type), by column name, a column the table has and the warehouse no longer has null."""
    arrays = []
    for field in file_schema:
        index = batch.schema.get_field_index(field.name)
        if index < 0:
            arrays.append(pa.nulls(batch.num_rows, field.type))
        else:
            arrays.append(batch.column(index).cast(field.type))
    return pa.RecordBatch.from_arrays(arrays, schema=file_schema)
