"""Time Bronze loads on PostgreSQL: COPY against row inserts (``warehouse bench --postgres URL``).

``run_postgres_benchmark(url, sizes)`` answers one question with figures: how much faster
does ingest put a file's records into ``raw_transactions`` with COPY than it would with
row inserts? For each size N it

1. generates N order lines (one average day, with the project's generator, as ``sqlite_bench``
   does) into a temporary folder;
2. builds the file's Bronze rows once, as ingest does (``reader.read_records`` +
   ``ingest.bronze_row``, columns ``ingest.insert_columns``), and spills them to a
   temporary file in chunks of ``ingest.INSERT_CHUNK`` rows, so memory stays one chunk
   whatever N (and building them is never timed);
3. opens a fresh warehouse in a schema of its own on the server (a random name, dropped
   at the end) and times loading the same rows, each time into an emptied
   ``raw_transactions``, one transaction per load, commit included:

   - ``copy``: the path ingest takes, ``db.bulk_writer`` with
     ``ingest/insert_raw_transaction.postgresql.sql`` (COPY, binary format, one COPY for
     all the chunks);
   - ``copy_text``: the same COPY in text format (for reference);
   - ``inserts``: row inserts, the portable ``ingest/insert_raw_transaction.sql``
     compiled for psycopg and run with executemany per chunk, exactly as ``db.bulk_writer``
     runs a statement file (psycopg 3 pipelines executemany);
   - ``ingest_file``: the whole ``ingest.ingest_file`` of the generated file (read,
     check, COPY, duplicate check, counts), for context.

   - ``read_back``: reading the spilled rows back and nothing else. Every path above
     but ``ingest_file`` includes it (a COPY goes on storing rows on the server while
     the next chunk is read, so the reading cannot be left out of the timing); it is the
     same for each.

   The paths alternate within each round, starting one later each round, and each
   figure is the median of ``repeat`` rounds (3 by default), so other work on the
   machine falls on every path alike. Each load also reports the CPU seconds of this
   process (``time.process_time``) and, when the server runs on this machine and its
   backend's /proc entry is readable, of the server backend: on a busy machine CPU
   seconds are steadier than wall seconds, and they show which side the time is spent on.

Nothing here asserts a speed. A load is timed from creating its loader to the end of
its commit, reading the spilled rows back included.

This module checks the URL, describes the server, runs the sizes and formats the report;
``postgres_loaders`` holds the spilled rows, the loaders and the timed loads.
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError

from ecommerce_warehouse import db as database
from ecommerce_warehouse.bench import DEFAULT_SEED, machine, postgres_loaders, report, workers
from ecommerce_warehouse.bench.postgres_loaders import PostgresBenchError
from ecommerce_warehouse.engines import postgresql as postgres
from ecommerce_warehouse.errors import DatabaseError
from ecommerce_warehouse.model.schema import ensure_schema
from ecommerce_warehouse.sources.transactions import SOURCE as TRANSACTIONS

DEFAULT_REPEAT = 3
# The timed paths, in the order of the first round (each round starts one later).
PATHS = ("copy", "copy_text", "inserts", "ingest_file", "read_back")
TITLES = {
    "copy": "COPY, binary (ingest's path)",
    "copy_text": "COPY, text format",
    "inserts": "row inserts (executemany)",
    "ingest_file": "whole ingest_file (context)",
    "read_back": "reading the rows back (in each)",
}
SCHEMA_PREFIX = "bench_"

Progress = Callable[[str], None]


# --- the server and this machine -----------------------------------------------------------

def server_url(url: str) -> str:
    """The URL to connect with: a postgresql+psycopg URL, without any ?schema= (the
    benchmark makes a schema of its own)."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise PostgresBenchError(f"--postgres {database.redacted(url)} is not a database URL") from exc
    if parsed.get_backend_name() != postgres.DIALECT or parsed.get_driver_name() != postgres.DRIVER:
        raise PostgresBenchError(
            f"--postgres {database.redacted(url)}: give a PostgreSQL URL for psycopg 3, "
            "e.g. postgresql+psycopg://USER@HOST:5432/DATABASE")
    parsed = parsed.difference_update_query([postgres.SCHEMA_PARAMETER])
    return parsed.render_as_string(hide_password=False)


def server_info(engine: Engine) -> dict:
    """The server's version and the settings that weigh on a bulk load."""
    names = ("server_version", "shared_buffers", "max_wal_size", "synchronous_commit",
             "wal_level", "full_page_writes", "wal_compression")
    with engine.connect() as connection:
        settings = dict(connection.execute(
            text("select name, current_setting(name) from pg_catalog.pg_settings"
                 " where name = any(:names)"), {"names": list(names)}).all())
        pid = connection.execute(text("select pg_backend_pid()")).scalar_one()
    settings["server_cpu_measured"] = postgres_loaders.backend_cpu_seconds(pid) is not None
    return settings


def psycopg_info() -> dict:
    import psycopg

    return {"version": psycopg.__version__, "implementation": psycopg.pq.__impl__,
            "libpq": psycopg.pq.version()}


# --- one size ---------------------------------------------------------------------------------

def _median(samples: Sequence[float | None]) -> float | None:
    known = [value for value in samples if value is not None]
    return round(statistics.median(known), 4) if known else None


def path_figures(samples: list[dict], rows: int) -> dict:
    seconds = _median([sample["seconds"] for sample in samples])
    return {
        "seconds": seconds,
        "rows_per_second": round(rows / seconds, 1) if seconds else None,
        "client_cpu_seconds": _median([sample["client_cpu_seconds"] for sample in samples]),
        "server_cpu_seconds": _median([sample["server_cpu_seconds"] for sample in samples]),
        "samples_seconds": [round(sample["seconds"], 4) for sample in samples],
    }


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    return round(numerator / denominator, 2) if numerator and denominator else None


def _cpu_total(figures: dict) -> float | None:
    if figures["client_cpu_seconds"] is None or figures["server_cpu_seconds"] is None:
        return None
    return figures["client_cpu_seconds"] + figures["server_cpu_seconds"]


def measure_size(url: str, lines: int, seed: int, repeat: int, workdir: Path, say: Progress) -> dict:
    """Generate ``lines`` lines, build their Bronze rows once, and time every path."""
    from ecommerce_warehouse.generate import transactions as generator
    from ecommerce_warehouse.load.reader import file_format

    day = workers.average_day()
    say(f"generating {lines:,} lines for {day}")
    began = time.perf_counter()
    file_path, count = generator.write_day(generator.build_catalogue(seed), day, lines, workdir)
    generate_seconds = time.perf_counter() - began

    schema = f"{SCHEMA_PREFIX}{uuid.uuid4().hex[:12]}"
    engine = database.open_engine(postgres.with_schema(url, schema))
    try:
        ensure_schema(engine)
        with database.write_transaction(engine) as connection:
            # the batch the timed rows belong to (its registry row stays 'loading')
            file_id = database.query_sql(connection, "ingest/register_file", {
                "run_id": None, "path": str(file_path),
                "file_format": file_format(file_path), "loaded_at": database.utc_now(),
                "source": TRANSACTIONS.name,
            }).scalar_one()
        say(f"building the Bronze rows of {count:,} lines (once)")
        spill = postgres_loaders.SpilledRows(workdir / "bronze-rows.pickle")
        batch = (file_id, str(file_path), database.utc_now())
        build_seconds = postgres_loaders.build_bronze_rows(file_path, batch, spill)
        copy_format = postgres_loaders.copy_format(engine)

        samples: dict[str, list[dict]] = {name: [] for name in PATHS}
        for round_number in range(repeat):
            order = PATHS[round_number % len(PATHS):] + PATHS[:round_number % len(PATHS)]
            for name in order:
                say(f"round {round_number + 1}/{repeat}: {TITLES[name]}")
                if name == "ingest_file":
                    sample = postgres_loaders.timed_ingest(engine, file_path)
                    postgres_loaders.empty_bronze(engine, sample["file_id"])
                    if sample["records_read"] != spill.rows:
                        raise PostgresBenchError(f"ingest read {sample['records_read']:,} records, "
                                                 f"the benchmark built {spill.rows:,} rows")
                else:
                    sample = postgres_loaders.timed_load(engine, name, spill)
                    postgres_loaders.empty_bronze(engine)
                samples[name].append(sample)
    finally:
        drop_schema(engine, schema)

    paths = {name: path_figures(samples[name], spill.rows) for name in PATHS}
    paths["copy"]["format"] = copy_format
    paths["copy_text"]["format"] = "text"
    copy, inserts, copy_text = paths["copy"], paths["inserts"], paths["copy_text"]
    return {
        "lines": count,
        "day": day.isoformat(),
        "schema": schema,
        "file_bytes": file_path.stat().st_size,
        "bronze_rows": spill.rows,
        "chunk_rows": _chunk_rows(),
        "chunks": spill.chunks,
        "generate_seconds": round(generate_seconds, 4),
        "bronze_build_seconds": round(build_seconds, 4),
        "repeat": repeat,
        "paths": paths,
        "inserts_over_copy": _ratio(inserts["seconds"], copy["seconds"]),
        "inserts_over_copy_cpu": _ratio(_cpu_total(inserts), _cpu_total(copy)),
        "copy_text_over_copy": _ratio(copy_text["seconds"], copy["seconds"]),
    }


def _chunk_rows() -> int:
    from ecommerce_warehouse.load.ingest import INSERT_CHUNK

    return INSERT_CHUNK


def drop_schema(engine: Engine, schema: str) -> None:
    """Drop the benchmark's schema (and everything in it)."""
    from psycopg import sql

    try:
        engine.dispose()
        with engine.begin() as connection:
            cursor = connection.connection.cursor()
            cursor.execute(sql.SQL("drop schema if exists {} cascade").format(sql.Identifier(schema)))
            cursor.close()
    finally:
        engine.dispose()


# --- the whole benchmark ----------------------------------------------------------------------

def run_postgres_benchmark(url: str, sizes: Sequence[int], seed: int = DEFAULT_SEED,
                           repeat: int = DEFAULT_REPEAT, progress: Progress | None = None) -> dict:
    """Measure every size on the server at ``url``; return one JSON-ready document."""
    say = progress or (lambda line: None)
    if not sizes or any(n < 1 for n in sizes):
        raise PostgresBenchError("every size must be at least 1 line")
    if repeat < 1:
        raise PostgresBenchError("repeat at least once")
    url = server_url(url)
    described = machine.machine_info()
    described["source_digest"] = machine.source_digest()
    try:
        probe = database.open_engine(url)
    except DatabaseError as exc:
        raise PostgresBenchError(str(exc)) from exc
    try:
        server = server_info(probe)
    except Exception as exc:
        raise PostgresBenchError(f"cannot reach {database.redacted(url)}: {postgres.one_line(exc)}") from exc
    finally:
        probe.dispose()
    document: dict = {
        "machine": described,
        "server": {"url": database.redacted(url), **server},
        "psycopg": psycopg_info(),
        "seed": seed,
        "repeat": repeat,
        "runs": [],
    }
    root = Path(tempfile.mkdtemp(prefix="warehouse-bench-postgres-"))
    try:
        for size in sizes:
            folder = root / f"n{size}"
            folder.mkdir()
            document["runs"].append(measure_size(url, size, seed, repeat, folder, say))
            shutil.rmtree(folder, ignore_errors=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    document["load_average_at_end"] = machine.load_average()
    document["finished_at"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return document


# --- the report -------------------------------------------------------------------------------

def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _times(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}×"


def format_postgres_report(document: dict) -> str:
    """The PostgreSQL benchmark document as plain text."""
    server, driver = document["server"], document["psycopg"]
    out = report.describe_machine(document["machine"])
    out.append(f"server    PostgreSQL {server.get('server_version')} at {server['url']} "
               f"(synchronous_commit {server.get('synchronous_commit')}, shared_buffers "
               f"{server.get('shared_buffers')}, wal_level {server.get('wal_level')}); "
               f"psycopg {driver['version']} ({driver['implementation']} implementation)")
    end = document.get("load_average_at_end")
    if end:
        out.append(f"load      1-minute load average {end[0]:.2f} at the end")
    out.append(f"method    each path loads the same Bronze rows into an emptied raw_transactions, "
               f"one transaction, commit included; paths alternate; medians of {document['repeat']} rounds")
    for run in document["runs"]:
        out.append("")
        out.append(f"{run['lines']:,} order lines ({run['day']}, seed {document['seed']}) → "
                   f"{run['bronze_rows']:,} Bronze rows in {run['chunks']} chunk{'s' if run['chunks'] != 1 else ''} "
                   f"of up to {run['chunk_rows']:,} "
                   f"(built once in {run['bronze_build_seconds']:.2f} s)")
        out.append(f"  {'path':<31}{'seconds':>9}{'rows/s':>11}{'client CPU s':>14}{'server CPU s':>14}"
                   f"   rounds (s)")
        for name in PATHS:
            figures = run["paths"][name]
            title = TITLES[name]
            if name == "copy":
                title = f"COPY, {figures.get('format')} (ingest's path)"
            rounds = ", ".join(f"{value:.2f}" for value in figures["samples_seconds"])
            out.append(f"  {title:<31}{_seconds(figures['seconds']):>9}"
                       f"{report.rate(figures['rows_per_second']):>11}"
                       f"{_seconds(figures['client_cpu_seconds']):>14}"
                       f"{_seconds(figures['server_cpu_seconds']):>14}   {rounds}")
        out.append(f"  row inserts ÷ COPY: {_times(run['inserts_over_copy'])} (seconds), "
                   f"{_times(run['inserts_over_copy_cpu'])} (client + server CPU); "
                   f"text COPY ÷ binary COPY: {_times(run['copy_text_over_copy'])}")
    return "\n".join(out)
