"""``warehouse export``: open the warehouse read-only, read it in one snapshot, write it out.

Works on any engine (it asks the engine for a snapshot and for streamed rows), never
writes to the warehouse and never takes its run lock: loads go on while it runs, and the
export is of the state at its start.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import DBAPIError

from ecommerce_warehouse import engines
from ecommerce_warehouse.db import open_read_only, redacted, utc_now
from ecommerce_warehouse.errors import DatabaseError
from ecommerce_warehouse.export import ExportError, UnknownTableError, require, tables
from ecommerce_warehouse.model.schema import VERSION, check_readable
from ecommerce_warehouse.settings import DEFAULT_EXPORT_DIRS

FORMATS = ("parquet", "iceberg")
DEFAULT_NAMESPACE = "ecommerce"


@dataclass(frozen=True)
class ExportOptions:
    db: str
    format: str = "parquet"
    out: Path = Path(DEFAULT_EXPORT_DIRS["parquet"])
    tables: tuple[str, ...] = ()
    catalog: str | None = None
    namespace: str = DEFAULT_NAMESPACE


@dataclass
class ExportResult:
    format: str
    out: Path
    tables: dict[str, dict] = field(default_factory=dict)
    seconds: float = 0.0
    catalog: str | None = None
    namespace: str | None = None

    @property
    def manifest(self) -> Path | None:
        from ecommerce_warehouse.export.parquet import MANIFEST

        return self.out / MANIFEST if self.format == "parquet" else None


def export(options: ExportOptions, progress: Callable[[str], Callable[[int], None]] | None = None) -> ExportResult:
    """Export the chosen tables (all by default); ``progress(table)`` gives a callback
    taking the rows written so far."""
    if options.format not in FORMATS:
        raise ExportError(f"--format {options.format}: not one of {', '.join(FORMATS)}")
    require("pyarrow", *(("pyiceberg", "sqlalchemy") if options.format == "iceberg" else ()))
    if options.format == "iceberg" and not options.catalog:
        raise ExportError("--format iceberg needs --catalog URL, the catalog that keeps the tables "
                          "(e.g. sqlite:///data/export/catalog.db)")
    try:
        items = tables.chosen(options.tables)
    except ValueError as exc:
        raise UnknownTableError(f"--tables: {exc}") from exc
    started = time.perf_counter()
    result = ExportResult(options.format, options.out)
    engine = open_read_only(options.db)
    try:
        with engine.connect() as connection, engines.of(connection).one_snapshot(connection):
            check_readable(connection)
            if options.format == "parquet":
                write_parquet(connection, options, items, result, progress)
            else:
                write_iceberg(connection, options, items, result, progress)
    except DBAPIError as exc:
        detail = " ".join(str(exc.orig).split()) if exc.orig is not None else str(exc)
        raise DatabaseError(f"cannot read {redacted(options.db)}: {detail}") from exc
    except OSError as exc:
        raise ExportError(f"cannot write the export to {options.out}: {exc.strerror or exc}") from exc
    finally:
        engine.dispose()
    result.seconds = time.perf_counter() - started
    return result


def write_parquet(connection, options: ExportOptions, items, result: ExportResult, progress) -> None:
    from ecommerce_warehouse.export import parquet

    out = options.out
    with parquet.exclusive(out):
        parquet.recover(out)
        previous = parquet.read_manifest(out)
        with parquet.staged(out) as staging:
            write_staged(connection, options, items, result, progress, out, staging, previous)


def write_staged(connection, options: ExportOptions, items, result: ExportResult, progress,
                 out: Path, staging: Path, previous: dict | None) -> None:
    """Write the chosen tables into ``staging``, link the others over, swap it in."""
    from ecommerce_warehouse.export import parquet

    for item in items:
        result.tables[item.name] = parquet.write_table(
            connection, staging, item, progress(item.name) if progress else None)
    every = [item.name for item in tables.exported_tables()]
    kept = parquet.keep_tables(out, staging, previous, set(every) - set(result.tables))
    written = {**kept, **result.tables}
    manifest = {
        "format": "parquet", "format_version": parquet.FORMAT_VERSION,
        "exported_at": utc_now(), "warehouse": redacted(options.db), "schema_version": VERSION,
        "tables": {name: written[name] for name in every if name in written},
    }
    parquet.swap(out, staging, manifest)


def write_iceberg(connection, options: ExportOptions, items, result: ExportResult, progress) -> None:
    from ecommerce_warehouse.export import iceberg

    catalog = iceberg.open_catalog(options.catalog, options.out)
    result.catalog = iceberg.shown(options.catalog)
    result.namespace = options.namespace
    exported_at = utc_now()
    try:
        catalog.create_namespace_if_not_exists(options.namespace)
        for item in items:
            result.tables[item.name] = iceberg.write_table(
                connection, catalog, options.namespace, item, exported_at,
                progress(item.name) if progress else None)
    except (ExportError, DBAPIError, OSError, KeyboardInterrupt):
        raise
    except Exception as exc:          # pyiceberg's own (a catalog or commit failure)
        detail = " ".join(str(exc).split())[:300]
        raise ExportError(f"Iceberg export failed after {len(result.tables)} of {len(items)} tables "
                          f"({type(exc).__name__}: {detail}); run it again") from exc
