"""The commands made for teaching: ``walkthrough``, ``docs`` and ``report``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ecommerce_warehouse.classroom import walkthrough
from ecommerce_warehouse.classroom.presenter import Keys
from ecommerce_warehouse.classroom.screen import Terminal
from ecommerce_warehouse.cli.options import WarehouseCommand, currency_option, db_option
from ecommerce_warehouse.read import datadict, report

WALKTHROUGH_HELP = f"""Build a small warehouse step by step, explaining each step.

Loads a built-in scenario (three days, a few hundred order lines, with an SCD1
change, a guest checkout, a late-arriving line and some bad records) into a
warehouse of its own, one step at a time. Each step is one screen that fits
80x24, for a projector: the idea, its effect (row counts before -> after, the
key rows) and the SQL file it runs. At each pause:

\b
  Enter   next step             b   back to the screen before
  s       the step's SQL file   x   an exercise, and the query that answers it
  q       quit (or Ctrl-D); the warehouse stays as it is

On a terminal the screen is cleared between steps; colour is used unless
NO_COLOR is set or TERM=dumb.

The walkthrough's warehouse is recreated every time, at --db (default
{walkthrough.DEFAULT_DB}); it never touches the main warehouse and refuses a
file that holds one.

\b
Examples:
  warehouse walkthrough
  warehouse walkthrough --step 11        # run 1-10 quietly, show 11 onwards
  warehouse walkthrough --no-pause --handout > handout.txt
"""

DOCS_HELP = f"""Write the data dictionary, the ER diagram and Datasette metadata.

Every table and view with its grain, every column with its type and meaning:
the names and types come from the live schema (read with SQLAlchemy's inspector),
each grain from the header of the SQL file that creates the object, and the
words from sql/descriptions.toml, the single source of descriptions. Writes:

\b
  DATA_DICTIONARY.md        tables and views, grain, columns, types, meanings
  ERD.md                    the entity-relationship diagram (Mermaid)
  datasette-metadata.json   titles, descriptions and sql/examples/ as canned
                            queries, for `datasette WAREHOUSE.db -m FILE`

By default the schema documented is the one the SQL files create (built in a
temporary database), written to {datadict.DEFAULT_OUT}/ in the current folder; with
--db, an existing warehouse's, opened read-only, written to
{datadict.DEFAULT_OUT_FOR_DB}/ (never over the project's own docs/).
Exits 1 when a table or column has no description in the descriptions file.
"""

REPORT_HELP = """Write one self-contained HTML report with charts from the Gold views.

The key figures of the last 7 days beside the 7 before (net revenue, orders,
average order value, customers, repeat-purchase rate, refund rate), then daily
net revenue, top 10 products, category share by month (at most 8 categories plus
Other; months the data do not cover whole marked with *), cohort retention (a
heatmap), order status mix and rejects by reason, each chart drawn as inline SVG
with its numbers in a table beside it. Amounts are in --currency. The file needs
no network and no JavaScript to open, and reads on a phone as on a screen. The
warehouse is only read (opened read-only). For a dashboard to explore, see
`warehouse dashboard`.
"""


@click.command(name="walkthrough", help=WALKTHROUGH_HELP, cls=WarehouseCommand,
               short_help="Build a small warehouse step by step, explaining each step.")
@click.option("--db", default=walkthrough.DEFAULT_DB, show_default=True, metavar="PATH|URL",
              help="The walkthrough's own warehouse file, recreated every time: a path "
                   "(SQLite) or duckdb:///PATH.")
@click.option("--no-pause", is_flag=True, help="Do not wait between steps (for scripts).")
@click.option("--handout", is_flag=True,
              help="Print each step's SQL file and exercise after its screen (for a printout).")
@click.option("--step", "first_step", type=click.IntRange(min=1), default=1, show_default=True,
              metavar="N", help="Start showing at step N (the steps before it run quietly).")
@click.option("--list", "list_steps", is_flag=True, help="List the steps and exit.")
def walkthrough_command(db, no_pause, handout, first_step, list_steps):
    titles = walkthrough.step_titles()
    if list_steps:
        for number, title in enumerate(titles, start=1):
            click.echo(f"{number:>2}  {title}")
        return
    if first_step > len(titles):
        raise click.BadParameter(f"there are {len(titles)} steps; give 1 to {len(titles)}",
                                 param_hint="--step")
    given, path, raw_dir = walkthrough.prepare(db)
    keys = None if no_pause else Keys()
    walkthrough.Walkthrough(path, raw_dir, terminal=Terminal.of(sys.stdout), keys=keys,
                            handout=handout, db=given).run(first_step)


@click.command(name="docs", help=DOCS_HELP, cls=WarehouseCommand,
               short_help="Write the data dictionary, ER diagram and Datasette metadata.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar="DIR", help=f"Folder to write into.  [default: {datadict.DEFAULT_OUT}/, or "
                                  f"{datadict.DEFAULT_OUT_FOR_DB}/ with --db]")
@click.option("--db", default=None, metavar="PATH|URL",
              help="Document this existing warehouse (read-only) instead of the schema the "
                   "SQL files create.")
def docs_command(out, db):
    if out is None:
        out = datadict.DEFAULT_OUT if db is None else datadict.DEFAULT_OUT_FOR_DB
    for path in datadict.write_docs(out, db=db):
        click.echo(str(path))


@click.command(name="report", help=REPORT_HELP, cls=WarehouseCommand,
               short_help="Write a self-contained HTML report with charts.")
@db_option
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              default=report.DEFAULT_OUT, show_default=True, metavar="FILE",
              help="The HTML file to write.")
@currency_option
def report_command(db, out, currency):
    click.echo(str(report.write_report(db, out, currency)))


COMMANDS = (walkthrough_command, docs_command, report_command)
