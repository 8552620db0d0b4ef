"""Load batch files into their kind's Bronze table and quarantine bad records.

One file is one transaction: its registry row, every record (valid or not) and its
rejects commit together or not at all. Records are streamed into Bronze in chunks;
the duplicate checks and the counts then run as SQL over the file's rows (the kind's
``IngestSql`` files in ``sql/ingest/``), so memory stays flat whatever the file size.
Nothing here knows an input kind: the ``Source`` declaration names the contract that
judges each record and the statements that store it.
"""

from __future__ import annotations

import gc
import hashlib
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from ecommerce_warehouse import engines, sources
from ecommerce_warehouse.db import bulk_writer, query_sql, run_sql, utc_now, write_transaction
from ecommerce_warehouse.errors import InputFileError, NulCharacterError
from ecommerce_warehouse.load.parts import insert_writer
from ecommerce_warehouse.load.reader import file_format, read_records
from ecommerce_warehouse.load.records import Unwrapped, bronze_row, decode, record_hash
from ecommerce_warehouse.sources.declaration import Source

INSERT_CHUNK = 5_000
# A file is bulk when it may hold at least BULK_RECORDS records and as many as the kind's
# Bronze table holds already (its size in bytes / BULK_RECORD_BYTES, a short record's
# size, estimates its records): the kind's ``bulk_before`` / ``bulk_after`` files then run
# around its records. 1,032,695 change events into an empty raw_changes: 19.9 s with its two
# indexes kept up to date, 8.7 s without them + 1.5 s to build them after (measured).
BULK_RECORDS = 50_000
BULK_RECORD_BYTES = 500
# The Bronze columns every kind has, before its contract's typed COLUMNS.
BATCH_COLUMNS = ("raw_id", "batch_id", "source_file", "loaded_at", "record_number", "raw_text",
                 "load_status")
# The parameters of a kind's set_reject_reason file, for the rejected records.
REASON_COLUMNS = ("raw_id", "reject_reason", "reject_field", "reject_message")


def insert_columns(source: Source) -> tuple[str, ...]:
    """The parameters of the kind's Bronze insert file, in the order rows are built."""
    return (*BATCH_COLUMNS, *source.contract.COLUMNS)


@dataclass
class FileResult:
    """What happened to one input file."""

    path: str
    status: str                     # 'loaded', 'already_loaded' or 'refused'
    source: str = ""                # its input kind
    file_id: int | None = None
    records_read: int = 0
    records_loaded: int = 0
    duplicates_skipped: int = 0
    records_rejected: int = 0
    error: str | None = None
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class BatchFile:
    """An input file checked up front, with its kind."""

    path: Path
    source: Source


def check_input_paths(paths: Iterable[Path], source: str | None = None) -> list[BatchFile]:
    """Refuse the whole command up front if any input is missing, not a batch file, or of
    no known kind (``source``: the kind --source gave, for every file)."""
    checked = []
    for path in paths:
        path = Path(path)
        if not path.exists():
            raise InputFileError(path, "no such file")
        if path.is_dir():
            raise InputFileError(path, "is a folder, not a batch file")
        file_format(path)
        kind = sources.of_file(path, source)
        try:
            with open(path, "rb"):
                pass
        except OSError as exc:
            raise InputFileError(path, f"cannot read: {exc.strerror}") from exc
        checked.append(BatchFile(path, kind))
    return checked


def is_bulk(source: Source, path: Path, bronze_rows: int) -> bool:
    """Is this file big enough, against its Bronze table, to load as bulk (``BULK_RECORDS``)?"""
    if source.ingest.bulk_before is None:
        return False
    records = path.stat().st_size // BULK_RECORD_BYTES
    return records >= max(BULK_RECORDS, bronze_rows)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class WrapperSchemas:
    """The wrapper schemas a file's ``Unwrapped`` records name, each stored once, by the
    kind's ``store_schema`` file, before the rows that name it (a schema stored by an
    earlier file is left as it is: the file inserts only a key not yet there)."""

    def __init__(self, connection, source: Source):
        self.connection = connection
        self.source = source
        self.seen: set[str] = set()
        self.pending: list[tuple[str, str]] = []

    def note(self, value: Unwrapped) -> None:
        if value.schema_key not in self.seen:
            if self.source.ingest.store_schema is None:
                raise TypeError(f"the {self.source.name} contract unwraps records but the kind "
                                "declares no store_schema file")
            self.seen.add(value.schema_key)
            self.pending.append((value.schema_key, value.schema_text))

    def store(self, insert) -> None:
        """Store the schemas noted since the last call (ending the insert's COPY first)."""
        if self.pending:
            insert.finish()
            for key, text in self.pending:      # a few a file: one statement each
                run_sql(self.connection, self.source.ingest.store_schema,
                        {"schema_key": key, "schema_text": text})
            self.pending.clear()


def load_records(connection, source: Source, path: Path, batch: tuple, after_raw_id: int,
                 after_chunk: Callable[[int], None] | None) -> tuple[int, int]:
    """Write every record of the file to Bronze, in chunks; return (read, rejected).

    The records get the raw_ids after ``after_raw_id`` (the caller holds the write lock),
    one each in file order, valid or not. The reject reasons follow by UPDATE once a
    chunk's worth have gathered, and at the end: on PostgreSQL the rows stream through
    one COPY, which must end before the UPDATE runs. ``after_chunk(records read so far)``
    is called after each chunk is written (it may raise to stop the load; it must run no
    statement).
    """
    contract = source.contract
    judge = contract.judge
    reasons = bulk_writer(connection, source.ingest.set_reject_reason, REASON_COLUMNS)
    chunk, rejections = [], []
    read = rejected = 0
    schemas = WrapperSchemas(connection, source)
    with insert_writer(connection, source, insert_columns(source), BATCH_COLUMNS) as insert:
        rows_per_run = getattr(insert, "rows_per_run", INSERT_CHUNK)    # load/parts.py says why
        for record in read_records(path, contract.decode_fast):
            judged = judge(record)
            read += 1
            raw_id = after_raw_id + read
            chunk.append(bronze_row(record, raw_id, batch, judged))
            if type(record.value) is Unwrapped:
                schemas.note(record.value)
            rejection = judged[1]
            if rejection is not None:
                rejected += 1
                rejections.append((raw_id, rejection.code, rejection.field, rejection.message))
            if len(chunk) >= rows_per_run:
                schemas.store(insert)
                insert.run(chunk)
                chunk.clear()
                if len(rejections) >= INSERT_CHUNK:
                    insert.finish()
                    reasons.run(rejections)
                    rejections.clear()
                if after_chunk:
                    after_chunk(read)
        schemas.store(insert)
        insert.run(chunk)
    reasons.run(rejections)
    return read, rejected


def nul_refusal(source: Source, path: Path) -> InputFileError:
    """The file refused for a value PostgreSQL text cannot hold, naming the first such record.

    Only called once the server has refused the file's COPY, so the file is read again
    to find the record (no record is kept in memory for it meanwhile).
    """
    columns = insert_columns(source)
    for position, record in enumerate(read_records(path, source.contract.decode_fast), start=1):
        row = bronze_row(record, position, ("", "", ""), source.contract.judge(record))
        for column, value in zip(columns, row):
            if isinstance(value, str) and "\x00" in value:
                return InputFileError(path, f"record {record.number}: {column} holds a NUL character "
                                            "(\\u0000), which PostgreSQL text cannot store")
    return InputFileError(path, "a value holds a NUL character (\\u0000), which PostgreSQL text cannot store")


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while records stream through.

    Every record makes a few short-lived tuples and no reference cycles; reference
    counting frees them all, and the collector's passes over them cost about 5% of an
    ingest (measured with a sampling profiler).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def mark_later_copies(connection, source: Source, after_raw_id: int,
                      bulk: bool) -> tuple[int, int]:
    """Demote this file's later copies of already loaded records (same record id).

    Only records whose id was loaded before get a record_hash, computed here for each
    copy and its first version; the kind's ``mark_later_copies`` file then marks an
    identical copy 'duplicate' and a different one 'rejected'. Returns (duplicates,
    conflicting copies). The file's rows are those after ``after_raw_id``. After a
    ``bulk`` file, a kind with an ``any_copies`` file first asks whether any id is loaded
    twice at all (one pass over its index, in order, instead of a look-up per record):
    if not, there is nothing to demote.
    """
    statements = source.ingest
    if bulk and statements.any_copies is not None \
            and query_sql(connection, statements.any_copies).first() is None:
        return 0, 0
    hashes = bulk_writer(connection, statements.set_record_hash, ("raw_id", "record_hash"))
    duplicates = conflicting = 0
    after = after_raw_id
    while True:
        page = query_sql(connection, statements.later_copies, {
            "after_raw_id": after, "page_size": INSERT_CHUNK}).all()
        if not page:
            break
        rows = []
        first_versions = {}     # raw_id -> hash: a first version with many copies is hashed once
        for pair in page:
            copy_hash = record_hash(decode(pair.raw_text))
            rows.append((pair.raw_id, copy_hash))
            original_hash = pair.original_record_hash or first_versions.get(pair.original_raw_id)
            if original_hash is None:
                original_hash = record_hash(decode(pair.original_raw_text))
                first_versions[pair.original_raw_id] = original_hash
                rows.append((pair.original_raw_id, original_hash))
            if copy_hash == original_hash:
                duplicates += 1
            else:
                conflicting += 1
        hashes.run(rows)
        after = page[-1].raw_id
    if duplicates or conflicting:
        run_sql(connection, statements.mark_later_copies, {"after_raw_id": after_raw_id})
    return duplicates, conflicting


class FileDigest:
    """The SHA-256 of a file, computed on a thread of its own (reading and hashing release
    the GIL: the second core does the work). A daemon thread: a command stopped by Ctrl-C
    does not wait for it."""

    def __init__(self, path: Path):
        self._done = threading.Event()
        self._value: str | None = None
        self._error: BaseException | None = None
        threading.Thread(target=self._run, args=(path,), name="file-digest", daemon=True).start()

    def _run(self, path: Path) -> None:
        try:
            self._value = file_sha256(path)
        except BaseException as exc:  # noqa: BLE001 - re-raised by value() in the caller's thread
            self._error = exc
        finally:
            self._done.set()

    def done(self) -> bool:
        return self._done.is_set()

    def value(self) -> str:
        """The hex digest, once it is computed (the hashing's error, if it failed)."""
        self._done.wait()
        if self._error is not None:
            raise self._error
        return self._value


class _AlreadyLoaded(Exception):
    """The file's bytes are a loaded file's: raised to roll the file's transaction back."""

    def __init__(self, known):
        super().__init__(known.file_id)
        self.known = known


def _copy_of_loaded(loaded: dict, digest: FileDigest) -> None:
    """Raise _AlreadyLoaded if the digest is one of the ``loaded`` files' (by sha256)."""
    known = loaded.get(digest.value())
    if known is not None:
        raise _AlreadyLoaded(known)


def ingest_file(engine: Engine, path: Path, source: Source, run_id: int | None = None,
                on_progress: Callable[[int], None] | None = None) -> FileResult:
    """Load one file of kind ``source`` in one transaction; a refused file loads nothing and
    is registered as refused; a file whose bytes were loaded before loads nothing and is
    reported as that file.

    The file's SHA-256 is computed on a second thread while its records load
    (``FileDigest``; the 1M change events' 1.3 GB took 0.9 s of CPU before the load could
    begin). A file named as a loaded one (the same name, in any folder) is most likely the
    same file again: its digest is awaited first, so an unchanged file is skipped before
    any record is read. Any other file is compared as soon as its digest is known: between
    two chunks of records (against the loaded files' digests, read when the file began),
    and once more before the file is closed. A copy of a loaded file under a new name is
    rolled back then, and so is a refusal of one.
    """
    started = time.perf_counter()
    path = Path(path)
    fmt = file_format(path)
    shown_path = str(path)
    statements = source.ingest
    digest = FileDigest(path)
    try:
        with write_transaction(engine) as connection:
            # read once, under the write lock: nothing else can load a file meanwhile
            loaded = {row.sha256: row for row in query_sql(connection, "ingest/loaded_files")}
            if any(Path(row.path).name == path.name for row in loaded.values()):
                _copy_of_loaded(loaded, digest)

            def after_chunk(read: int) -> None:     # no statement here: PostgreSQL is mid-COPY
                if on_progress:
                    on_progress(read)
                if digest.done():
                    _copy_of_loaded(loaded, digest)

            loaded_at = utc_now()
            file_id = query_sql(connection, "ingest/register_file", {
                "run_id": run_id, "path": shown_path, "file_format": fmt,
                "loaded_at": loaded_at, "source": source.name,
            }).scalar_one()
            last_raw_id = query_sql(connection, statements.last_raw_id).scalar_one()
            batch = (file_id, shown_path, loaded_at)
            bulk = is_bulk(source, path, last_raw_id)
            if bulk:
                run_sql(connection, statements.bulk_before)
            tuning = engines.of(connection).ingest_tuning
            with tuning(connection, "records"), paused_gc():
                try:
                    read, rejected = load_records(connection, source, path, batch, last_raw_id,
                                                  after_chunk)
                except NulCharacterError:
                    raise nul_refusal(source, path) from None
            _copy_of_loaded(loaded, digest)
            if bulk:
                with tuning(connection, "indexes"):
                    run_sql(connection, statements.bulk_after)
            with tuning(connection, "copies"):
                duplicates, conflicting = mark_later_copies(connection, source, last_raw_id, bulk)
            rejected += conflicting
            if rejected:
                run_sql(connection, statements.copy_rejects, {"after_raw_id": last_raw_id})
            run_sql(connection, "ingest/close_file", {
                "file_id": file_id, "sha256": digest.value(), "records_read": read,
                "records_loaded": read - rejected - duplicates,
                "duplicates_skipped": duplicates, "records_rejected": rejected,
            })
            counts = query_sql(connection, "ingest/file_counts", {"file_id": file_id}).one()
    except _AlreadyLoaded as exc:
        return FileResult(shown_path, "already_loaded", source.name,
                          file_id=exc.known.file_id, records_read=exc.known.records_read,
                          seconds=time.perf_counter() - started)
    except InputFileError as exc:
        with write_transaction(engine) as connection:
            # a refused copy of a loaded file is that file, as before
            known = query_sql(connection, "ingest/find_loaded_file", {"sha256": digest.value()}).first()
            if known is not None:
                return FileResult(shown_path, "already_loaded", source.name, file_id=known.file_id,
                                  records_read=known.records_read,
                                  seconds=time.perf_counter() - started)
            run_sql(connection, "ingest/record_refused_file", {
                "run_id": run_id, "path": shown_path, "sha256": digest.value(),
                "file_format": fmt, "error": exc.reason, "loaded_at": utc_now(),
                "source": source.name,
            })
        return FileResult(shown_path, "refused", source.name, error=str(exc),
                          seconds=time.perf_counter() - started)
    return FileResult(
        shown_path, "loaded", source.name, file_id=file_id,
        records_read=counts.records_read, records_loaded=counts.records_loaded,
        duplicates_skipped=counts.duplicates_skipped, records_rejected=counts.records_rejected,
        seconds=time.perf_counter() - started,
    )


def ingest_files(engine: Engine, files: Sequence[BatchFile], run, progress=None,
                 into: list[FileResult] | None = None) -> list[FileResult]:
    """Ingest each file in its own transaction and record one run step per file.

    ``into``: the list each file's result is appended to as soon as it is done (so a
    caller stopped half-way knows which files are loaded); returned.
    """
    results = [] if into is None else into
    for item in files:
        counter = progress.counter(f"ingest {item.path.name}", "records") if progress else None
        result = ingest_file(engine, item.path, item.source, run.run_id, counter)
        run.step("ingest", str(item.path), result.records_loaded, result.seconds)
        results.append(result)
        if progress:
            progress.line(describe_file(result))
    return results


def describe_file(result: FileResult) -> str:
    if result.status == "already_loaded":
        return f"{result.path}: already loaded (file {result.file_id}), skipped"
    if result.status == "refused":
        # the reason is the command's error line (said once, on stderr)
        return f"{result.path}: refused, nothing loaded from it (the error says why)"
    return (f"{result.path}: {result.records_read:,} read = {result.records_loaded:,} loaded"
            f" + {result.duplicates_skipped:,} duplicates + {result.records_rejected:,} rejected")
