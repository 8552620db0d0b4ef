"""The ``warehouse bench`` command: time the pipeline on generated data.

The benchmark itself (``ecommerce_warehouse.bench``'s modules) is imported only when the
command runs, so starting any other command never loads it.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

from ecommerce_warehouse import bench
from ecommerce_warehouse.cli.options import WarehouseCommand

_SIZE = re.compile(r"^(\d+(?:\.\d+)?)([kKmM]?)$")


def parse_size(text: str) -> int:
    """'1000000', '1_000_000', '100k' or '1M' → an int (at least 1)."""
    cleaned = text.strip().replace("_", "")
    match = _SIZE.match(cleaned)
    if not match:
        raise ValueError(text)
    number = float(match.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[match.group(2).lower()]
    if number != int(number) or number < 1:
        raise ValueError(text)
    return int(number)


def _sizes(ctx, param, value):
    if value is None:
        return None
    try:
        sizes = [parse_size(part) for part in value.split(",") if part.strip()]
    except ValueError as exc:
        raise click.BadParameter(
            f"{exc.args[0]!r} is not a size; give whole line counts separated by commas, "
            "e.g. 10000,100000,1000000 (or 10k,100k,1M)") from None
    if not sizes:
        raise click.BadParameter("give at least one size")
    return sizes


def _size(ctx, param, value):
    try:
        return parse_size(str(value))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a whole number of lines (e.g. 1000000 or 1M)") from None


BENCH_HELP = """Time the pipeline on generated data, step by step.

Generates N order lines (one day's file, made with the project's own generator)
into a fresh temporary folder, then runs generate, ingest and transform on a
fresh temporary warehouse. Each step runs in a fresh child process, started once
the machine's pending writes are flushed (sync), and reports wall seconds, lines
per second and its own peak RSS; the database size is shown at the end. The machine (cores, RAM, Python, SQLite, commit) is printed too.

Also timed: a small batch of another day into an empty warehouse and into the
full one, and a rerun with nothing new (--increment 0 skips these).

With the [duckdb] extra installed, the same file also goes through the DuckDB
engine (ingest, then transform, into a DuckDB warehouse of its own), beside
SQLite's figures (--no-duckdb skips it).
Page views (--no-events skips them) and change events (--no-changes) are timed
against the order lines of the same run: a day of about as many records,
ingest + transform per million as a ratio to the order lines', and the next
day into a warehouse holding --event-days / --change-days days against an
empty one. --rounds N measures those loads N times, interleaved (the order
lines' file, then each kind's, again and again, each into a fresh warehouse),
and gives each ratio from the medians too, beside every round's: on a shared
machine one slow moment otherwise decides a ratio.

\b
--compare also loads the same file the ways a user might instead, and prints
our ingest time as a ratio to each (ours ÷ theirs):
  DuckDB star   sql/bench/duckdb_star.sql with DuckDB's defaults: read_json,
                latest attributes per key, a fact in cents, one Gold view
                (no validation, no Bronze); SQLite's and the DuckDB engine's
                ingest + transform are also shown as ratios to it
  pandas        json.load + pandas.json_normalize + DataFrame.to_sql
  sqlite-utils  sqlite-utils insert DB transactions FILE.jsonl --nl
  floor         sqlite3 executemany of pre-flattened tuples, one transaction
  our rows      our own Bronze rows (built beforehand) through executemany
                alone: how much of our ingest is SQLite's own work; then
                the same rows under a rollback journal instead of WAL, with
                only the raw text and keys, and with only the typed columns:
                what SQLite alone would need with another Bronze design
Peers not installed are skipped (pip install pandas sqlite-utils).

\b
Examples:
  warehouse bench --transactions 100000
  warehouse bench --scale 10k,100k,1M --compare
  warehouse bench --transactions 1000 --json --keep /tmp/bench
  warehouse bench --transactions 1M --rounds 3 --no-duckdb --increment 0

\b
--postgres URL times PostgreSQL instead (the SQLite steps above are not run):
for each size it builds the file's Bronze rows once (spilled to a temporary
file), then loads them into a fresh schema on that server (a random name,
dropped at the end) through
  COPY, binary   ingest's own path (db.bulk_writer with the COPY file: one COPY
                 streams every chunk)
  COPY, text     the same COPY in text format, for reference
  row inserts    the portable INSERT file, executemany per chunk
and runs the whole ingest of the file for context. Each path's time includes
reading the spilled rows back, which is also timed alone. The paths alternate
and each figure is the median of 3 rounds. It prints seconds, rows/s, client
and server CPU seconds and the ratio row inserts ÷ COPY. With it, only
--transactions/--scale, --seed and --json apply. Example:
  warehouse bench --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test \\
      --scale 100k,1M

A 1,000,000-line run writes about 400 MB of JSON and a 1.1 GB warehouse,
and as much again for the page views and for the change events (about 5.5 GB
with --compare), and takes minutes. Progress lines go to stderr when it is a
terminal. Exit status: 0 when every step ran; 1 when one failed.
"""


@click.command("bench", help=BENCH_HELP, cls=WarehouseCommand)
@click.option("--transactions", "transactions", default=str(bench.DEFAULT_TRANSACTIONS),
              callback=_size, show_default=True, metavar="N",
              help="Order lines to generate and load (e.g. 100000, 100k, 1M).")
@click.option("--scale", "sizes", callback=_sizes, metavar="N,N,...",
              help="Run several sizes instead of --transactions and report seconds per million "
                   "lines for each step and size, e.g. 10000,100000,1000000.")
@click.option("--json", "as_json", is_flag=True, help="Print the results as one JSON document.")
@click.option("--compare", is_flag=True,
              help="Also time pandas, sqlite-utils, plain sqlite3 executemany and our own "
                   "Bronze rows through executemany alone (and three other Bronze designs), "
                   "on the same file.")
@click.option("--keep", type=click.Path(file_okay=False, path_type=Path), metavar="DIR",
              help="Work in DIR (one n<SIZE> folder per size) and keep the files and warehouses, "
                   "instead of a temporary folder that is deleted at the end (the --compare "
                   "Bronze floors' databases are deleted as soon as they are timed).")
@click.option("--seed", type=int, default=bench.DEFAULT_SEED, show_default=True,
              help="Generator seed.")
@click.option("--increment", default=str(bench.DEFAULT_INCREMENT), show_default=True, metavar="N",
              callback=lambda ctx, param, value: 0 if str(value).strip() == "0" else _size(ctx, param, value),
              help="Lines in the incremental batch; 0 skips the incremental runs.")
@click.option("--events/--no-events", default=True, show_default=True,
              help="Also time page views: a day of about as many page views as order lines "
                   "(ingest + transform, as a ratio to the order lines'), and the next day's "
                   "page views into a warehouse holding --event-days days against an empty one.")
@click.option("--event-days", type=click.IntRange(min=0), default=30, show_default=True, metavar="N",
              help="Days of page views in the warehouse the next day goes into; 0 skips it.")
@click.option("--duckdb/--no-duckdb", "with_duckdb", default=True, show_default=True,
              help="Also run the DuckDB engine on the same file (needs the [duckdb] extra; "
                   "skipped without it).")
@click.option("--changes/--no-changes", default=True, show_default=True,
              help="Also time change events: a day of about as many change events as order lines "
                   "(ingest + merge into Silver, SCD2 and the lifecycle, as a ratio to the order "
                   "lines'), and the next day's events into a warehouse holding --change-days days "
                   "against an empty one.")
@click.option("--change-days", type=click.IntRange(min=0), default=30, show_default=True, metavar="N",
              help="Days of change events in the warehouse the next day goes into; 0 skips it.")
@click.option("--rounds", type=click.IntRange(min=1), default=1, show_default=True, metavar="N",
              help="Measure the order lines' and the other kinds' ingest + transform N times, "
                   "interleaved, each into a fresh warehouse, and give the kinds' ratios from the "
                   "medians too.")
@click.option("--export", "export", is_flag=True,
              help="Also export each size's warehouse to Parquet (`warehouse export`, the [export] "
                   "extra) in a child of its own: seconds and peak RSS, which stays flat as the "
                   "size grows.")
@click.option("--timeout", type=click.FloatRange(min=0), default=0, show_default=True, metavar="SECONDS",
              help="Stop (and fail) any one step that runs longer than this; 0: no limit.")
@click.option("--postgres", "postgres_url", metavar="URL",
              help="Time Bronze loads on this PostgreSQL server instead: COPY against row inserts "
                   "(postgresql+psycopg://USER@HOST:PORT/DATABASE; a schema of its own is made "
                   "and dropped).")
@click.pass_context
def bench_command(ctx, transactions, sizes, as_json, compare, keep, seed, increment, events, event_days,
                  with_duckdb, changes, change_days, rounds, export, timeout, postgres_url):
    if sizes and ctx.get_parameter_source("transactions") is not click.core.ParameterSource.DEFAULT:
        raise click.UsageError("give either --transactions or --scale, not both")
    if postgres_url is not None:
        _postgres_bench(ctx, postgres_url, tuple(sizes or (transactions,)), seed, as_json)
        return
    from ecommerce_warehouse.bench import sqlite_bench

    options = sqlite_bench.BenchOptions(
        sizes=tuple(sizes or (transactions,)), seed=seed, compare=compare, increment=increment,
        keep=keep, timeout=timeout or None, events=events, event_days=event_days, export=export,
        changes=changes, change_days=change_days, duckdb=with_duckdb, rounds=rounds,
    )
    _run_and_print(lambda progress: sqlite_bench.run_benchmark(options, progress),
                   sqlite_bench.format_report, as_json)


def _run_and_print(run, format_text, as_json: bool) -> None:
    """Run a benchmark (progress lines to stderr on a terminal) and print its document."""
    progress = (lambda line: click.echo(line, err=True)) if sys.stderr.isatty() else None
    document = run(progress)
    click.echo(json.dumps(document, indent=2) if as_json else format_text(document))


def _postgres_bench(ctx, url: str, sizes: tuple[int, ...], seed: int, as_json: bool) -> None:
    from ecommerce_warehouse.bench import postgres_bench as bench_postgres

    options = {"compare": "--compare", "keep": "--keep", "increment": "--increment", "timeout": "--timeout",
               "events": "--events/--no-events", "event_days": "--event-days",
               "changes": "--changes/--no-changes", "change_days": "--change-days", "export": "--export",
               "rounds": "--rounds",
               "with_duckdb": "--duckdb/--no-duckdb"}
    for name, option in options.items():
        if ctx.get_parameter_source(name) is not click.core.ParameterSource.DEFAULT:
            raise click.UsageError(f"{option} is for the SQLite bench; with --postgres only "
                                   "--transactions/--scale, --seed and --json apply")
    _run_and_print(
        lambda progress: bench_postgres.run_postgres_benchmark(url, sizes, seed=seed, progress=progress),
        bench_postgres.format_postgres_report, as_json)
