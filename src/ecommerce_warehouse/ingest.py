"""Load batch files into Bronze (``raw_transactions``) and quarantine bad records.

One file is one transaction: its registry row, every record (valid or not) and its
rejects commit together or not at all. Records are streamed into Bronze in chunks;
the duplicate checks and the counts then run as SQL over the file's rows
(``sql/ingest/``), so memory stays flat whatever the file size.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from . import contract, sqlfiles
from .database import BulkInsert, query_sql, run_sql, utc_now, write_transaction
from .errors import InputFileError
from .reader import RawRecord, file_format, read_records

INSERT_CHUNK = 5_000
# The parameters of sql/ingest/insert_raw_transaction.sql, in the order rows are built.
INSERT_COLUMNS = (
    "batch_id", "source_file", "loaded_at", "record_number", "raw_text", "record_hash",
    "load_status", "reject_reason", "reject_field", "reject_message", *contract.COLUMNS,
)

@dataclass
class FileResult:
    """What happened to one input file."""

    path: str
    status: str                     # 'loaded', 'already_loaded' or 'refused'
    file_id: int | None = None
    records_read: int = 0
    records_loaded: int = 0
    duplicates_skipped: int = 0
    records_rejected: int = 0
    error: str | None = None
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


def check_input_paths(paths: Iterable[Path]) -> list[Path]:
    """Refuse the whole command up front if any input is missing or not a batch file."""
    checked = []
    for path in paths:
        path = Path(path)
        if not path.exists():
            raise InputFileError(path, "no such file")
        if path.is_dir():
            raise InputFileError(path, "is a folder, not a batch file")
        file_format(path)
        try:
            with open(path, "rb"):
                pass
        except OSError as exc:
            raise InputFileError(path, f"cannot read: {exc.strerror}") from exc
        checked.append(path)
    return checked


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def bronze_row(record: RawRecord, batch: tuple) -> tuple:
    """The raw_transactions row of one record, in INSERT_COLUMNS order.

    ``batch`` is (batch_id, source_file, loaded_at). A valid record is 'loaded' (the
    file's duplicate check may demote it later); an invalid one is 'rejected' with its reason.
    """
    rejection = record.error
    columns = contract.NO_COLUMNS
    digest = None
    if rejection is None:
        columns, rejection = contract.check(record.value)
        if rejection is None:
            digest = contract.record_hash(record.value)
    if rejection is None:
        disposition = ("loaded", None, None, None)
    else:
        disposition = ("rejected", rejection.code, rejection.field, rejection.message)
    return (*batch, record.number, record.text, digest, *disposition, *columns)


def ingest_file(engine: Engine, path: Path, run_id: int | None = None,
                on_progress: Callable[[int], None] | None = None) -> FileResult:
    """Load one file in one transaction; a refused file loads nothing and is registered as refused."""
    started = time.perf_counter()
    path = Path(path)
    fmt = file_format(path)
    sha256 = file_sha256(path)
    shown_path = str(path)
    try:
        with write_transaction(engine) as connection:
            known = query_sql(connection, "ingest/find_loaded_file", {"sha256": sha256}).first()
            if known is not None:
                return FileResult(shown_path, "already_loaded", file_id=known.file_id,
                                  records_read=known.records_read,
                                  seconds=time.perf_counter() - started)
            loaded_at = utc_now()
            file_id = query_sql(connection, "ingest/register_file", {
                "run_id": run_id, "path": shown_path, "sha256": sha256,
                "file_format": fmt, "loaded_at": loaded_at,
            }).scalar_one()
            insert = BulkInsert(connection, "ingest/insert_raw_transaction", INSERT_COLUMNS)
            batch = (file_id, shown_path, loaded_at)
            chunk = []
            for read, record in enumerate(read_records(path), start=1):
                chunk.append(bronze_row(record, batch))
                if len(chunk) >= INSERT_CHUNK:
                    insert.run(chunk)
                    chunk.clear()
                    if on_progress:
                        on_progress(read)
            insert.run(chunk)
            for name in sqlfiles.INGEST_FINISH:
                run_sql(connection, name, {"batch_id": file_id})
            counts = query_sql(connection, "ingest/file_counts", {"file_id": file_id}).one()
    except InputFileError as exc:
        with write_transaction(engine) as connection:
            run_sql(connection, "ingest/record_refused_file", {
                "run_id": run_id, "path": shown_path, "sha256": sha256,
                "file_format": fmt, "error": exc.reason, "loaded_at": utc_now(),
            })
        return FileResult(shown_path, "refused", error=str(exc),
                          seconds=time.perf_counter() - started)
    return FileResult(
        shown_path, "loaded", file_id=file_id,
        records_read=counts.records_read, records_loaded=counts.records_loaded,
        duplicates_skipped=counts.duplicates_skipped, records_rejected=counts.records_rejected,
        seconds=time.perf_counter() - started,
    )
