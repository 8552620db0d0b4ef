"""Command line for the classroom: ``warehouse walkthrough``, ``warehouse docs``, ``warehouse report``.

cli.py calls ``register_classroom_commands(warehouse)`` from its ``register_extensions``;
this module imports cli.py only inside that call (cli.py imports this module while it
is still loading).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ecommerce_warehouse.classroom import walkthrough
from ecommerce_warehouse.errors import WarehouseError, fail
from ecommerce_warehouse.read import datadict, report

WALKTHROUGH_HELP = f"""Build a small warehouse step by step, explaining each step.

Loads a built-in scenario (three days, a few hundred order lines, with an SCD1
change, a guest checkout, a late-arriving line and some bad records) into a
warehouse of its own, one step at a time. Each step says what it does and why,
shows the SQL file it runs, then its effect: row counts before → after and a few
rows. Press Enter between steps (q and Enter stops).

The walkthrough's warehouse is recreated every time, at --db (default
{walkthrough.DEFAULT_DB}); it never touches the main warehouse and refuses a
file that holds one.

\b
Examples:
  warehouse walkthrough
  warehouse walkthrough --step 11        # run 1-10 quietly, show 11 onwards
  warehouse walkthrough --no-pause > walkthrough.txt
"""

DOCS_HELP = f"""Write the data dictionary, the ER diagram and Datasette metadata.

Every table and view with its grain, every column with its type and meaning:
the names and types come from the live schema (read with SQLAlchemy's inspector),
the words from {datadict.DESCRIPTIONS.relative_to(datadict.PROJECT_DIR)}, the single source of
descriptions. Writes to --out (default: the project's docs/ folder):

\b
  DATA_DICTIONARY.md        tables and views, grain, columns, types, meanings
  ERD.md                    the entity-relationship diagram (Mermaid)
  datasette-metadata.json   titles, descriptions and sql/examples/ as canned
                            queries, for `datasette WAREHOUSE.db -m FILE`

Without --out it also rewrites DESIGN.md's data dictionary section (between
its datadict:start and datadict:end markers).

By default the schema documented is the one the SQL files create (built in a
temporary database); with --db, an existing warehouse's, opened read-only.
Exits 1 when a table or column has no description in the descriptions file.
"""

REPORT_HELP = """Write one self-contained HTML report with charts from the Gold views.

Daily net revenue, top 10 products, category share by month, cohort retention
(a heatmap), order status mix and rejects by reason, each chart drawn as inline
SVG with its numbers in a table beside it. The file needs no network and no
JavaScript to open. The warehouse is only read (opened read-only).
"""


def register_classroom_commands(group: click.Group) -> None:
    """Add ``walkthrough``, ``docs`` and ``report`` to the ``warehouse`` command group."""
    from ecommerce_warehouse.cli import db_option  # cli.py imports this module while it loads

    group.add_command(walkthrough_command)
    group.add_command(docs_command)
    group.add_command(build_report_command(db_option))


@click.command(name="walkthrough", help=WALKTHROUGH_HELP,
               short_help="Build a small warehouse step by step, explaining each step.")
@click.option("--db", default=walkthrough.DEFAULT_DB, show_default=True, metavar="PATH",
              help="The walkthrough's own SQLite file, recreated every time.")
@click.option("--no-pause", is_flag=True, help="Do not wait for Enter between steps (for scripts).")
@click.option("--step", "first_step", type=click.IntRange(min=1), default=1, show_default=True,
              metavar="N", help="Start showing at step N (the steps before it run quietly).")
@click.option("--list", "list_steps", is_flag=True, help="List the steps and exit.")
def walkthrough_command(db, no_pause, first_step, list_steps):
    titles = walkthrough.step_titles()
    if list_steps:
        for number, title in enumerate(titles, start=1):
            click.echo(f"{number:>2}  {title}")
        return
    if first_step > len(titles):
        raise click.BadParameter(f"there are {len(titles)} steps; give 1 to {len(titles)}",
                                 param_hint="--step")
    try:
        path, raw_dir = walkthrough.prepare(db)
        width = walkthrough.terminal_width() if sys.stdout.isatty() else walkthrough.MAX_WIDTH
        pause = None if no_pause else walkthrough.enter_pause(len(titles), min(width, walkthrough.MAX_WIDTH))
        walkthrough.Walkthrough(path, raw_dir, width=width, pause=pause).run(first_step)
    except WarehouseError as exc:
        fail(exc)


@click.command(name="docs", help=DOCS_HELP,
               short_help="Write the data dictionary, ER diagram and Datasette metadata.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar="DIR", help="Folder to write into.  [default: the project's docs/]")
@click.option("--db", default=None, metavar="PATH|URL",
              help="Document this existing warehouse (read-only) instead of the schema the "
                   "SQL files create.")
@click.option("--design", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="FILE", help="Also rewrite the data dictionary section of this Markdown "
                                   "file.  [default: DESIGN.md when --out is not given]")
def docs_command(out, db, design):
    if out is None:
        out = datadict.DOCS_DIR
        design = design or datadict.DESIGN_FILE
    try:
        written = datadict.write_docs(out, db=db, design=design)
    except WarehouseError as exc:
        fail(exc)
    for path in written:
        click.echo(str(path))


def build_report_command(db_option) -> click.Command:
    @click.command(name="report", help=REPORT_HELP,
                   short_help="Write a self-contained HTML report with charts.")
    @db_option
    @click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
                  default=report.DEFAULT_OUT, show_default=True, metavar="FILE",
                  help="The HTML file to write.")
    def report_command(db, out):
        try:
            written = report.write_report(db, out)
        except WarehouseError as exc:
            fail(exc)
        click.echo(str(written))

    return report_command
