"""The commands that only read the warehouse: ``query``, ``status`` and ``rejects``.

Each opens the warehouse read-only through its engine and never creates one.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from ecommerce_warehouse import settings, sources
from ecommerce_warehouse.cli.options import WarehouseCommand, currency_option, db_option, json_option
from ecommerce_warehouse.read.query import (
    DEFAULT_LIMIT,
    FORMATS,
    parse_params,
    render,
    render_table,
    run_query,
    truncation_notice,
)
from ecommerce_warehouse.read.rejects import reject_summary
from ecommerce_warehouse.read.status import RUN_LIMIT, collect_status, format_status

QUERY_HELP = f"""Run one read-only SQL statement against the warehouse and print the rows.

Give the SQL as an argument or with --file (--file - reads standard input).
The warehouse is opened read-only: only SELECT (with CTEs, views and functions)
and a few introspection pragmas such as `pragma table_info(fact_orders)` are
allowed; INSERT, UPDATE, DELETE, CREATE, DROP, ATTACH, VACUUM, other pragmas and
load_extension() are refused.

Values go in as bound parameters, never into the SQL text: write :name in the
SQL and pass --param name=value. A plain integer binds as an integer, a plain
decimal as a real, anything else as text; force a type with name:text=007,
name:int=5 or name:real=2.5.

\b
Examples:
  warehouse query "select * from gold_daily_sales order by sales_date"
  warehouse query --file sql/examples/top_products_by_revenue.sql --format markdown
  warehouse query "select * from dim_users where user_id = :id" --param id=U00042

At most --limit rows are printed (default {DEFAULT_LIMIT:,}; 0 prints every row);
when rows were cut, a notice says so on stderr.

Exit status: 0 on success; 1 when the SQL is refused or fails; 2 for a usage
error; 5 when the warehouse is missing or cannot be read.
"""  # noqa: S608 - help text that mentions SQL, not a query

STATUS_HELP = f"""Show what is in the warehouse and what happened to it.

Prints the tables and views with their row counts, the last {RUN_LIMIT} runs (command,
status, start, duration, error) with the rows each step counted, the rejected
records by reason code (with an example message) and the file registry. Only
reads: the warehouse is opened read-only and never created.
"""


@click.command(name="query", help=QUERY_HELP, cls=WarehouseCommand,
               short_help="Run one read-only SQL statement and print the rows.")
@db_option
@click.argument("sql", required=False)
@click.option("--file", "-f", "sql_file", metavar="FILE",
              type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
              help="Read the SQL from this file instead of the argument (- for stdin).")
@click.option("--format", "output_format", type=click.Choice(FORMATS), default="table",
              show_default=True, help="Output: an aligned text table, CSV, JSON or Markdown.")
@click.option("--limit", type=click.IntRange(min=0), default=DEFAULT_LIMIT, show_default=True,
              metavar="N", help="Print at most N rows; 0 prints every row.")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind :NAME in the SQL to VALUE (repeatable).")
def query(db, sql, sql_file, output_format, limit, params):
    text = read_sql(sql, sql_file)
    result = run_query(db, text, parse_params(params), limit)
    click.echo(render(result, output_format))
    if result.truncated:
        click.echo(truncation_notice(result), err=True)


def read_sql(sql: str | None, sql_file: Path | None) -> str:
    """The SQL from the argument or from --file (exactly one of them)."""
    if sql is not None and sql_file is not None:
        raise click.UsageError("give the SQL either as an argument or with --file, not both")
    if sql is None and sql_file is None:
        raise click.UsageError("give the SQL as an argument or with --file")
    if sql_file is None:
        return sql
    try:
        with click.open_file(str(sql_file), encoding="utf-8") as handle:  # "-" is stdin
            return handle.read()
    except OSError as exc:
        raise click.BadParameter(f"cannot read {sql_file}: {exc.strerror}",
                                 param_hint="--file") from exc
    except UnicodeDecodeError as exc:
        raise click.BadParameter(f"{sql_file} is not UTF-8 text", param_hint="--file") from exc


@click.command(name="status", help=STATUS_HELP, cls=WarehouseCommand)
@db_option
@json_option
def status(db, as_json):
    found = collect_status(db)
    if as_json:
        click.echo(json.dumps(found.as_dict(), indent=2))
    else:
        for line in format_status(found):
            click.echo(line)


@click.command(cls=WarehouseCommand)
@db_option
@click.option("--reason", metavar="CODE", help="Only this reason code (e.g. wrong_type).")
@click.option("--source", type=click.Choice(sources.names()), metavar="KIND",
              help="Only this input kind (" + ", ".join(sources.names()) + ").")
@click.option("--examples", type=click.IntRange(min=0), default=3, show_default=True,
              help="Example records shown per reason code.")
@json_option
def rejects(db, reason, source, examples, as_json):
    """Summarise the quarantine: rejected records by input kind, reason and file, with examples.

    Reason codes are listed in docs/CONTRACT.md; --reason with a code no input kind
    has is a usage error (exit 2) that lists them. Read-only.
    """
    codes = sources.reason_codes(source)
    if reason is not None and reason not in codes:
        raise click.BadParameter(f"{reason!r} is not a reason code"
                                 + (f" of {source}" if source else "") + "; the codes are "
                                 + ", ".join(codes), param_hint="--reason")
    summary, samples = reject_summary(db, reason, examples, source)
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


DASHBOARD_HELP = f"""Start a dashboard to explore the warehouse in a browser (Streamlit).

Reads the Gold views of any warehouse (a SQLite file or a PostgreSQL schema), read-only:
a date range and categories to filter by; key figures beside the previous period of
the same length (net revenue, orders, average order value, customers, repeat-purchase
rate, refund rate); daily revenue with its 7-day moving average; the top products; the
category mix by month (partial months marked); cohort retention (shown from 3 monthly
cohorts on); rejects by reason. Click a bar (or pick it in the list under its chart) to
see the order lines (or quarantined records) behind it.

Streamlit is an optional extra: pip install 'ecommerce-warehouse[dashboard]' (make
dashboard installs it and starts the dashboard). Ctrl-C stops the server.

\b
Examples:
  warehouse dashboard                              # http://localhost:{settings.DEFAULT_DASHBOARD_PORT}
  warehouse dashboard --db data/warehouse/walkthrough.db --port 8502
  warehouse dashboard --db postgresql+psycopg://ann@localhost/course --schema warehouse_ann

Exit status: 0 when stopped with Ctrl-C; 2 when Streamlit is not installed (or for a
usage error); 5 when the warehouse is missing or cannot be read.
"""


@click.command(name="dashboard", help=DASHBOARD_HELP, cls=WarehouseCommand,
               short_help="Explore the warehouse in a browser (Streamlit dashboard).")
@db_option
@currency_option
@click.option("--port", type=click.IntRange(1, 65535), default=settings.DEFAULT_DASHBOARD_PORT,
              show_default=True, help="The port the dashboard listens on.")
@click.option("--host", default=settings.DEFAULT_DASHBOARD_HOST, show_default=True,
              help="The address it listens on (0.0.0.0: every interface, e.g. for a class).")
@click.option("--browser/--no-browser", default=False, show_default=True,
              help="Open it in a web browser once it has started.")
def dashboard(db, currency, port, host, browser):
    from ecommerce_warehouse.dashboard import server  # Streamlit's world only when asked for

    raise SystemExit(server.start(db, currency, host, port, browser, say=click.echo))


COMMANDS = (query, status, rejects, dashboard)
