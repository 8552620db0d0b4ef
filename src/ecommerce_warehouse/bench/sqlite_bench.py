"""Benchmark the pipeline on generated data: how long each step takes, how fast, how big.

``run_benchmark`` generates N order lines into a fresh folder with the project's own
generator, then runs the steps a user runs on a fresh warehouse, each timed:

- generate:  ``generator.build_catalogue`` + ``generator.write_day`` (one day's file);
- ingest:    ``pipeline.ingest_only``, what ``warehouse ingest --db DB FILE`` runs;
- transform: ``pipeline.transform_only``, what ``warehouse transform --db DB`` runs
  (so whatever that command does, checks included, is what gets timed).

Every step runs in a fresh child process started with the 'spawn' method. The child
imports what it needs, then times only the step itself with ``time.perf_counter`` and
reports its own peak resident set size (``getrusage(RUSAGE_SELF).ru_maxrss``), so a
step's peak RSS is that step's alone: nothing earlier in the run inflates it. A child
that only imports the project (the baseline) shows how much of each figure is the
interpreter and its libraries.

Optionally (``compare=True``) the same file is loaded the ways a user might instead:
pandas (``json_normalize`` + ``to_sql``), ``sqlite-utils insert --nl`` and the floor,
stdlib ``sqlite3`` ``executemany`` of pre-flattened tuples. Peers that are not installed
are skipped with a note; none of them is a dependency of the project.

The incremental part times a small batch of another day (new transaction ids) into an
empty warehouse and into the one that already holds the N lines, and reruns with
nothing new (the same files again). Page views and change events (``kind_bench``) are
timed against the order lines of the same run: a day of about N records of each, and a
day into a warehouse holding a month of them.

Nothing here asserts a speed: the figures are measurements, for a table in
docs/BENCHMARKS.md and for spotting regressions by eye.

This module runs the sizes, the comparison and the incremental cases and puts their
figures together; ``workers`` holds what each step does and runs it in a child,
``machine`` describes the machine, ``report`` formats the text (``format_report``).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ecommerce_warehouse.bench import (
    DEFAULT_INCREMENT,
    DEFAULT_SEED,
    DEFAULT_TRANSACTIONS,
    duckdb_bench,
    export_bench,
    kind_bench,
    machine,
    report,
    workers,
)
from ecommerce_warehouse.bench.workers import BenchError

DEFAULT_SCALE = (10_000, 100_000, 1_000_000)
PEERS = ("pandas", "sqlite-utils", "sqlite3-executemany", "bronze-floor", "bronze-floor-rollback",
         "bronze-floor-raw-text", "bronze-floor-typed", "duckdb-star")
PEER_TITLES = {
    "duckdb-star": "DuckDB SQL-only star (read_json)",
    "pandas": "pandas json_normalize + to_sql",
    "sqlite-utils": "sqlite-utils insert --nl",
    "sqlite3-executemany": "sqlite3 executemany (floor)",
    "bronze-floor": "our Bronze rows, executemany only",
    "bronze-floor-rollback": "  the same, rollback journal",
    "bronze-floor-raw-text": "  raw text + keys only",
    "bronze-floor-typed": "  typed columns only",
}

Progress = Callable[[str], None]

# The text report, which the command line takes from here with run_benchmark.
format_report = report.format_report


# --- helpers for the parent -----------------------------------------------------------

def database_bytes(db: Path) -> int:
    """The warehouse's size on disk, after folding its write-ahead log back into the file."""
    if not db.exists():
        return 0
    connection = sqlite3.connect(db)
    try:
        connection.execute("pragma wal_checkpoint(truncate)")
    except sqlite3.DatabaseError:
        pass
    finally:
        connection.close()
    return sum(p.stat().st_size for p in (db, Path(f"{db}-wal")) if p.exists())


def write_jsonl_copy(json_path: Path, jsonl_path: Path) -> int:
    """Copy a batch file's records to JSON Lines, streaming (one record in memory at a time)."""
    from ecommerce_warehouse.load.reader import read_records
    count = 0
    with open(jsonl_path, "w", encoding="utf-8", newline="\n") as out:
        for record in read_records(json_path):
            text = record.text
            if "\n" in text or "\r" in text:
                text = json.dumps(record.value, ensure_ascii=False)
            out.write(text)
            out.write("\n")
            count += 1
    return count


def sqlite_utils_executable() -> str | None:
    """sqlite-utils beside this interpreter (the venv's bin), else on PATH."""
    beside = Path(sys.executable).parent / "sqlite-utils"
    if beside.is_file() and os.access(beside, os.X_OK):
        return str(beside)
    return shutil.which("sqlite-utils")


def _has_module(name: str) -> bool:
    import importlib.util
    return importlib.util.find_spec(name) is not None


# --- results --------------------------------------------------------------------------

def step_figures(seconds: float, lines: int, peak_rss_bytes: int | None, **extra) -> dict:
    """One step's figures: seconds, lines, lines per second, seconds per million, peak RSS."""
    return {
        "seconds": round(seconds, 4),
        "lines": lines,
        "lines_per_second": round(lines / seconds, 1) if seconds > 0 else None,
        "seconds_per_million_lines": round(seconds * 1_000_000 / lines, 3) if lines else None,
        "peak_rss_bytes": peak_rss_bytes,
        **extra,
    }


@dataclass
class BenchOptions:
    """What to measure: sizes, seed, peers, the incremental batch, where to work."""

    sizes: Sequence[int] = (DEFAULT_TRANSACTIONS,)
    seed: int = DEFAULT_SEED
    compare: bool = False
    increment: int = DEFAULT_INCREMENT
    keep: Path | None = None
    timeout: float | None = None
    events: bool = True                 # page views too (kind_bench)
    event_days: int = kind_bench.DEFAULT_DAYS     # days in the warehouse a page-view day goes into
    duckdb: bool = True                 # the DuckDB engine on the same file (duckdb_bench)
    changes: bool = True                # change events too (kind_bench)
    change_days: int = kind_bench.DEFAULT_DAYS   # days in the warehouse a change-event day goes into
    export: bool = False                # export each size's warehouse to Parquet (export_bench)
    rounds: int = 1                     # times the day's loads are measured for the kinds' ratios


def run_benchmark(options: BenchOptions, progress: Progress | None = None) -> dict:
    """Measure every size in ``options.sizes``; return one JSON-ready document."""
    say = progress or (lambda line: None)
    if not options.sizes or any(n < 1 for n in options.sizes):
        raise BenchError("every size must be at least 1 line")
    if options.keep is not None:
        root = Path(options.keep)
        root.mkdir(parents=True, exist_ok=True)
        for size in options.sizes:
            folder = root / f"n{size}"
            if folder.exists() and any(folder.iterdir()):
                raise BenchError(f"{folder} already holds files; choose an empty --keep folder")
        cleanup = False
    else:
        root = Path(tempfile.mkdtemp(prefix="warehouse-bench-"))
        cleanup = True
    workers.LOAD_SAMPLES.clear()
    files_at_start = machine.source_files()
    described = machine.machine_info()
    described["source_digest"] = machine.source_digest(files_at_start)
    document: dict = {"machine": described, "seed": options.seed,
                      "workdir": str(root) if not cleanup else None, "runs": []}
    try:
        say("measuring the baseline (a child process that only imports the project)")
        baseline = workers.run_in_child("baseline", options.timeout)
        described["baseline_rss_bytes"] = baseline["peak_rss_bytes"]
        for size in options.sizes:
            document["runs"].append(_measure_size(root / f"n{size}", size, options, say))
        if options.events and options.event_days:
            folder = root / "events_increment"
            folder.mkdir(parents=True, exist_ok=True)
            document["events_increment"] = kind_bench.measure_increment(
                kind_bench.EVENTS, folder, options.event_days, options.seed, options.timeout, say)
        if options.changes and options.change_days:
            folder = root / "changes_increment"
            folder.mkdir(parents=True, exist_ok=True)
            document["changes_increment"] = kind_bench.measure_increment(
                kind_bench.CHANGES, folder, options.change_days, options.seed, options.timeout, say)
    finally:
        if cleanup:
            shutil.rmtree(root, ignore_errors=True)
    samples = workers.LOAD_SAMPLES
    described["load_average_at_end"] = machine.load_average()
    described["max_load_average_between_steps"] = max(samples) if samples else None
    files_at_end = machine.source_files()
    described["source_digest_at_end"] = machine.source_digest(files_at_end)
    document["source_changed_during_run"] = sorted(
        name for name in files_at_start.keys() | files_at_end.keys()
        if files_at_start.get(name) != files_at_end.get(name))
    if len(options.sizes) > 1:
        document["scale"] = scale_table(document["runs"])
    return document


def _measure_size(folder: Path, size: int, options: BenchOptions, say: Progress) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    day, increment_day = workers.bench_days()
    raw = folder / "raw"
    db = folder / "warehouse.db"
    timeout = options.timeout

    say(f"[{size:,}] generate {size:,} lines for {day} ...")
    gen = workers.run_in_child("generate", timeout, out_dir=str(raw), day=day.isoformat(),
                               transactions=size, seed=options.seed)
    lines = gen["lines"]
    path = gen["path"]
    say(f"[{size:,}] generated {lines:,} lines in {gen['seconds']:.2f} s; ingest ...")
    ing = workers.run_in_child("ingest", timeout, db=str(db), paths=[path])
    say(f"[{size:,}] ingested in {ing['seconds']:.2f} s; transform ...")
    tra = workers.run_in_child("transform", timeout, db=str(db))
    say(f"[{size:,}] transformed in {tra['seconds']:.2f} s")
    db_bytes = database_bytes(db)

    steps = {
        "generate": step_figures(gen["seconds"], lines, gen["peak_rss_bytes"],
                                 catalogue_seconds=round(gen["catalogue_seconds"], 4)),
        "ingest": step_figures(ing["seconds"], ing["records_read"], ing["peak_rss_bytes"],
                               records_loaded=ing["records_loaded"],
                               duplicates_skipped=ing["duplicates_skipped"],
                               records_rejected=ing["records_rejected"]),
        "transform": step_figures(tra["seconds"], tra["staged_rows"], tra["peak_rss_bytes"],
                                  rows_changed=tra["rows_changed"]),
    }
    total_seconds = sum(s["seconds"] for s in steps.values())
    steps["total"] = step_figures(total_seconds, lines, max(s["peak_rss_bytes"] for s in steps.values()))
    fact_rows = tra["tables"].get("fact_orders")
    run = {
        "transactions": size,
        "lines": lines,
        "day": day.isoformat(),
        "file_bytes": gen["file_bytes"],
        "steps": steps,
        "database_bytes": db_bytes,
        "tables": tra["tables"],
        "counts_match": (ing["records_read"] == lines and ing["records_loaded"] == lines
                         and fact_rows == lines),
    }
    if options.duckdb and duckdb_bench.available():
        try:
            run["duckdb"] = duckdb_bench.measure_engine(folder / "duckdb", path, lines, timeout, say,
                                                        step_figures)
        except BenchError as exc:       # said in the report; SQLite's figures still count
            say(f"[{lines:,}] DuckDB engine failed: {exc}")
            run["duckdb"] = {"error": str(exc)}
    if options.export:
        run["export"] = export_bench.measure(folder, db, timeout, say)
    if options.events:
        run["events"] = kind_bench.measure_day(kind_bench.EVENTS, folder, lines, steps, options.seed, timeout, say)
    if options.changes:
        run["changes"] = kind_bench.measure_day(kind_bench.CHANGES, folder, lines, steps, options.seed, timeout, say)
    kinds = [kind for kind in (kind_bench.EVENTS, kind_bench.CHANGES) if kind.name in run]
    if options.rounds > 1 and kinds:
        kind_bench.more_rounds(folder, [path], run, kinds, options.rounds, timeout, say)
    if options.compare:
        run["compare"] = _compare(folder, Path(path), lines, steps["ingest"]["seconds"], timeout, say)
        star = next(p for p in run["compare"]["peers"] if p["name"] == "duckdb-star")
        if star["status"] == "ok":
            duck = run.get("duckdb")
            run["compare"]["end_to_end"] = duckdb_bench.end_to_end(
                star["seconds"], steps, duck if duck and "error" not in duck else None)
    if options.increment:
        run["incremental"] = _incremental(folder, db, Path(path), lines, increment_day, options, say)
        run["database_bytes_after_incremental"] = database_bytes(db)
    return run


def _compare(folder: Path, json_path: Path, lines: int, ours: float, timeout: float | None,
             say: Progress) -> dict:
    peers_dir = folder / "peers"
    peers_dir.mkdir(exist_ok=True)
    results = []

    def record(name: str, figures: dict | None, note: str | None = None, **extra) -> None:
        entry = {"name": name, "title": PEER_TITLES[name], "status": "skipped" if figures is None else "ok",
                 "note": note}
        if figures is not None:
            entry.update(step_figures(figures["seconds"], figures["lines"], figures["peak_rss_bytes"]))
            entry["ours_ratio"] = round(ours / figures["seconds"], 3) if figures["seconds"] > 0 else None
            entry.update(extra)
        results.append(entry)

    if _has_module("pandas"):
        say(f"[{lines:,}] compare: pandas ...")
        figures = workers.run_in_child("pandas", timeout, json_path=str(json_path),
                                       db=str(peers_dir / "pandas.db"))
        record("pandas", figures, f"pandas {machine.package_version('pandas')}",
               phases=figures.get("phases"))
    else:
        record("pandas", None, "pandas is not installed (pip install pandas)")

    executable = sqlite_utils_executable()
    if executable:
        jsonl = peers_dir / (json_path.stem + ".jsonl")
        say(f"[{lines:,}] compare: writing a JSONL copy (not timed), then sqlite-utils ...")
        write_jsonl_copy(json_path, jsonl)
        figures = workers.run_in_child("sqlite-utils", timeout, executable=executable,
                                       jsonl_path=str(jsonl), db=str(peers_dir / "sqlite_utils.db"))
        version = machine.package_version("sqlite-utils") or executable
        record("sqlite-utils", figures, f"sqlite-utils {version}; "
               "user and product stay nested JSON text columns")
    else:
        record("sqlite-utils", None, "sqlite-utils is not installed (pip install sqlite-utils)")

    say(f"[{lines:,}] compare: sqlite3 executemany ...")
    figures = workers.run_in_child("sqlite3-executemany", timeout, json_path=str(json_path),
                                   db=str(peers_dir / "executemany.db"))
    record("sqlite3-executemany", figures,
           "pre-flattened tuples (flattening not timed), one table, no constraints, one transaction")

    notes = {
        "ours": "the rows our ingest writes (raw text + typed columns; built beforehand, not timed) "
                "into our raw_transactions table with its keys, one transaction: SQLite's own share",
        "rollback": "the same rows, table and keys, with journal_mode = delete instead of WAL",
        "raw-text": "the same table and keys, each row's raw text and keys only (typed columns NULL)",
        "typed": "the same table and keys, each row without its raw text ('')",
    }
    for variant, note in notes.items():
        name = "bronze-floor" if variant == "ours" else f"bronze-floor-{variant}"
        say(f"[{lines:,}] compare: {PEER_TITLES[name].strip()} ...")
        figures = workers.run_in_child("bronze-floor", timeout, json_path=str(json_path),
                                       db=str(peers_dir / f"{name}.db"), variant=variant)
        record(name, figures, note)
        for suffix in ("", "-wal", "-shm", "-journal"):       # 0.3-1 GB each: not kept
            Path(f"{peers_dir / name}.db{suffix}").unlink(missing_ok=True)
    if duckdb_bench.available():
        say(f"[{lines:,}] compare: the DuckDB SQL-only star ...")
        figures = workers.run_in_child("duckdb-star", timeout, json_path=str(json_path),
                                       db=str(peers_dir / "star.duckdb"))
        record("duckdb-star", figures, f"duckdb {machine.package_version('duckdb')}, its defaults; "
               "sql/bench/duckdb_star.sql: validates nothing, keeps no Bronze")
        for suffix in ("", ".wal"):
            Path(f"{peers_dir / 'star.duckdb'}{suffix}").unlink(missing_ok=True)
    else:
        record("duckdb-star", None, "DuckDB is not installed (pip install 'ecommerce-warehouse[duckdb]')")
    return {"ours_ingest_seconds": round(ours, 4), "lines": lines, "peers": results}


def _incremental(folder: Path, db: Path, big_file: Path, lines: int, day: date, options: BenchOptions,
                 say: Progress) -> dict:
    timeout = options.timeout
    say(f"[{lines:,}] incremental: generate a {options.increment:,}-line batch for {day} ...")
    gen = workers.run_in_child("generate", timeout, out_dir=str(folder / "increment"),
                               day=day.isoformat(), transactions=options.increment, seed=options.seed)
    batch = gen["path"]
    batch_lines = gen["lines"]
    cases = []

    def case(name: str, title: str, target: Path, paths: list[str]) -> None:
        say(f"[{lines:,}] incremental: {title} ...")
        ing = workers.run_in_child("ingest", timeout, db=str(target), paths=paths)
        tra = workers.run_in_child("transform", timeout, db=str(target))
        ingest = step_figures(ing["seconds"], ing["records_read"], ing["peak_rss_bytes"],
                              records_loaded=ing["records_loaded"], statuses=ing["statuses"])
        transform = step_figures(tra["seconds"], tra["staged_rows"], tra["peak_rss_bytes"],
                                 rows_changed=tra["rows_changed"])
        cases.append({"case": name, "title": title, "ingest": ingest, "transform": transform,
                      "total_seconds": round(ing["seconds"] + tra["seconds"], 4),
                      "fact_orders_after": tra["tables"].get("fact_orders")})

    case("empty", "batch into an empty warehouse", folder / "empty.db", [batch])
    case("full", f"batch into the warehouse holding {lines:,} lines", db, [batch])
    case("rerun_batch", "rerun: the same batch again (nothing new)", db, [batch])
    case("rerun_file", f"rerun: the same {lines:,}-line file again (nothing new)", db, [str(big_file)])
    return {"batch_lines": batch_lines, "batch_day": day.isoformat(),
            "generate": step_figures(gen["seconds"], batch_lines, gen["peak_rss_bytes"]), "cases": cases}


def scale_table(runs: Sequence[dict]) -> dict:
    """Seconds per million lines of each step, by size: growth shows as rising numbers."""
    return {
        step: {str(run["lines"]): run["steps"][step]["seconds_per_million_lines"] for run in runs}
        for step in (*workers.STEPS, "total")
    }
