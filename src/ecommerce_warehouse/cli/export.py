"""``warehouse export``: the warehouse out as Parquet files or Apache Iceberg tables.

pyarrow and pyiceberg are an optional extra; the command imports the export package only
when it runs, so the CLI starts without them, and says how to install them if missing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ecommerce_warehouse import settings
from ecommerce_warehouse.cli.options import WarehouseCommand, db_option, json_option
from ecommerce_warehouse.progress import Progress

EXPORT_HELP = """Write the warehouse's star out for other tools: every dimension, fact and Gold
view, as Parquet files (the default) or as Apache Iceberg tables.

Parquet: one folder per table under --out (a fact in Hive partitions
year=YYYY/month=M by its date), and _manifest.json with each table's columns and
types, row count, sums of its *_cents columns, a content digest and the SHA-256 of
every file. An export replaces the whole folder at once: exporting again leaves no
stale file, and a failed export leaves the previous one as it was.

Iceberg (--format iceberg --catalog URL): the same tables in pyiceberg's SQL catalog
(a SQLite file, sqlite:///PATH, or a PostgreSQL database URL), data under --out; each
export is one snapshot of each table, so time travel shows every export.

Types are exact: integers (all cents) int64, amounts shown in units decimal(18,2),
times UTC timestamps, dates dates. Rows are read in batches in one snapshot of the
warehouse, which is never written to (loads may go on meanwhile). docs/EXPORT.md says
how to read the export with DuckDB, pandas and Spark.

Needs the optional extra: pip install 'ecommerce-warehouse[export]'.

Exit status: 0 written; 1 the export could not be written (a value that does not fit
its type, --out not an export folder, a catalog that cannot be opened); 2 a usage
error (a --tables name that is not exported) or the extra missing; 4 another
export is writing to the same --out; 5 the warehouse cannot be read.
"""


def table_names(ctx, param, values) -> tuple[str, ...]:
    names = [name.strip() for value in values for name in value.split(",") if name.strip()]
    return tuple(dict.fromkeys(names))


@click.command(name="export", help=EXPORT_HELP, cls=WarehouseCommand)
@db_option
@click.option("--format", "output_format", type=click.Choice(["parquet", "iceberg"]), default="parquet",
              show_default=True, help="Parquet files with a manifest, or Iceberg tables in a catalog.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Folder of the export (Iceberg: of the tables' data and metadata files); a "
                   "Parquet export replaces it whole, so give it a folder of its own.  [default: "
                   + ", ".join(f"{name}: {folder}" for name, folder in settings.DEFAULT_EXPORT_DIRS.items()) + "]")
@click.option("--tables", "names", multiple=True, callback=table_names, metavar="NAME[,NAME...]",
              help="Only these tables (repeatable or comma-separated); the others of an earlier "
                   "Parquet export stay as they were.  [default: every dimension, fact and Gold view]")
@click.option("--catalog", envvar=settings.EXPORT_CATALOG_ENVVAR, metavar="URL",
              help="Iceberg: the SQL catalog's SQLAlchemy URL, e.g. sqlite:///data/export/catalog.db "
                   f"or postgresql+psycopg://USER@HOST/DB (env: {settings.EXPORT_CATALOG_ENVVAR}).")
@click.option("--namespace", default="ecommerce", show_default=True, metavar="NAME",
              help="Iceberg: the namespace the tables go in.")
@json_option
def export_command(db, output_format, out, names, catalog, namespace, as_json):
    from ecommerce_warehouse.export.run import ExportOptions, export

    out = out or Path(settings.DEFAULT_EXPORT_DIRS[output_format])
    options = ExportOptions(db=db, format=output_format, out=out, tables=names, catalog=catalog,
                            namespace=namespace)
    progress = Progress(live=True) if sys.stderr.isatty() else None
    try:
        result = export(options, (lambda name: progress.counter(f"export {name}", "rows")) if progress else None)
    finally:
        if progress is not None:
            progress.close()
    if as_json:
        click.echo(json.dumps({"format": result.format, "out": str(result.out),
                               "manifest": str(result.manifest) if result.manifest else None,
                               "catalog": result.catalog, "namespace": result.namespace,
                               "seconds": round(result.seconds, 3), "tables": result.tables}, indent=2))
        return
    for line in summary_lines(result):
        click.echo(line)


def summary_lines(result) -> list[str]:
    rows = sum(entry["rows"] for entry in result.tables.values())
    width = max((len(name) for name in result.tables), default=0)
    where = (f"{result.out}, described in {result.manifest}" if result.manifest
             else f"{result.catalog}, namespace {result.namespace}, files under {result.out}")
    head = f"Exported {len(result.tables)} tables, {rows:,} rows, as {result.format} in {result.seconds:.1f} s"
    lines = [f"{head}  ({where})"]
    for name, entry in result.tables.items():
        files = len(entry["files"])
        detail = f"{entry['rows']:>12,} rows  {files} file{'s' if files != 1 else ''}"
        if result.format == "iceberg":
            detail += f"  snapshot {entry['snapshot_id']} ({entry['snapshots']} in its history)"
        lines.append(f"  {name:<{width}}  {detail}")
    return lines
