"""What each benchmark step does, and running one step in a fresh child process.

``run_in_child(worker, ...)`` starts a child with the 'spawn' method whose entry point,
``_child_main``, looks ``worker`` up in ``WORKERS`` (a name of this module, so the child
finds it by importing this module alone), runs it, and sends back its figures plus its
own peak resident set size. Each worker imports what it needs and times only its own
work with ``time.perf_counter``: generate (order lines, or page views), ingest and
transform (the last two make the
library calls of ``warehouse ingest`` and ``transform``), the peers of ``--compare`` (pandas, sqlite-utils,
sqlite3 executemany) and the Bronze floors (our own Bronze rows through executemany).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from ecommerce_warehouse.bench import machine
from ecommerce_warehouse.errors import WarehouseError

# The DuckDB SQL-only star, the peer of --compare (duckdb_bench)
STAR_FILE = "bench/duckdb_star"
# The steps timed for each size, in order (each is also the name of its worker below).
STEPS = ("generate", "ingest", "transform")
# The generated day: the first day from here whose weekday factor is exactly 1.0, so a
# file asked for N lines on an average day holds exactly N (the count is reported anyway).
SEARCH_FROM = date(2025, 3, 1)
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

# 1-minute load averages sampled after each step run_in_child ran in the current
# run_benchmark call (which empties it at its start).
LOAD_SAMPLES: list[float] = []


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
    # the writes of the steps before (a generated file of 1.3 GB, a warehouse's WAL) are
    # flushed first, so the kernel's write-back of them does not land in this step's time
    os.sync()
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_child_main, args=(sender, worker, kwargs),
                              name=f"bench-{worker}", daemon=False)
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
    load = machine.load_average()
    if load:
        LOAD_SAMPLES.append(load[0])
    return payload


# --- the workers (each runs inside a child; each times only its own work) -------------

def _work_baseline() -> dict:
    """Import what the steps import, do nothing: the RSS every step starts from."""
    from ecommerce_warehouse import pipeline  # noqa: F401
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


def _work_generate_events(out_dir: str, start: str, end: str, transactions: int, seed: int) -> dict:
    """The page views of the days from ``start`` to ``end`` (events_YYYYMMDD.jsonl each)."""
    from ecommerce_warehouse.generate import events
    began = time.perf_counter()
    written = events.generate(date.fromisoformat(start), date.fromisoformat(end), transactions, seed,
                              Path(out_dir))
    seconds = time.perf_counter() - began
    return {"seconds": seconds, "lines": sum(count for _, count in written),
            "paths": [str(path) for path, _ in written], "counts": [count for _, count in written],
            "file_bytes": sum(path.stat().st_size for path, _ in written)}


def _work_generate_changes(out_dir: str, start: str, end: str, transactions: int, seed: int) -> dict:
    """The change events of the days from ``start`` to ``end`` (changes_YYYYMMDD.jsonl each)."""
    from ecommerce_warehouse.generate import changes
    began = time.perf_counter()
    written = changes.generate(date.fromisoformat(start), date.fromisoformat(end), transactions, seed,
                               Path(out_dir))
    seconds = time.perf_counter() - began
    return {"seconds": seconds, "lines": sum(count for _, count in written),
            "paths": [str(path) for path, _ in written], "counts": [count for _, count in written],
            "file_bytes": sum(path.stat().st_size for path, _ in written)}


def _work_ingest(db: str, paths: list[str]) -> dict:
    """`warehouse ingest`'s library call: the files loaded as one recorded run."""
    from ecommerce_warehouse.pipeline import ingest_only  # imported before the clock starts
    began = time.perf_counter()
    try:
        files = [result.as_dict() for result in ingest_only(db, [Path(p) for p in paths])]
    except WarehouseError as exc:
        raise BenchError(f"ingest: {exc}") from None
    seconds = time.perf_counter() - began
    keys = ("records_read", "records_loaded", "duplicates_skipped", "records_rejected")
    totals = {key: sum(f.get(key) or 0 for f in files) for key in keys}
    return {"seconds": seconds, "lines": totals["records_read"], "statuses": [f["status"] for f in files],
            **totals}


def _work_transform(db: str) -> dict:
    """`warehouse transform`'s library call: the transform and its checks as one recorded run."""
    from ecommerce_warehouse.pipeline import transform_only
    began = time.perf_counter()
    try:
        result, tables = transform_only(db)
    except WarehouseError as exc:
        raise BenchError(f"transform: {exc}") from None
    seconds = time.perf_counter() - began
    staged = sum(max(0, high - low) for low, high in result.ranges.values())
    return {"seconds": seconds, "staged_rows": staged, "rows_changed": result.changed, "tables": tables}


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


def _work_duckdb_star(json_path: str, db: str) -> dict:
    """The ``duckdb-star`` worker: the peer's SQL on a fresh DuckDB file, timed whole."""
    import duckdb

    from ecommerce_warehouse import sqlfiles

    statements = sqlfiles.statements(STAR_FILE, "duckdb")
    began = time.perf_counter()
    connection = duckdb.connect(db)
    try:
        connection.execute("set variable batch_file = $1", [json_path])
        for statement in statements:
            result = connection.execute(statement)
        lines, _revenue = result.fetchone()
        connection.execute("checkpoint")
    finally:
        connection.close()
    return {"seconds": time.perf_counter() - began, "lines": lines}
def _work_export(db: str, out: str) -> dict:
    """`warehouse export` of the warehouse to Parquet (the [export] extra)."""
    from ecommerce_warehouse.export.run import ExportOptions, export
    result = export(ExportOptions(db=db, out=Path(out)))
    return {"seconds": result.seconds, "rows": sum(entry["rows"] for entry in result.tables.values()),
            "fact_orders_rows": result.tables["fact_orders"]["rows"]}


WORKERS: dict[str, Callable[..., dict]] = {
    "baseline": _work_baseline,
    "generate": _work_generate,
    "generate-events": _work_generate_events,
    "generate-changes": _work_generate_changes,
    "ingest": _work_ingest,
    "transform": _work_transform,
    "pandas": _work_pandas,
    "sqlite-utils": _work_sqlite_utils,
    "sqlite3-executemany": _work_executemany,
    "bronze-floor": _work_bronze_floor,
    "duckdb-star": _work_duckdb_star,
    "export": _work_export,
}


def _count_rows(db: str, table: str) -> int:
    connection = sqlite3.connect(db)
    try:
        return connection.execute(f'select count(*) from "{table}"').fetchone()[0]  # noqa: S608 - a table name the bench itself chose; no values
    finally:
        connection.close()
