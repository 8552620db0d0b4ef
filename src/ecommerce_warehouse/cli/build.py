"""The commands that build the warehouse: ``run`` (and ``run_pipeline``), ``generate``,
``ingest``, ``transform``, ``check`` and ``upgrade``.

Thin by design: options become a settings object, the library does the work, the
result is printed (progress to stderr, the summary to stdout, ``--json`` for machines).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ecommerce_warehouse import settings
from ecommerce_warehouse.cli import summaries
from ecommerce_warehouse.cli.options import (
    WarehouseCommand,
    changes_option,
    date_options,
    db_option,
    event_days_option,
    events_option,
    generation_options,
    json_option,
    progress_printer,
    resolve_dates,
    source_option,
    wait_option,
)
from ecommerce_warehouse.load.ingest import describe_file
from ecommerce_warehouse.model.checks import failed
from ecommerce_warehouse.pipeline import (
    PipelineOptions,
    PipelineResult,
    check_only,
    generate_files,
    ingest_only,
    refused_error,
    run_pipeline,
    transform_only,
    upgrade_only,
)
from ecommerce_warehouse.progress import Progress

PIPELINE_HELP = """Build the warehouse in one go: generate → ingest → transform → summary.

With no options it generates March 2025 (seed 42, about 500 order lines a
day, the page views of the same shoppers' sessions in the last week (--event-days 31
for every day) and the change events of the same orders; --no-events and --no-changes
skip those) into data/raw/ and loads it into data/warehouse/ecommerce_warehouse.db,
so every machine builds the same warehouse. With --input it loads the given
files instead of generating; each file's input kind comes from its name
(transactions_….json, events_….jsonl, changes_….jsonl) or from --source. Running it again with nothing new changes nothing. A warehouse
made by an earlier release is upgraded in place first.

Exit status: 0 success; 1 an input problem (a missing file, or a file refused:
the files that were fine are still loaded); 2 a usage error; 3 a quality check
failed (the transform was rolled back); 4 the warehouse is busy (another writer);
5 the warehouse cannot be used (its folder cannot be made, not a database,
read-only, disk full, or made by a later release); 130 interrupted with Ctrl-C
(the files loaded so far are kept whole; running it again continues).
"""


def pipeline_command(name: str, help_text: str) -> click.Command:
    @click.command(name=name, help=help_text, cls=WarehouseCommand)
    @db_option
    @date_options
    @generation_options
    @click.option("--input", "inputs", multiple=True, type=click.Path(path_type=Path),
                  metavar="FILE", help="Load this batch file instead of generating (repeatable).")
    @source_option
    @click.option("--raw-dir", type=click.Path(file_okay=False, path_type=Path),
                  default=settings.DEFAULT_RAW_DIR, show_default=True,
                  help="Where generated batch files are written.")
    @click.option("--dirty-rate", type=click.FloatRange(0, 1), default=0.0, show_default=True,
                  help="Share of generated records broken on purpose (to show the quarantine); "
                       "the other records keep the bytes of the clean day.")
    @events_option
    @event_days_option
    @changes_option
    @wait_option
    @json_option
    @click.option("-v", "--verbose", is_flag=True, help="Print a line per step on stderr.")
    def command(db, one_date, start, end, seed, transactions, inputs, source, raw_dir, dirty_rate,
                events, event_days, changes, wait_seconds, as_json, verbose):
        first, last = resolve_dates(one_date, start, end)
        if inputs and (one_date or start or end):
            raise click.UsageError("--input loads the given files; it cannot be combined with dates")
        if source and not inputs:
            raise click.UsageError("--source names the kind of the --input files; give --input too")
        options = PipelineOptions(db=db, start=first, end=last, seed=seed,
                                  transactions=transactions, raw_dir=raw_dir,
                                  inputs=tuple(inputs), source=source, dirty_rate=dirty_rate,
                                  wait_seconds=wait_seconds, events=events, event_days=event_days,
                                  changes=changes)
        progress = progress_printer(verbose)
        try:
            result = run_pipeline(options, command=name, progress=progress)
        finally:
            if progress is not None:
                progress.close()
        emit_result(result, as_json)
        if result.error:
            raise click.ClickException(result.error)
    return command


run_pipeline_cli = pipeline_command("run_pipeline", PIPELINE_HELP)
run_command = pipeline_command("run", PIPELINE_HELP.replace(
    "Build the warehouse in one go", "Same as run_pipeline: build the warehouse in one go"))


def emit_result(result: PipelineResult, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(result.as_dict(), indent=2))
        return
    for line in summaries.run_summary(result):
        click.echo(line)


@click.command(cls=WarehouseCommand)
@date_options
@generation_options
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              default=settings.DEFAULT_RAW_DIR, show_default=True,
              help="Folder for the transactions_YYYYMMDD.json, events_YYYYMMDD.jsonl and "
                   "changes_YYYYMMDD.jsonl files.")
@click.option("--dirty-rate", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="Share of records broken on purpose (to show the quarantine); every other "
                   "record keeps the bytes of the clean day, so the clean numbers never change.")
@events_option
@event_days_option
@changes_option
def generate(one_date, start, end, seed, transactions, out, dirty_rate, events, event_days, changes):
    """Write one batch file of fake order lines, one of page views and one of
    change events, per day.

    Order lines go to transactions_YYYYMMDD.json (a JSON array); the same
    shoppers' page views to events_YYYYMMDD.jsonl (JSON Lines), for the last
    --event-days days of the range, in which every order of the day ends a
    session on its confirmation page (--no-events skips them); the change
    events a Debezium connector captured that day to changes_YYYYMMDD.jsonl:
    every order created, then paid, shipped and delivered (or cancelled, or
    refunded) over the following days, its payments and shipment, the
    products' price and category changes (--no-changes skips them). The same
    seed, days and --transactions always give byte-identical files (change
    events start on the first day).
    """
    first, last = resolve_dates(one_date, start, end)
    written = generate_files(first, last, transactions, seed, out, dirty_rate, events=events,
                             event_days=event_days, changes=changes)
    for line in summaries.generated_lines(written):
        click.echo(line)


@click.command(cls=WarehouseCommand)
@db_option
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@source_option
@wait_option
@json_option
def ingest(db, files, source, wait_seconds, as_json):
    """Load batch files (.json arrays or .jsonl) into Bronze, quarantining bad records.

    Each file's input kind comes from its name (transactions_….json) or from
    --source. Each file loads in one transaction. A file already loaded (same
    bytes) is skipped. A .json file that is not a well-formed array is refused
    whole; the other files still load and the command exits 1.
    """
    # a live counter on a terminal; the per-file lines go to stdout below
    live = Progress(lines=False) if sys.stderr.isatty() else None
    try:
        results = ingest_only(db, files, live, wait_seconds=wait_seconds, source=source)
    finally:
        if live is not None:
            live.close()
    error = refused_error(results)
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in results], indent=2))
    else:
        for result in results:
            click.echo(describe_file(result))
    if error:
        raise click.ClickException(error)


@click.command(cls=WarehouseCommand)
@db_option
@wait_option
@json_option
def transform(db, wait_seconds, as_json):
    """Run the SQL transforms over everything ingested since the last transform.

    Order lines: upserts dim_users and dim_products (SCD type 1), extends
    dim_date and appends to fact_orders. Page views: Silver with the rules
    applied, then fact_page_views, and the sessions the new page views touch
    are cut again (fact_sessions). All in one transaction, then the checks run
    before it commits. Prints the rows each table changed and every check that
    did not pass. With nothing new it changes nothing. It never creates a
    warehouse: a --db holding none is refused (exit 5).
    """
    result, tables = transform_only(db, wait_seconds)
    if as_json:
        click.echo(json.dumps({**result.as_dict(), "tables": tables}, indent=2, default=str))
    else:
        for line in summaries.transform_summary(result, tables):
            click.echo(line)


@click.command(cls=WarehouseCommand)
@db_option
@wait_option
@json_option
def check(db, wait_seconds, as_json):
    """Run every quality check now and record the outcomes in dq_check_results.

    Each check is a SQL file in sql/checks/ returning its failing rows; its header
    says whether it is an error or a warning. Records loaded since the last
    transform are pending, not missing: the checks compare the star with what has
    been transformed, and a last line says how many records wait for `warehouse
    transform` (`warehouse status` shows them too). Exits 3 if an error check fails,
    5 if --db holds no warehouse (none is created).
    """
    report = check_only(db, wait_seconds)
    results = report.results
    if as_json:
        click.echo(json.dumps([r.as_dict() for r in results], indent=2, default=str))
    else:
        for result in results:
            click.echo(result.describe())
        for line in summaries.pending_lines(report.pending):
            click.echo(line)
    bad = failed(results)
    if bad:
        error = click.ClickException(f"{len(bad)} error check(s) failed: " + ", ".join(r.name for r in bad))
        error.exit_code = 3
        raise error


@click.command(cls=WarehouseCommand)
@db_option
@wait_option
@json_option
def upgrade(db, wait_seconds, as_json):
    """Bring a warehouse made by an earlier release up to this release's schema.

    Runs the numbered migrations after the warehouse's schema version, in one
    transaction (all of them or none), and replaces every view whose definition
    changed. Loading commands do the same before they load; this does nothing
    else. A warehouse made by a later release, or a --db holding none, is refused
    (exit 5).
    """
    report = upgrade_only(db, wait_seconds)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    elif report.upgraded or report.views_replaced:
        click.echo(summaries.describe_schema(report))
    else:
        click.echo(f"already at schema version {report.after}; nothing to do")


COMMANDS = (run_command, generate, ingest, transform, check, upgrade)
