"""``warehouse export --format parquet``: one folder of Parquet files per table, swapped in whole.

Layout of ``--out DIR``::

    DIR/_manifest.json                                  what is there (below)
    DIR/dim_users/part-00000.parquet                    a dimension or Gold view: one file
    DIR/fact_orders/year=2025/month=3/part-00000.parquet a fact: Hive partitions by its date

The export is written into a staging folder beside ``DIR``; tables not exported this
time (``--tables``) are linked over from the current ``DIR``; then ``DIR`` is swapped for
it (two renames) and the old one deleted. So a reader sees the old export or the new one,
an export again leaves no stale file (a month or table that is gone is gone), and an
export that fails or is killed leaves ``DIR`` as it was (its staging folder is cleared by
the next export). A ``DIR`` that holds anything but an export is refused, never deleted.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ecommerce_warehouse.export import ExportBusyError, ExportError
from ecommerce_warehouse.export.digest import TableDigest
from ecommerce_warehouse.export.reading import arrow_schema, date_partitions, read_batches, to_batch
from ecommerce_warehouse.export.tables import PARTITION_KEY, PARTITIONS, ExportTable

MANIFEST = "_manifest.json"
FORMAT_VERSION = 1
STAGING = ".{name}.staging-"
RETIRED = ".{name}.retired-"
LOCK = ".{name}.lock"
WRITER_OPTIONS = {"compression": "zstd", "version": "2.6"}


class TableWriter:
    """Writes one table's batches into its folder: one file, or one per partition."""

    def __init__(self, root: Path, item: ExportTable, schema: pa.Schema, calendar: dict | None):
        self.root = root
        self.item = item
        self.schema = schema
        self.calendar = calendar
        self.digest = TableDigest(item.cents_columns)
        self.files: list[dict] = []
        self._writer: pq.ParquetWriter | None = None
        self._partition: tuple[int, int] | None = None
        self._path: Path | None = None
        self._rows = 0
        self._parts: dict = {}
        (root / item.name).mkdir(parents=True)

    def write(self, rows) -> None:
        if not rows:
            return
        if not self.item.partitioned:
            self._append(None, rows)
            return
        key = [c.name for c in self.item.columns].index(PARTITION_KEY)
        start, last = 0, rows[0][key]
        current = self.partition_of(last)
        for index in range(1, len(rows)):
            date_key = rows[index][key]
            if date_key != last:                    # rows come in date_key order
                last = date_key
                partition = self.partition_of(date_key)
                if partition != current:
                    self._append(current, rows[start:index])
                    start, current = index, partition
        self._append(current, rows[start:])

    def partition_of(self, date_key) -> tuple[int, int]:
        try:
            return self.calendar[date_key]
        except KeyError:
            raise ExportError(f"{self.item.name}: date_key {date_key!r} is not in dim_date") from None

    def _append(self, partition, rows) -> None:
        if self._writer is None or partition != self._partition:
            self._close()
            folder = self.root / self.item.name
            if partition is not None:
                folder = folder.joinpath(*(f"{name}={value}" for name, value in zip(PARTITIONS, partition)))
                folder.mkdir(parents=True, exist_ok=True)
            number = self._parts.get(partition, 0)
            self._parts[partition] = number + 1
            self._path = folder / f"part-{number:05d}.parquet"
            self._writer = pq.ParquetWriter(self._path, self.schema, **WRITER_OPTIONS)
            self._partition = partition
            self._rows = 0
        batch = to_batch(self.item, self.schema, rows)
        self._writer.write_batch(batch)
        self._rows += batch.num_rows
        self.digest.add(batch)

    def _close(self) -> None:
        if self._writer is None:
            return
        self._writer.close()
        self.files.append({"path": self._path.relative_to(self.root).as_posix(), "rows": self._rows,
                           "bytes": self._path.stat().st_size, "sha256": file_sha256(self._path)})
        self._writer = None

    def finish(self) -> dict:
        """Close the last file; an empty table still gets one file, of no rows."""
        if self._writer is None and not self.files:
            self._append(None, [])
        self._close()
        entry = {"kind": self.item.kind,
                 "columns": {c.name: c.type for c in self.item.columns},
                 "partitioned_by": list(PARTITIONS) if self.item.partitioned else [],
                 **self.digest.as_dict(),
                 "files": self.files}
        entry["sha256"] = table_sha256(self.files)
        return entry

    def abort(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def table_sha256(files: list[dict]) -> str:
    """The table's checksum: the SHA-256 of its files' "<sha256>  <path>" lines, sorted by
    path (what `sha256sum` prints for them, in that order)."""
    lines = "".join(f"{f['sha256']}  {f['path']}\n" for f in sorted(files, key=lambda f: f["path"]))
    return hashlib.sha256(lines.encode("utf-8")).hexdigest()


def write_table(connection, root: Path, item: ExportTable, on_rows: Callable[[int], None] | None = None) -> dict:
    """Write one table under ``root``; its manifest entry."""
    calendar = date_partitions(connection) if item.partitioned else None
    writer = TableWriter(root, item, arrow_schema(item), calendar)
    try:
        for rows in read_batches(connection, item):
            writer.write(rows)
            if on_rows is not None:
                on_rows(writer.digest.rows)
    except BaseException:
        writer.abort()
        raise
    return writer.finish()


# --- the folder: staging, swap, manifest ------------------------------------------------

def read_manifest(out: Path) -> dict | None:
    """The manifest of the export in ``out``; None if ``out`` is missing or empty; an
    ExportError if it holds anything the export did not write (a folder swapped in whole
    must not take a user's files with it)."""
    if not out.exists():
        return None
    if not out.is_dir():
        raise ExportError(f"--out {out} is a file, not a folder")
    path = out / MANIFEST
    if not path.is_file():
        if any(out.iterdir()):
            raise ExportError(f"--out {out} holds files that are not an export (no {MANIFEST}); "
                              "give an empty or new folder")
        return None
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ExportError(f"{path} is not a readable export manifest ({exc}); "
                          "remove the folder or give another --out") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("tables"), dict):
        raise ExportError(f"{path} is not an export manifest (no tables); remove the folder or give another --out")
    foreign = sorted(entry.name for entry in out.iterdir()
                     if entry.name != MANIFEST and entry.name not in manifest["tables"])
    if foreign:
        raise ExportError(f"--out {out} holds {', '.join(foreign[:3])}{' ...' if len(foreign) > 3 else ''}, "
                          "which the export did not write and would replace: move it, or give another --out")
    return manifest


def recover(out: Path) -> None:
    """An export killed between the swap's two renames left no ``out``, only the previous
    export renamed away: put that back (the new one, incomplete as far as anyone knows,
    is cleared with the other leftovers)."""
    if out.exists():
        return
    retired = sorted(out.parent.glob(RETIRED.format(name=out.name) + "*"), key=lambda p: p.stat().st_mtime)
    if retired:
        retired[-1].rename(out)


@contextmanager
def exclusive(out: Path) -> Iterator[None]:
    """One export into ``out`` at a time (a lock file beside it, released by the kernel if
    the process dies); a second one fails at once instead of clearing the first's staging."""
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        handle = (out.parent / LOCK.format(name=out.name)).open("a")
    except OSError as exc:
        raise ExportError(f"cannot write the export beside {out}: {exc.strerror or exc}") from exc
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ExportBusyError(f"another warehouse export is writing to {out}; "
                                  "run this one when it has finished") from None
        yield
    finally:
        handle.close()


@contextmanager
def staged(out: Path) -> Iterator[Path]:
    """A new staging folder beside ``out`` (earlier exports' leftovers removed); deleted if
    the block fails, else left for ``swap``. Hold ``exclusive(out)`` around it."""
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        for pattern in (STAGING, RETIRED):
            for leftover in parent.glob(pattern.format(name=out.name) + "*"):
                shutil.rmtree(leftover, ignore_errors=True)
        staging = parent / f"{STAGING.format(name=out.name)}{os.getpid()}"
        staging.mkdir()
    except OSError as exc:
        raise ExportError(f"cannot write the export beside {out}: {exc.strerror or exc}") from exc
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def keep_tables(out: Path, staging: Path, previous: dict | None, keep: set[str]) -> dict:
    """Link the tables named in ``keep`` from the current export into the staging folder
    (a table no longer exported, such as a view a later release dropped, is not kept);
    their manifest entries."""
    kept = {}
    for name, entry in (previous or {}).get("tables", {}).items():
        if name not in keep or not (out / name).is_dir():
            continue
        shutil.copytree(out / name, staging / name, copy_function=link_or_copy)
        kept[name] = entry
    return kept


def link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def swap(out: Path, staging: Path, manifest: dict) -> None:
    """Write the manifest, then put the staging folder in place of ``out``."""
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    retired = out.parent / f"{RETIRED.format(name=out.name)}{os.getpid()}"
    if out.exists():
        out.rename(retired)
    staging.rename(out)
    shutil.rmtree(retired, ignore_errors=True)
