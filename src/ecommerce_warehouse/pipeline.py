"""The one-shot job: generate (or take given files) → ingest → transform → summary.

Each step is also a function of its own, used by the ``warehouse`` subcommands. Every
command that writes opens the warehouse the same way (``opened``): the run lock, then the
schema brought up to this release's (``schema.prepare``), in the run's own transaction.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from ecommerce_warehouse import sources
from ecommerce_warehouse.db import exclusive_run, open_engine, query_sql, redacted, write_transaction
from ecommerce_warehouse.errors import Interrupted, OutputError, WarehouseError
from ecommerce_warehouse.generate import changes as changes_generator
from ecommerce_warehouse.generate import events as events_generator
from ecommerce_warehouse.generate import transactions as generator
from ecommerce_warehouse.generate.catalogue import build_catalogue
from ecommerce_warehouse.load.ingest import BatchFile, FileResult, check_input_paths, ingest_files
from ecommerce_warehouse.model import core, schema
from ecommerce_warehouse.model.checks import CheckResult, failed, record_results, run_checks
from ecommerce_warehouse.model.runs import Run
from ecommerce_warehouse.model.transform import Pending, TransformResult, transform, waiting_sources
from ecommerce_warehouse.progress import Progress
from ecommerce_warehouse.settings import DEFAULT_WAIT_SECONDS


@dataclass(frozen=True)
class PipelineOptions:
    """Everything one pipeline run needs, as given on the command line."""

    db: str
    start: date
    end: date
    seed: int
    transactions: int
    raw_dir: Path
    inputs: tuple[Path, ...] = ()
    source: str | None = None           # --source: the kind of every --input file
    dirty_rate: float = 0.0
    wait_seconds: float = DEFAULT_WAIT_SECONDS
    events: bool = True                 # generate page views too (--no-events: order lines only)
    event_days: int | None = None       # page views for the range's last N days only (None: all)
    changes: bool = True                # generate change events too (--no-changes)

    def parameters(self) -> dict:
        return {
            "db": redacted(self.db), "start": self.start.isoformat(), "end": self.end.isoformat(),
            "seed": self.seed, "transactions": self.transactions, "raw_dir": str(self.raw_dir),
            "inputs": [str(p) for p in self.inputs], "source": self.source,
            "dirty_rate": self.dirty_rate, "events": self.events, "event_days": self.event_days,
            "changes": self.changes,
        }


@dataclass
class PipelineResult:
    """What a run did: its id, files, transform ranges and the warehouse's size after."""

    run_id: int
    status: str
    db: str
    generated: list[tuple[str, int]] = field(default_factory=list)
    files: list[FileResult] = field(default_factory=list)
    transform: TransformResult | None = None
    tables: dict[str, int] = field(default_factory=dict)
    schema: schema.SchemaReport | None = None
    seconds: float = 0.0
    error: str | None = None

    def totals(self) -> dict[str, int]:
        keys = ("records_read", "records_loaded", "duplicates_skipped", "records_rejected")
        return {key: sum(getattr(f, key) for f in self.files if f.status == "loaded") for key in keys}

    def as_dict(self) -> dict:
        return {
            "run_id": self.run_id,
            "status": self.status,
            "db": self.db,
            "seconds": round(self.seconds, 3),
            "error": self.error,
            "schema": None if self.schema is None else self.schema.as_dict(),
            "generated": [{"path": p, "lines": n} for p, n in self.generated],
            "files": [f.as_dict() for f in self.files],
            "totals": self.totals(),
            "transform": None if self.transform is None else self.transform.as_dict(),
            "tables": self.tables,
        }


@dataclass
class Opened:
    """A warehouse opened for a run: its engine, and what bringing its schema up to date did."""

    engine: Engine
    schema: schema.SchemaReport


@contextmanager
def opened(db: str, wait_seconds: float = DEFAULT_WAIT_SECONDS, create: bool = False) -> Iterator[Opened]:
    """The warehouse, locked for this run and its schema this release's; closed cleanly
    afterwards (SQLite checkpoints its WAL when the last connection closes).

    ``create``: a missing warehouse is made (only the commands that load data: run,
    ingest); otherwise it is refused (DatabaseError, exit 5) and nothing is created, so a
    mistyped --db never reports on an empty warehouse of its own making.
    """
    engine = open_engine(db, wait_seconds, create)
    try:
        with exclusive_run(engine, wait_seconds):
            yield Opened(engine, schema.prepare(engine, create, redacted(db)))
    finally:
        engine.dispose()


def table_counts(engine: Engine) -> dict[str, int]:
    """The row counts a run summary shows: each kind's, then the conformed dimensions'."""
    counts: dict[str, int] = {}
    with write_transaction(engine) as connection:
        for name in [source.counts for source in sources.SOURCES if source.counts] + [core.COUNTS]:
            counts.update(query_sql(connection, name).one()._mapping)
    return counts


def refused_error(files: Sequence[FileResult]) -> str | None:
    refused = [f for f in files if f.status == "refused"]
    if not refused:
        return None
    return f"{len(refused)} file(s) refused: " + "; ".join(f.error or f.path for f in refused)


def run_pipeline(options: PipelineOptions, command: str = "run_pipeline",
                 progress: Progress | None = None) -> PipelineResult:
    """Generate (unless inputs are given), ingest, transform; record it all in etl_runs."""
    began = time.perf_counter()
    inputs = check_input_paths(options.inputs, options.source) if options.inputs else ()
    with opened(options.db, options.wait_seconds, create=True) as warehouse:
        return _run(warehouse, options, inputs, command, progress, began)


def _run(warehouse: Opened, options: PipelineOptions, inputs: Sequence[BatchFile], command: str,
         progress: Progress | None, began: float) -> PipelineResult:
    engine = warehouse.engine
    run = Run(engine, command, options.parameters())
    result = PipelineResult(run.run_id, "running", redacted(options.db), schema=warehouse.schema)
    files: list[BatchFile] = list(inputs)
    try:
        with interruptible(run, lambda: kept_after_interrupt(result, len(files))):
            if not inputs:
                with run.timed("generate", str(options.raw_dir)) as box:
                    written = generate_files(
                        options.start, options.end, options.transactions, options.seed,
                        options.raw_dir, options.dirty_rate,
                        on_file=(lambda p, n: progress.line(f"generated {p} ({n:,} lines)")) if progress else None,
                        on_line=progress.counter("generate") if progress else None,
                        events=options.events, event_days=options.event_days,
                        changes=options.changes,
                    )
                    box["rows"] = sum(n for _, n in written)
                result.generated = [(str(p), n) for p, n in written]
                files = check_input_paths([p for p, _ in written])
            ingest_files(engine, files, run, progress, into=result.files)
            result.transform = transform(engine, run)
            result.error = refused_error(result.files)
    except WarehouseError as exc:
        result.error = str(exc)
        _close(run, result, began)
        raise
    _close(run, result, began)
    result.tables = table_counts(engine)
    return result


@contextmanager
def interruptible(run: Run, kept: Callable[[], str]) -> Iterator[None]:
    """Ctrl-C inside the block: the run is recorded as interrupted at once (its open
    transaction has rolled back), and Interrupted (exit 130) says what ``kept()`` says."""
    try:
        yield
    except KeyboardInterrupt:
        message = f"interrupted (Ctrl-C): {kept()}"
        _finish_quietly(run, message)
        raise Interrupted(message) from None


def kept_after_interrupt(result: PipelineResult, total_files: int) -> str:
    """What a pipeline run stopped by Ctrl-C kept, and how to go on."""
    again = "run the same command again to continue"
    if not total_files:
        return (f"every batch file generated so far is whole (each is renamed into place once "
                f"written) and nothing was loaded; {again}")
    done = [f for f in result.files if f.status in ("loaded", "already_loaded")]
    if len(result.files) < total_files:
        return (f"{len(done)} of {plural(total_files, 'file')} are loaded, each whole; the file "
                f"being loaded was rolled back, nothing of it kept; {again} (loaded files are skipped)")
    return (f"every file is loaded ({len(done)} of {total_files}); the transform was rolled back, so "
            f"the star is as it was; {again} or `warehouse transform`")


def plural(count: int, noun: str) -> str:
    """'1 file', '2 files', '1,234 records'."""
    return f"{count:,} {noun}" + ("" if count == 1 else "s")


def generate_files(start: date, end: date, transactions: int, seed: int, out_dir: Path,
                   dirty_rate: float = 0.0, on_file=None, on_line=None,
                   events: bool = True, event_days: int | None = None,
                   changes: bool = True) -> list[tuple[Path, int]]:
    """The generators: order lines, then (unless ``events`` is False) the page views of the
    same days, or of the last ``event_days`` of them, then (unless ``changes`` is False) the
    change events of the same orders and products; (path, records) of each file. A failure
    to write (disk full, no permission) is a one-line error."""
    try:
        catalogue = build_catalogue(seed)
        written = generator.generate(start, end, transactions, seed, out_dir, dirty_rate,
                                     on_file=on_file, on_line=on_line, catalogue=catalogue)
        if events:
            before = sum(count for _, count in written)
            first = start if event_days is None else max(start, end - timedelta(days=event_days - 1))
            written += events_generator.generate(
                first, end, transactions, seed, out_dir, dirty_rate, on_file=on_file,
                on_line=None if on_line is None else (lambda count: on_line(before + count)),
                catalogue=catalogue)
        if changes:
            before = sum(count for _, count in written)
            written += changes_generator.generate(
                start, end, transactions, seed, out_dir, dirty_rate, on_file=on_file,
                on_line=None if on_line is None else (lambda count: on_line(before + count)),
                catalogue=catalogue)
        return written
    except OSError as exc:
        where = exc.filename or out_dir
        raise OutputError(f"cannot write batch files to {out_dir}: {exc.strerror or exc} ({where})") from exc


def ingest_only(db: str, paths: Sequence[Path], progress: Progress | None = None,
                wait_seconds: float = DEFAULT_WAIT_SECONDS, source: str | None = None) -> list[FileResult]:
    """`warehouse ingest`: load the files into Bronze (no transform), as one recorded run."""
    checked = check_input_paths(paths, source)
    with opened(db, wait_seconds, create=True) as warehouse:
        run = Run(warehouse.engine, "ingest", {"db": redacted(db), "files": [str(f.path) for f in checked],
                                               "source": source})
        results: list[FileResult] = []
        try:
            with interruptible(run, lambda: kept_after_ingest(results, len(checked))):
                ingest_files(warehouse.engine, checked, run, progress, into=results)
        except WarehouseError as exc:
            _finish_quietly(run, str(exc))
            raise
        run.finish(refused_error(results))
    return results


def transform_only(db: str, wait_seconds: float = DEFAULT_WAIT_SECONDS) -> tuple[TransformResult, dict[str, int]]:
    """`warehouse transform`: run the transforms over what is staged, as one recorded run."""
    with opened(db, wait_seconds) as warehouse:
        run = Run(warehouse.engine, "transform", {"db": redacted(db)})
        try:
            with interruptible(run, lambda: "the transform was rolled back, so the star is as it "
                                            "was; run `warehouse transform` again to continue"):
                result = transform(warehouse.engine, run)
        except WarehouseError as exc:
            _finish_quietly(run, str(exc))
            raise
        run.finish()
        return result, table_counts(warehouse.engine)


@dataclass
class CheckReport:
    """What `warehouse check` found: every check's outcome, and each input kind's records
    loaded since its last transform (pending: not yet in the star, which is no failure)."""

    results: list[CheckResult]
    pending: list[Pending]


def check_only(db: str, wait_seconds: float = DEFAULT_WAIT_SECONDS) -> CheckReport:
    """`warehouse check`: run every check now and append the outcomes to dq_check_results."""
    with opened(db, wait_seconds) as warehouse:
        run = Run(warehouse.engine, "check", {"db": redacted(db)})
        with interruptible(run, lambda: "no outcome was recorded; run `warehouse check` again"), \
                write_transaction(warehouse.engine) as connection:
            results = run_checks(connection)
            record_results(connection, run.run_id, results)
            pending = waiting_sources(connection)
        bad = failed(results)
        run.finish(f"{len(bad)} error check(s) failed: " + ", ".join(r.name for r in bad) if bad else None)
        return CheckReport(results, pending)


def upgrade_only(db: str, wait_seconds: float = DEFAULT_WAIT_SECONDS) -> schema.SchemaReport:
    """`warehouse upgrade`: bring the warehouse's schema up to this release's, nothing else."""
    with opened(db, wait_seconds) as warehouse:
        return warehouse.schema


def kept_after_ingest(results: Sequence[FileResult], total_files: int) -> str:
    done = [f for f in results if f.status in ("loaded", "already_loaded")]
    return (f"{len(done)} of {plural(total_files, 'file')} are loaded, each whole; the file being "
            "loaded was rolled back, nothing of it kept; run the same command again to continue "
            "(loaded files are skipped)")


def _finish_quietly(run: Run, error: str) -> None:
    try:
        run.finish(error)
    except WarehouseError:
        pass  # the database itself is failing; the original error is what matters


def _close(run: Run, result: PipelineResult, began: float) -> None:
    result.status = "failed" if result.error else "succeeded"
    result.seconds = time.perf_counter() - began
    _finish_quietly(run, result.error)
