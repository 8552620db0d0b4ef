"""What every command shares: the options, and the one place library errors become exit codes.

Commands are ``WarehouseCommand``s in a ``WarehouseGroup``: a ``WarehouseError`` raised
anywhere below a command becomes one line on stderr and the error's own exit code (1 input,
2 usage, 3 quality gate, 4 busy, 5 unusable warehouse, 130 interrupted by Ctrl-C; README.md
lists them), here and nowhere else. Options follow option > environment variable > default, declared on the
option; nothing below the CLI reads ``os.environ``.
"""

from __future__ import annotations

import functools
import re
import sys
from datetime import date

import click

from ecommerce_warehouse import engines, settings, sources
from ecommerce_warehouse.errors import Interrupted, WarehouseError
from ecommerce_warehouse.progress import Progress


def as_click_error(exc: WarehouseError) -> click.ClickException:
    """A library error as click reports it: one line on stderr, the error's own exit code."""
    error = click.ClickException(str(exc))
    error.exit_code = exc.exit_code
    return error


class _Translating:
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except WarehouseError as exc:
            raise as_click_error(exc) from exc
        except KeyboardInterrupt:
            # Ctrl-C outside a recorded run (the library records a run's interruption and
            # raises Interrupted): what was being written is rolled back or not in place yet.
            raise as_click_error(Interrupted(
                "interrupted (Ctrl-C); nothing half-written was kept: run the command again")) from None


class WarehouseCommand(_Translating, click.Command):
    """A command whose library errors become one-line errors with their exit codes."""


class WarehouseGroup(_Translating, click.Group):
    """The ``warehouse`` group: its commands are WarehouseCommands."""

    command_class = WarehouseCommand


class Day(click.ParamType):
    """A calendar day written YYYY-MM-DD; says whether the text is no date or no real day."""

    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx) -> date:
        if isinstance(value, date):
            return value
        text = str(value).strip()
        if not DAY.fullmatch(text):
            self.fail(f"{value!r} is not a date: write it YYYY-MM-DD, e.g. 2025-03-01", param, ctx)
        try:
            return date.fromisoformat(text)
        except ValueError as exc:
            self.fail(f"{value!r} is not a day of the calendar ({exc})", param, ctx)


DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
DATE = Day()

_db_path_or_url = click.option(
    "--db", envvar=settings.DB_ENVVAR, default=settings.DEFAULT_DB, show_default=True,
    metavar="PATH|URL",
    help="Warehouse: " + "; ".join(f"{name}: {engine.example}" for name, engine in engines.ENGINES.items())
         + f" (env: {settings.DB_ENVVAR}).",
)
_schema = click.option(
    "--schema", envvar=settings.SCHEMA_ENVVAR, default=settings.DEFAULT_SCHEMA, show_default=True,
    metavar="NAME",
    help=f"For a warehouse on a server: the schema it lives in, so several warehouses share "
         f"one database (env: {settings.SCHEMA_ENVVAR}).",
)


def db_option(function):
    """--db and --schema, declared once. The command receives ``db`` with the schema folded
    in by its engine (a PostgreSQL URL gains ?schema=NAME); no ``schema`` argument. An
    engine this release does not support is a usage error (exit 2) listing those it does."""
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


def _currency(ctx, param, value: str) -> str:
    code = (value or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise click.BadParameter(f"{value!r} is not a currency code: give three letters (ISO 4217), "
                                 "e.g. USD, EUR, GBP")
    return code


currency_option = click.option(
    "--currency", envvar=settings.CURRENCY_ENVVAR, default=settings.DEFAULT_CURRENCY,
    show_default=True, metavar="CODE", callback=_currency,
    help="The shop's currency, shown beside every amount (amounts carry none in the input "
         f"contract; env: {settings.CURRENCY_ENVVAR}).")
wait_option = click.option(
    "--wait", "wait_seconds", envvar=settings.WAIT_ENVVAR, type=click.FloatRange(min=0),
    default=settings.DEFAULT_WAIT_SECONDS, show_default=True, metavar="SECONDS",
    help=f"How long to wait for another run writing to the warehouse before failing "
         f"with 'warehouse is busy' (env: {settings.WAIT_ENVVAR}).",
)
source_option = click.option(
    "--source", type=click.Choice(sources.names()), metavar="KIND",
    help="The input kind of every file given (" + ", ".join(sources.names()) + "); without it, "
         "each file's kind comes from its name's prefix (transactions_20250301.json).",
)


events_option = click.option(
    "--events/--no-events", default=True, show_default=True,
    help="Also generate the page views of the same days (events_YYYYMMDD.jsonl), whose "
         "sessions end in the day's orders; --no-events writes order lines only.",
)
event_days_option = click.option(
    "--event-days", type=click.IntRange(min=1), default=settings.DEFAULT_EVENT_DAYS,
    show_default=True, metavar="N",
    help="Page views for the last N days of the range only (a week teaches the funnel and "
         "the channels, and keeps the default run to seconds); give the range's length, "
         "e.g. 31, for page views on every day.",
)

changes_option = click.option(
    "--changes/--no-changes", default=True, show_default=True,
    help="Also generate the change events of the same orders and products "
         "(changes_YYYYMMDD.jsonl, Debezium format): each order's lifecycle, its payments "
         "and shipment, price and category changes; --no-changes skips them.",
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
        return one_date, one_date
    first, last = start, end
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
