"""``warehouse export``: the warehouse out as Parquet files or Apache Iceberg tables.

Which tables, and the exact type of each column, come from the declarations and the
portable schema (``tables``); rows are read in batches in one snapshot through the engine
(``reading``), turned into Arrow batches, and written by ``parquet`` (Hive-partitioned
files in a folder swapped in whole, with a ``_manifest.json``) or ``iceberg`` (one
snapshot per table per export, through pyiceberg's SQL catalog). ``digest`` counts rows,
sums every ``*_cents`` column and fingerprints the content, for the manifest.

pyarrow and pyiceberg are an optional extra (``pip install 'ecommerce-warehouse[export]'``):
nothing here imports them before ``require`` has checked they are installed, so the CLI
starts without them.
"""

from __future__ import annotations

import importlib.util

from ecommerce_warehouse.errors import WarehouseError

INSTALL = "pip install 'ecommerce-warehouse[export]'"


class ExportError(WarehouseError):
    """The export cannot be written or a value cannot be given its exact type."""


class ExportBusyError(ExportError):
    """Another export is writing to the same --out."""

    exit_code = 4


class UnknownTableError(ExportError):
    """--tables names a table the export does not write; the message lists those it does."""

    exit_code = 2


class MissingExtraError(WarehouseError):
    """The optional [export] extra is not installed."""

    exit_code = 2


def require(*modules: str) -> None:
    """Refuse, in one line, when a module of the [export] extra is missing."""
    missing = [name for name in modules if importlib.util.find_spec(name) is None]
    if missing:
        raise MissingExtraError(f"warehouse export needs {', '.join(missing)}, an optional extra: {INSTALL}")
