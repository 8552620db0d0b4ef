"""Command line: ``run_pipeline`` (the one-shot job) and the ``warehouse`` command group.

Thin by design: options become a settings object, the library does the work, and the
library's own exceptions become one-line errors (exit code 1; 2 for usage errors).
Progress lines go to stderr, the summary to stdout, ``--json`` prints machine-readable output.
"""

from __future__ import annotations

import functools
import json
import sys
from datetime import date
from pathlib import Path

import click

from ecommerce_warehouse import __version__, engines, settings
from ecommerce_warehouse.cli.bench import register_bench_commands
from ecommerce_warehouse.cli.classroom import register_classroom_commands
from ecommerce_warehouse.cli.explore import register_explore_commands
from ecommerce_warehouse.errors import WarehouseError, fail
from ecommerce_warehouse.pipeline import (
    PipelineOptions,
    PipelineResult,
    check_only,
    describe_file,
    generate_files,
    ingest_only,
    refused_error,
    run_pipeline,
    transform_only,
)
from ecommerce_warehouse.progress import Progress
from ecommerce_warehouse.read.query import render_table
from ecommerce_warehouse.read.rejects import reject_summary

DATE = click.DateTime(formats=["%Y-%m-%d"])

_db_path_or_url = click.option(
    "--db", envvar=settings.DB_ENVVAR, default=settings.DEFAULT_DB, show_default=True,
    metavar="PATH|URL",
    help=f"Warehouse: a SQLite file path or a SQLAlchemy URL such as "
         f"postgresql+psycopg://USER@HOST:PORT/DB (env: {settings.DB_ENVVAR}).",
)
_schema = click.option(
    "--schema", envvar=settings.SCHEMA_ENVVAR, default=settings.DEFAULT_SCHEMA, show_default=True,
    metavar="NAME",
    help=f"PostgreSQL only: the schema the warehouse lives in, so several warehouses share "
         f"one database (env: {settings.SCHEMA_ENVVAR}).",
)


def db_option(function):
    """--db and --schema, declared once. The command receives ``db`` with the schema folded
    in (a PostgreSQL URL gains ?schema=NAME, see postgres.with_schema); no ``schema`` argument."""
    @functools.wraps(function)
    def command(*args, db, schema, **kwargs):
        try:
            engine = engines.for_db(db)
        except WarehouseError as exc:
            raise click.BadParameter(str(exc).removeprefix(f"--db {engines.redacted(db)}: "),
                                     param_hint="--db") from exc
        try:
            db = engine.with_schema(db, schema)
        except ValueError as exc:
            raise click.BadParameter(str(exc), param_hint="--schema") from exc
        return function(*args, db=db, **kwargs)
    return _db_path_or_url(_schema(command))

json_option = click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
wait_option = click.option(
    "--wait", "wait_seconds", envvar=settings.WAIT_ENVVAR, type=click.FloatRange(min=0),
    default=settings.DEFAULT_WAIT_SECONDS, show_default=True, metavar="SECONDS",
    help=f"How long to wait for another run writing to the warehouse before failing "
         f"with 'warehouse is busy' (env: {settings.WAIT_ENVVAR}).",
)


def date_options(function):
    """--date, or --start and --end (inclusive)."""
    for option in reversed((
        click.option("--date", "one_date", type=DATE, metavar="YYYY-MM-DD",
                     help="Generate this one day (instead of --start/--end)."),
        click.option("--start", type=DATE, metavar="YYYY-MM-DD",
                     help=f"First day to generate.  [default: {settings.DEFAULT_START}]"),
        click.option("--end", type=DATE, metavar="YYYY-MM-DD",
                     help=f"Last day to generate, inclusive.  [default: {settings.DEFAULT_END}]"),
    )):
        function = option(function)
    return function


def generation_options(function):
    for option in reversed((
        click.option("--seed", type=int, default=settings.DEFAULT_SEED, show_default=True,
                     help="Random seed: the same seed, days and size give byte-identical files."),
        click.option("--transactions", type=click.IntRange(min=0),
                     default=settings.DEFAULT_TRANSACTIONS, show_default=True,
                     help="Order lines on an average day (weekends get more, early weekdays fewer)."),
    )):
        function = option(function)
    return function


def resolve_dates(one_date, start, end) -> tuple[date, date]:
    if one_date and (start or end):
        raise click.UsageError("give either --date or --start/--end, not both")
    if one_date:
        return one_date.date(), one_date.date()
    first = start.date() if start else None
    last = end.date() if end else None
    if first is None and last is None:
        return settings.DEFAULT_START, settings.DEFAULT_END
    first = first or last
    last = last or first
    if last < first:
        raise click.BadParameter(f"--end {last} is before --start {first}", param_hint="--end")
    return first, last


def progress_printer(verbose: bool) -> Progress | None:
    """Progress on stderr when it is a terminal (step lines also with --verbose); else silent."""
    if sys.stderr.isatty():
        return Progress()
    if verbose:
        return Progress(live=False)
    return None


# --- the one-shot job --------------------------------------------------------------

def pipeline_command(name: str, help_text: str):
    @click.command(name=name, help=help_text)
    @db_option
    @date_options
    @generation_options
    @click.option("--input", "inputs", multiple=True, type=click.Path(path_type=Path),
                  metavar="FILE", help="Load this batch file instead of generating (repeatable).")
    @click.option("--raw-dir", type=click.Path(file_okay=False, path_type=Path),
                  default=settings.DEFAULT_RAW_DIR, show_default=True,
                  help="Where generated batch files are written.")
    @click.option("--dirty-rate", type=click.FloatRange(0, 1), default=0.0, show_default=True,
                  help="Share of generated records made invalid on purpose (to show quarantine).")
    @wait_option
    @json_option
    @click.option("-v", "--verbose", is_flag=True, help="Print a line per step on stderr.")
    def command(db, one_date, start, end, seed, transactions, inputs, raw_dir, dirty_rate,
                wait_seconds, as_json, verbose):
        first, last = resolve_dates(one_date, start, end)
        if inputs and (one_date or start or end):
            raise click.UsageError("--input loads the given files; it cannot be combined with dates")
        options = PipelineOptions(db=db, start=first, end=last, seed=seed,
                                  transactions=transactions, raw_dir=raw_dir,
                                  inputs=tuple(inputs), dirty_rate=dirty_rate,
                                  wait_seconds=wait_seconds)
        try:
            result = run_pipeline(options, command=name, progress=progress_printer(verbose))
        except WarehouseError as exc:
            fail(exc)
        emit_result(result, as_json)
        if result.error:
            raise click.ClickException(result.error)
    return command


PIPELINE_HELP = """Build the warehouse in one go: generate → ingest → transform → summary.

With no options it generates March 2025 (seed 42, about 500 lines a day) into
data/raw/ and loads it into data/warehouse/ecommerce_warehouse.db, so every
machine builds the same warehouse. With --input it loads the given files instead
of generating. Running it again with nothing new changes nothing.

Exit status: 0 success; 1 an input problem (a missing file, or a file refused:
the files that were fine are still loaded); 2 a usage error; 3 a quality check
failed (the transform was rolled back); 4 the warehouse is busy (another writer);
5 the warehouse cannot be used (not a database, read-only, disk full).
"""

run_pipeline_cli = pipeline_command("run_pipeline", PIPELINE_HELP)


def emit_result(result: PipelineResult, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
        return
    totals = result.totals()
    click.echo(f"Run {result.run_id} {result.status} in {result.seconds:.1f} s  ({result.db})")
    if result.generated:
        lines = sum(n for _, n in result.generated)
        click.echo(f"  generate   {len(result.generated)} files, {lines:,} lines")
    loaded = [f for f in result.files if f.status == "loaded"]
    skipped = [f for f in result.files if f.status == "already_loaded"]
    refused = [f for f in result.files if f.status == "refused"]
    click.echo(
        f"  ingest     {len(loaded)} files loaded, {len(skipped)} already loaded, "
        f"{len(refused)} refused: {totals['records_read']:,} read = "
        f"{totals['records_loaded']:,} loaded + {totals['duplicates_skipped']:,} duplicates + "
        f"{totals['records_rejected']:,} rejected"
    )
    if result.transform is not None:
        if result.transform.nothing_new:
            click.echo("  transform  nothing new since the last transform; no row changed")
        else:
            changed = ", ".join(f"{k} {v:,}" for k, v in result.transform.changed.items())
            click.echo(f"  transform  rows changed: {changed}")
            checks = result.transform.checks
            passed = sum(1 for c in checks if c.status == "pass")
            click.echo(f"  checks     {passed} of {len(checks)} passed")
            for check in checks:
                if check.status != "pass":
                    click.echo(f"             {check.describe()}")
    if result.tables:
        t = result.tables
        click.echo(
            f"  warehouse  fact_orders {t['fact_orders']:,} · dim_users {t['dim_users']:,} · "
            f"dim_products {t['dim_products']:,} · dim_date {t['dim_date']:,} · "
            f"rejected_transactions {t['rejected_transactions']:,}"
        )


# --- the command group -----------------------------------------------------------------

@click.group(help="Build and inspect the e-commerce star-schema warehouse, one step at a time.")
@click.version_option(__version__, prog_name="warehouse")
def warehouse():
    pass


warehouse.add_command(pipeline_command("run", PIPELINE_HELP.replace(
    "Build the warehouse in one go", "Same as run_pipeline: build the warehouse in one go")))


@warehouse.command()
@date_options
@generation_options
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=settings.DEFAULT_RAW_DIR, show_default=True,
              help="Folder for the transactions_YYYYMMDD.json files.")
@click.option("--dirty-rate", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Share of records made invalid on purpose (to show quarantine).")
def generate(one_date, start, end, seed, transactions, out, dirty_rate):
    """Write one JSON batch file of fake order lines per day.

    Files are named transactions_YYYYMMDD.json; the same seed, days and
    --transactions always give byte-identical files.
    """
    first, last = resolve_dates(one_date, start, end)
    try:
        written = generate_files(first, last, transactions, seed, out, dirty_rate)
    except WarehouseError as exc:
        fail(exc)
    for path, count in written:
        click.echo(f"{path}\t{count} lines")


@warehouse.command()
@db_option
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@wait_option
@json_option
def ingest(db, files, wait_seconds, as_json):
    """Load batch files (.json arrays or .jsonl) into Bronze, quarantining bad records.

    Each file loads in one transaction. A file already loaded (same bytes) is
    skipped. A .json file that is not a well-formed array is refused whole; the
    other files still load and the command exits 1.
    """
    try:
        # a live counter on a terminal; the per-file lines go to stdout below
        live = Progress(lines=False) if sys.stderr.isatty() else None
        results = ingest_only(db, files, live, wait_seconds=wait_seconds)
    except WarehouseError as exc:
        fail(exc)
    error = refused_error(results)
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in results], indent=2))
    else:
        for result in results:
            click.echo(describe_file(result))
    if error:
        raise click.ClickException(error)


@warehouse.command()
@db_option
@wait_option
@json_option
def transform(db, wait_seconds, as_json):
    """Run the SQL transforms over everything ingested since the last transform.

    Upserts dim_users and dim_products (SCD type 1), extends dim_date and appends
    to fact_orders, in one transaction. With nothing new it changes nothing.
    """
    try:
        result, tables = transform_only(db, wait_seconds)
    except WarehouseError as exc:
        fail(exc)
    if as_json:
        click.echo(json.dumps({"from_raw_id": result.from_raw_id, "to_raw_id": result.to_raw_id,
                               "rows_changed": result.changed, "tables": tables}, indent=2))
    elif result.nothing_new:
        click.echo("nothing new since the last transform; no row changed")
    else:
        for target, changed in result.changed.items():
            click.echo(f"{target}\t{changed} rows changed")


@warehouse.command()
@db_option
@wait_option
@json_option
def check(db, wait_seconds, as_json):
    """Run every quality check now and record the outcomes in dq_check_results.

    Each check is a SQL file in sql/checks/ returning its failing rows; its header
    says whether it is an error or a warning. Exits 3 if an error check fails.
    """
    try:
        results = check_only(db, wait_seconds)
    except WarehouseError as exc:
        fail(exc)
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in results], indent=2, default=str))
    else:
        for result in results:
            click.echo(result.describe())
    bad = [r for r in results if r.status == "fail"]
    if bad:
        error = click.ClickException(f"{len(bad)} error check(s) failed: " + ", ".join(r.name for r in bad))
        error.exit_code = 3
        raise error


@warehouse.command()
@db_option
@click.option("--reason", metavar="CODE", help="Only this reason code (e.g. wrong_type).")
@click.option("--examples", type=click.IntRange(min=0), default=3, show_default=True,
              help="Example records shown per reason code.")
@json_option
def rejects(db, reason, examples, as_json):
    """Summarise the quarantine: rejected records by reason and file, with examples.

    Reason codes are listed in docs/CONTRACT.md. Read-only.
    """
    try:
        summary, samples = reject_summary(db, reason, examples)
    except WarehouseError as exc:
        fail(exc)
    if as_json:
        click.echo(json.dumps({"by_reason_and_file": summary, "examples": samples}, indent=2))
        return
    if not summary:
        click.echo("no rejected records" + (f" with reason {reason}" if reason else ""))
        return
    click.echo(render_table(list(summary[0]), [list(r.values()) for r in summary]))
    for sample in samples:
        text = sample["raw_text"] if len(sample["raw_text"]) <= 120 else sample["raw_text"][:117] + "..."
        click.echo(f"\n{sample['reason_code']}  {sample['source_file']} record {sample['record_number']}: "
                   f"{sample['message']}\n    {text}")


def register_extensions() -> None:
    """Commands that live in their own modules."""
    register_explore_commands(warehouse)
    register_bench_commands(warehouse)
    register_classroom_commands(warehouse)


register_extensions()
