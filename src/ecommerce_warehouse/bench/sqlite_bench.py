"""Benchmark the pipeline on generated data: how long each step takes, how fast, how big.

``run_benchmark`` generates N order lines into a fresh folder with the project's own
generator, then runs the steps a user runs on a fresh warehouse, each timed:

- generate:  ``generator.build_catalogue`` + ``generator.write_day`` (one day's file);
- ingest:    ``warehouse ingest --db DB FILE`` (the CLI command, run in-process);
- transform: ``warehouse transform --db DB`` (likewise, so whatever that command does,
  checks included, is what gets timed).

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
nothing new (the same files again).

Nothing here asserts a speed: the figures are measurements, for a table in
docs/BENCHMARKS.md and for spotting regressions by eye.
"""

from __future__ import annotations

import contextlib
import io
import json
import multiprocessing
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from importlib import metadata
from pathlib import Path

from ecommerce_warehouse.bench import DEFAULT_INCREMENT, DEFAULT_SEED, DEFAULT_TRANSACTIONS
from ecommerce_warehouse.errors import WarehouseError

DEFAULT_SCALE = (10_000, 100_000, 1_000_000)
STEPS = ("generate", "ingest", "transform")
# The generated day: the first day from here whose weekday factor is exactly 1.0, so a
# file asked for N lines on an average day holds exactly N (the count is reported anyway).
SEARCH_FROM = date(2025, 3, 1)
# A 1-minute load average at or above this before the bench (or this + 1 while it runs,
# the bench itself keeping one CPU busy) means other work competed for the CPU.
BUSY_LOAD = 0.8
PEERS = ("pandas", "sqlite-utils", "sqlite3-executemany", "bronze-floor", "bronze-floor-rollback",
         "bronze-floor-raw-text", "bronze-floor-typed")
PEER_TITLES = {
    "pandas": "pandas json_normalize + to_sql",
    "sqlite-utils": "sqlite-utils insert --nl",
    "sqlite3-executemany": "sqlite3 executemany (floor)",
    "bronze-floor": "our Bronze rows, executemany only",
    "bronze-floor-rollback": "  the same, rollback journal",
    "bronze-floor-raw-text": "  raw text + keys only",
    "bronze-floor-typed": "  typed columns only",
}
# What each Bronze floor stores: the journal mode, and which of our Bronze row's values it
# keeps (the insert names only those columns, so the others are NULL without binding a
# NULL, which costs the sqlite3 module an adapter lookup; the raw text, which may not be
# NULL, goes in as '').
BRONZE_VARIANTS = {
    "ours": ("wal", None),
    "rollback": ("delete", None),
    "raw-text": ("wal", ("raw_id", "batch_id", "source_file", "loaded_at", "record_number",
                         "raw_text", "load_status", "transaction_id")),
    "typed": ("wal", "all but raw_text"),
}

Progress = Callable[[str], None]
# 1-minute load averages sampled after each step of the current run_benchmark call.
_LOAD_SAMPLES: list[float] = []


class BenchError(WarehouseError):
    """A benchmark step failed (or ran out of time); the message says which and why."""


# --- the days generated ---------------------------------------------------------------

def average_day(after: date = SEARCH_FROM) -> date:
    """The first day on or after ``after`` whose weekday factor is 1.0 (N lines for N)."""
    from ecommerce_warehouse.generate import transactions as generator
    for offset in range(7):
        day = after + timedelta(days=offset)
        if generator.WEEKDAY_FACTOR[day.weekday()] == 1.0:
            return day
    return after  # no such weekday: the exact count generated is reported regardless


def bench_days() -> tuple[date, date]:
    """The day of the main file and, a week later (same weekday), the incremental batch."""
    day = average_day()
    return day, day + timedelta(days=7)


# --- running one step in a fresh child process ------------------------------------------

def _rss_bytes(maxrss: int) -> int:
    """ru_maxrss is in kilobytes on Linux and in bytes on macOS."""
    return maxrss if sys.platform == "darwin" else maxrss * 1024


def _child_main(connection, worker: str, kwargs: dict) -> None:
    """Entry point of a spawned child: run one worker and send back its figures."""
    import resource
    try:
        result = WORKERS[worker](**kwargs)
        if result.pop("rss_of_children", False):
            maxrss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        else:
            maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        result["peak_rss_bytes"] = _rss_bytes(maxrss)
        connection.send(("ok", result))
    except BenchError as exc:
        connection.send(("error", str(exc)))
    except Exception:  # noqa: BLE001 - whatever failed goes back to the parent as text
        connection.send(("error", traceback.format_exc()))
    finally:
        connection.close()


def run_in_child(worker: str, timeout: float | None = None, **kwargs) -> dict:
    """Run ``WORKERS[worker](**kwargs)`` in a fresh 'spawn' child; return its result dict."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child_main, args=(sender, worker, kwargs),
                              name=f"bench-{worker}", daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            process.terminate()
            process.join(5)
            if process.is_alive():
                process.kill()
            raise BenchError(f"step {worker} did not finish within {timeout:g} s; it was stopped")
        try:
            status, payload = receiver.recv()
        except EOFError:
            process.join()
            code = process.exitcode
            why = (f"was killed by signal {-code} (out of memory?)" if code is not None and code < 0
                   else f"exited with code {code} before reporting (see the error printed above)")
            raise BenchError(f"step {worker} {why}") from None
    finally:
        receiver.close()
        process.join()
    if status != "ok":
        raise BenchError(f"step {worker} failed: {payload}")
    load = load_average()
    if load:
        _LOAD_SAMPLES.append(load[0])
    return payload


# --- the workers (each runs inside a child; each times only its own work) -------------

def _invoke_cli(args: list[str]) -> str:
    """Run a ``warehouse`` subcommand in this process; return what it printed on stdout."""
    import click

    from ecommerce_warehouse.cli import warehouse
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            warehouse.main(args=args, prog_name="warehouse", standalone_mode=False)
    except click.ClickException as exc:
        raise BenchError(f"warehouse {' '.join(args)}: {exc.format_message()}") from None
    return out.getvalue()


def _work_baseline() -> dict:
    """Import what the steps import, do nothing: the RSS every step starts from."""
    from ecommerce_warehouse import cli  # noqa: F401
    return {"seconds": 0.0}


def _work_generate(out_dir: str, day: str, transactions: int, seed: int) -> dict:
    from ecommerce_warehouse.generate import transactions as generator
    began = time.perf_counter()
    catalogue = generator.build_catalogue(seed)
    drawn = time.perf_counter()
    path, count = generator.write_day(catalogue, date.fromisoformat(day), transactions, Path(out_dir))
    seconds = time.perf_counter() - began
    return {"seconds": seconds, "catalogue_seconds": drawn - began, "lines": count, "path": str(path),
            "file_bytes": path.stat().st_size}


def _work_ingest(db: str, paths: list[str]) -> dict:
    from ecommerce_warehouse import cli  # noqa: F401  (imported before the clock starts)
    began = time.perf_counter()
    printed = _invoke_cli(["ingest", "--db", db, *paths, "--json"])
    seconds = time.perf_counter() - began
    files = json.loads(printed)
    keys = ("records_read", "records_loaded", "duplicates_skipped", "records_rejected")
    totals = {key: sum(f.get(key) or 0 for f in files) for key in keys}
    return {"seconds": seconds, "lines": totals["records_read"], "statuses": [f["status"] for f in files],
            **totals}


def _work_transform(db: str) -> dict:
    from ecommerce_warehouse import cli  # noqa: F401
    began = time.perf_counter()
    printed = _invoke_cli(["transform", "--db", db, "--json"])
    seconds = time.perf_counter() - began
    result = json.loads(printed)
    staged = sum(max(0, span["to_raw_id"] - span["from_raw_id"])
                 for span in result.get("sources", {}).values())
    return {"seconds": seconds, "staged_rows": staged, "rows_changed": result.get("rows_changed", {}),
            "tables": result.get("tables", {})}


def _work_pandas(json_path: str, db: str) -> dict:
    import warnings

    import pandas
    began = time.perf_counter()
    with open(json_path, encoding="utf-8") as handle:
        records = json.load(handle)
    loaded = time.perf_counter()
    frame = pandas.json_normalize(records)
    del records
    normalized = time.perf_counter()
    connection = sqlite3.connect(db)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame.to_sql("transactions", connection, index=False)
        connection.commit()
    finally:
        connection.close()
    ended = time.perf_counter()
    return {"seconds": ended - began, "lines": len(frame),
            "phases": {"json_load": loaded - began, "json_normalize": normalized - loaded,
                       "to_sql": ended - normalized}}


def _work_sqlite_utils(executable: str, jsonl_path: str, db: str) -> dict:
    began = time.perf_counter()
    completed = subprocess.run([executable, "insert", db, "transactions", jsonl_path, "--nl"],  # noqa: S603 - a list of arguments, the executable found by shutil.which
                               check=False, capture_output=True, text=True)
    seconds = time.perf_counter() - began
    if completed.returncode != 0:
        raise BenchError(f"sqlite-utils exited {completed.returncode}: {completed.stderr.strip()[-500:]}")
    return {"seconds": seconds, "lines": _count_rows(db, "transactions"), "rss_of_children": True}


FLAT_COLUMNS = (
    "transaction_id", "order_id", "timestamp", "status", "quantity", "price",
    "user_id", "user_name", "user_email", "user_registration_date",
    "product_id", "product_name", "product_category", "product_unit_price",
)


def flatten(record: dict) -> tuple:
    """One generated record as a flat tuple in FLAT_COLUMNS order (guests: user columns None)."""
    user = record.get("user") or {}
    product = record.get("product") or {}
    return (
        record.get("transaction_id"), record.get("order_id"), record.get("timestamp"),
        record.get("status"), record.get("quantity"), record.get("price"),
        user.get("user_id"), user.get("name"), user.get("email"), user.get("registration_date"),
        product.get("product_id"), product.get("name"), product.get("category"),
        product.get("unit_price"),
    )


def _work_executemany(json_path: str, db: str) -> dict:
    with open(json_path, encoding="utf-8") as handle:
        rows = [flatten(record) for record in json.load(handle)]   # not timed
    placeholders = ", ".join("?" for _ in FLAT_COLUMNS)
    began = time.perf_counter()
    connection = sqlite3.connect(db, isolation_level=None)
    try:
        connection.execute(f"create table transactions ({', '.join(FLAT_COLUMNS)})")
        connection.execute("begin")
        connection.executemany(f"insert into transactions values ({placeholders})", rows)  # noqa: S608 - column names from the FLAT_COLUMNS constant; no values
        connection.execute("commit")
    finally:
        connection.close()
    seconds = time.perf_counter() - began
    return {"seconds": seconds, "lines": len(rows)}


def _work_bronze_floor(json_path: str, db: str, variant: str = "ours") -> dict:
    """Our own Bronze rows, built beforehand (not timed), into our own raw_transactions.

    ``variant`` (BRONZE_VARIANTS) stores them as ingest does ('ours'), under a rollback
    journal instead of WAL ('rollback'), or only part of each row: the raw text and the
    keys ('raw-text'), or everything but the raw text ('typed'). Same table, same keys.
    """
    from ecommerce_warehouse.engines.sqlite import PRAGMAS
    from ecommerce_warehouse.load import ingest
    from ecommerce_warehouse.load.reader import read_records
    from ecommerce_warehouse.sources.transactions import SOURCE
    from ecommerce_warehouse.sqlfiles import statements
    journal, kept = BRONZE_VARIANTS[variant]
    batch = (1, json_path, "2025-01-01T00:00:00.000000Z")
    judge = SOURCE.contract.judge
    rows = [ingest.bronze_row(record, raw_id, batch, judge(record))
            for raw_id, record in enumerate(read_records(Path(json_path), SOURCE.contract.decode_fast), start=1)]
    names = list(ingest.insert_columns(SOURCE))
    if kept is not None:
        if kept == "all but raw_text":
            text = names.index("raw_text")
            rows = [row[:text] + ("",) + row[text + 1:] for row in rows]
        else:
            index = [names.index(column) for column in kept]
            rows = [tuple(row[i] for i in index) for row in rows]
            names = list(kept)
    columns = ", ".join(names)
    placeholders = ", ".join("?" for _ in names)
    began = time.perf_counter()
    connection = sqlite3.connect(db, isolation_level=None)
    try:
        for pragma in PRAGMAS:              # the warehouse's own settings
            if journal != "wal" and pragma.startswith("PRAGMA journal_mode"):
                pragma = f"PRAGMA journal_mode = {journal}"
            connection.execute(pragma)
        for name in ("schema/etl_runs", "schema/etl_files", "schema/raw_transactions"):
            for statement in statements(name, "sqlite"):
                connection.execute(statement)
        connection.execute("insert into etl_files (file_id, path, sha256, file_format, status, loaded_at, source) "
                           "values (1, 'bench', 'bench', 'json', 'loading', '', 'transactions')")
        connection.execute("begin")
        for start in range(0, len(rows), 5_000):
            connection.executemany(f"insert into raw_transactions ({columns}) values ({placeholders})",  # noqa: S608 - column names from ingest.insert_columns; no values
                                   rows[start:start + 5_000])
        connection.execute("commit")
    finally:
        connection.close()
    seconds = time.perf_counter() - began
    return {"seconds": seconds, "lines": len(rows)}


WORKERS: dict[str, Callable[..., dict]] = {
    "baseline": _work_baseline,
    "generate": _work_generate,
    "ingest": _work_ingest,
    "transform": _work_transform,
    "pandas": _work_pandas,
    "sqlite-utils": _work_sqlite_utils,
    "sqlite3-executemany": _work_executemany,
    "bronze-floor": _work_bronze_floor,
}


# --- helpers for the parent -----------------------------------------------------------

def _count_rows(db: str, table: str) -> int:
    connection = sqlite3.connect(db)
    try:
        return connection.execute(f'select count(*) from "{table}"').fetchone()[0]  # noqa: S608 - a table name the bench itself chose; no values
    finally:
        connection.close()


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


def _version(distribution: str) -> str | None:
    try:
        return metadata.version(distribution)
    except metadata.PackageNotFoundError:
        return None


def git_commit(start: Path | None = None) -> str | None:
    """The commit the source tree is checked out at, read from .git (no git command)."""
    folder = (start or Path(__file__)).resolve()
    for candidate in (folder, *folder.parents):
        dot_git = candidate / ".git"
        if dot_git.exists():
            break
    else:
        return None
    try:
        git_dir = dot_git
        if dot_git.is_file():   # a worktree: "gitdir: PATH"
            git_dir = (candidate / dot_git.read_text().split(":", 1)[1].strip()).resolve()
        common = git_dir
        if (git_dir / "commondir").is_file():
            common = (git_dir / (git_dir / "commondir").read_text().strip()).resolve()
        head = (git_dir / "HEAD").read_text().strip()
        if not head.startswith("ref:"):
            return head
        ref = head.split(":", 1)[1].strip()
        for base in (git_dir, common):
            if (base / ref).is_file():
                return (base / ref).read_text().strip()
        packed = common / "packed-refs"
        if packed.is_file():
            for line in packed.read_text().splitlines():
                if line.endswith(" " + ref):
                    return line.split(" ", 1)[0]
    except OSError:
        return None
    return None


def source_files() -> dict[str, str]:
    """A short digest of each of the package's Python and SQL files as they are on disk now."""
    import hashlib

    package = Path(__file__).resolve().parents[1]
    found = {}
    for base, pattern in ((package, "**/*.py"), ((package / "sql").resolve(), "**/*.sql")):
        for path in sorted(base.glob(pattern)):
            try:
                found[str(path.relative_to(base.parent))] = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
            except OSError:
                continue
    return found


def source_digest(files: dict[str, str] | None = None) -> str:
    """One short digest of all the package's Python and SQL files.

    The commit alone does not say whether the tree had uncommitted edits; two runs with
    the same digest ran the same code, and a digest that changes during a run says the
    code was edited while it ran (its figures may then mix two versions).
    """
    import hashlib
    files = source_files() if files is None else files
    return hashlib.sha256(json.dumps(files, sort_keys=True).encode()).hexdigest()[:12]


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_bytes() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def load_average() -> list[float] | None:
    """The 1, 5 and 15-minute load averages (None where the system has none)."""
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except (AttributeError, OSError):
        return None


def machine_info() -> dict:
    """The machine and software the figures were measured on."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "measured_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "load_average_at_start": load_average(),
        "commit": git_commit(),
        "os": f"{platform.system()} {platform.release()}",
        "machine": platform.machine(),
        "cpu": _cpu_model(),
        "cpu_count": os.cpu_count(),
        "cpus_usable": usable,
        "memory_bytes": _memory_bytes(),
        "python": platform.python_version(),
        "python_implementation": platform.python_implementation(),
        "sqlite": sqlite3.sqlite_version,
        "packages": {name: _version(name) for name in
                     ("ecommerce-warehouse", "faker", "sqlalchemy", "click", "pandas", "sqlite-utils")},
    }


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
    _LOAD_SAMPLES.clear()
    files_at_start = source_files()
    machine = machine_info()
    machine["source_digest"] = source_digest(files_at_start)
    document: dict = {"machine": machine, "seed": options.seed, "workdir": str(root) if not cleanup else None,
                      "runs": []}
    try:
        say("measuring the baseline (a child process that only imports the project)")
        baseline = run_in_child("baseline", options.timeout)
        machine["baseline_rss_bytes"] = baseline["peak_rss_bytes"]
        for size in options.sizes:
            document["runs"].append(_measure_size(root / f"n{size}", size, options, say))
    finally:
        if cleanup:
            shutil.rmtree(root, ignore_errors=True)
    machine["load_average_at_end"] = load_average()
    machine["max_load_average_between_steps"] = max(_LOAD_SAMPLES) if _LOAD_SAMPLES else None
    files_at_end = source_files()
    machine["source_digest_at_end"] = source_digest(files_at_end)
    document["source_changed_during_run"] = sorted(
        name for name in files_at_start.keys() | files_at_end.keys()
        if files_at_start.get(name) != files_at_end.get(name))
    if len(options.sizes) > 1:
        document["scale"] = scale_table(document["runs"])
    return document


def _measure_size(folder: Path, size: int, options: BenchOptions, say: Progress) -> dict:
    folder.mkdir(parents=True, exist_ok=True)
    day, increment_day = bench_days()
    raw = folder / "raw"
    db = folder / "warehouse.db"
    timeout = options.timeout

    say(f"[{size:,}] generate {size:,} lines for {day} ...")
    gen = run_in_child("generate", timeout, out_dir=str(raw), day=day.isoformat(),
                       transactions=size, seed=options.seed)
    lines = gen["lines"]
    path = gen["path"]
    say(f"[{size:,}] generated {lines:,} lines in {gen['seconds']:.2f} s; ingest ...")
    ing = run_in_child("ingest", timeout, db=str(db), paths=[path])
    say(f"[{size:,}] ingested in {ing['seconds']:.2f} s; transform ...")
    tra = run_in_child("transform", timeout, db=str(db))
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
    if options.compare:
        run["compare"] = _compare(folder, Path(path), lines, steps["ingest"]["seconds"], timeout, say)
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
        figures = run_in_child("pandas", timeout, json_path=str(json_path), db=str(peers_dir / "pandas.db"))
        record("pandas", figures, f"pandas {_version('pandas')}", phases=figures.get("phases"))
    else:
        record("pandas", None, "pandas is not installed (pip install pandas)")

    executable = sqlite_utils_executable()
    if executable:
        jsonl = peers_dir / (json_path.stem + ".jsonl")
        say(f"[{lines:,}] compare: writing a JSONL copy (not timed), then sqlite-utils ...")
        write_jsonl_copy(json_path, jsonl)
        figures = run_in_child("sqlite-utils", timeout, executable=executable, jsonl_path=str(jsonl),
                               db=str(peers_dir / "sqlite_utils.db"))
        record("sqlite-utils", figures, f"sqlite-utils {_version('sqlite-utils') or executable}; "
               "user and product stay nested JSON text columns")
    else:
        record("sqlite-utils", None, "sqlite-utils is not installed (pip install sqlite-utils)")

    say(f"[{lines:,}] compare: sqlite3 executemany ...")
    figures = run_in_child("sqlite3-executemany", timeout, json_path=str(json_path),
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
        figures = run_in_child("bronze-floor", timeout, json_path=str(json_path),
                               db=str(peers_dir / f"{name}.db"), variant=variant)
        record(name, figures, note)
        for suffix in ("", "-wal", "-shm", "-journal"):       # 0.3-1 GB each: not kept
            Path(f"{peers_dir / name}.db{suffix}").unlink(missing_ok=True)
    return {"ours_ingest_seconds": round(ours, 4), "lines": lines, "peers": results}


def _incremental(folder: Path, db: Path, big_file: Path, lines: int, day: date, options: BenchOptions,
                 say: Progress) -> dict:
    timeout = options.timeout
    say(f"[{lines:,}] incremental: generate a {options.increment:,}-line batch for {day} ...")
    gen = run_in_child("generate", timeout, out_dir=str(folder / "increment"), day=day.isoformat(),
                       transactions=options.increment, seed=options.seed)
    batch = gen["path"]
    batch_lines = gen["lines"]
    cases = []

    def case(name: str, title: str, target: Path, paths: list[str]) -> None:
        say(f"[{lines:,}] incremental: {title} ...")
        ing = run_in_child("ingest", timeout, db=str(target), paths=paths)
        tra = run_in_child("transform", timeout, db=str(target))
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
        for step in (*STEPS, "total")
    }


# --- text output ----------------------------------------------------------------------

def _mb(value: int | None) -> str:
    return "-" if value is None else f"{value / 1_000_000:,.1f} MB"


def _rate(value: float | None) -> str:
    return "-" if value is None else f"{value:,.0f}"


def describe_machine(machine: dict) -> list[str]:
    memory = machine.get("memory_bytes")
    memory_text = f"{memory / 2**30:.1f} GiB RAM" if memory else "RAM unknown"
    commit = (machine.get("commit") or "unknown")[:12]
    lines = [
        (f"machine   {machine['os']} {machine['machine']}, {machine['cpu']}, "
         f"{machine['cpu_count']} cores ({machine['cpus_usable']} usable), {memory_text}"),
        (f"software  Python {machine['python']}, SQLite {machine['sqlite']}, "
         + ", ".join(f"{k} {v}" for k, v in machine["packages"].items() if v and k != "ecommerce-warehouse")),
        (f"measured  {machine['measured_at']} at commit {commit} "
         f"(source digest {machine.get('source_digest')}; uncommitted edits change the digest)"),
    ]
    start, peak = machine.get("load_average_at_start"), machine.get("max_load_average_between_steps")
    if start:
        lines.append(f"load      1-minute load average {start[0]:.2f} at the start"
                     + (f", at most {peak:.2f} between steps" if peak is not None else "")
                     + f" ({machine['cpus_usable']} CPUs; the bench itself keeps about one busy)")
        if start[0] >= BUSY_LOAD or (peak or 0) >= BUSY_LOAD + 1:
            lines.append("WARNING   other work was using the CPU during the bench: "
                         "its times are slower than on a quiet machine")
    if machine.get("baseline_rss_bytes"):
        lines.append(f"baseline  a child that only imports the project peaks at "
                     f"{_mb(machine['baseline_rss_bytes'])} RSS (included in every peak RSS below)")
    return lines


def format_report(document: dict) -> str:
    """The benchmark document as plain-text tables."""
    out = describe_machine(document["machine"])
    changed = document.get("source_changed_during_run")
    if changed:
        out.append(f"WARNING   these files changed while the benchmark ran, so its figures may mix two "
                   f"versions of the code: {', '.join(changed)}")
    for run in document["runs"]:
        out.append("")
        out.append(f"{run['lines']:,} order lines (one day, {run['day']}, seed {document['seed']}), "
                   f"file {_mb(run['file_bytes'])}")
        out.append(f"  {'step':<11}{'seconds':>10}{'lines/s':>12}{'s per 1M':>11}{'peak RSS':>12}")
        for name in (*STEPS, "total"):
            step = run["steps"][name]
            out.append(f"  {name:<11}{step['seconds']:>10.2f}{_rate(step['lines_per_second']):>12}"
                       f"{step['seconds_per_million_lines']:>11.1f}{_mb(step['peak_rss_bytes']):>12}")
        out.append(f"  database file {_mb(run['database_bytes'])} after transform; "
                   f"line counts {'match' if run['counts_match'] else 'DO NOT match'} "
                   f"(fact_orders {run['tables'].get('fact_orders', 0):,})")
        compare = run.get("compare")
        if compare:
            out.append(f"  compare: ingest of the same {compare['lines']:,} lines "
                       f"(ours {compare['ours_ingest_seconds']:.2f} s)")
            out.append(f"    {'tool':<33}{'seconds':>9}{'lines/s':>12}{'peak RSS':>12}{'ours ÷ tool':>13}")
            for peer in compare["peers"]:
                if peer["status"] != "ok":
                    out.append(f"    {peer['title']:<33}  skipped: {peer['note']}")
                    continue
                out.append(f"    {peer['title']:<33}{peer['seconds']:>9.2f}{_rate(peer['lines_per_second']):>12}"
                           f"{_mb(peer['peak_rss_bytes']):>12}{peer['ours_ratio']:>12.1f}×")
        incremental = run.get("incremental")
        if incremental:
            out.append(f"  incremental: a {incremental['batch_lines']:,}-line batch of {incremental['batch_day']}")
            out.append(f"    {'case':<58}{'ingest s':>9}{'transform s':>12}{'total s':>9}{'peak RSS':>11}")
            for item in incremental["cases"]:
                rss = max(item["ingest"]["peak_rss_bytes"], item["transform"]["peak_rss_bytes"])
                out.append(f"    {item['title']:<58}{item['ingest']['seconds']:>9.2f}"
                           f"{item['transform']['seconds']:>12.2f}{item['total_seconds']:>9.2f}{_mb(rss):>11}")
    scale = document.get("scale")
    if scale:
        sizes = [str(run["lines"]) for run in document["runs"]]
        out.append("")
        out.append("seconds per million lines, by size (flat = linear growth)")
        out.append(f"  {'step':<11}" + "".join(f"{int(s):>13,}" for s in sizes))
        for step, by_size in scale.items():
            out.append(f"  {step:<11}" + "".join(f"{by_size[s]:>13.1f}" for s in sizes))
    return "\n".join(out)
