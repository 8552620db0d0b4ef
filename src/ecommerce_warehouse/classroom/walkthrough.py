"""``warehouse walkthrough``: build a small warehouse one step at a time, explaining each step.

The walkthrough loads the built-in scenario (``scenario.py``: three days, a few hundred
lines, an SCD1 change, a guest checkout, a late line and some bad records) into a
warehouse of its own, through the same library functions and SQL files as the pipeline
(``ingest.ingest_file``, ``schema``'s table and view files, ``transform.transform``).
Each step is one screen (``presenter.py``): the idea, the effect (row counts before →
after, a few rows), the SQL file it runs on demand, an exercise.

Day 1's transform is taken apart without a copy of it: the real transform runs, and a
``TransformHook`` shows each of its steps as it happens, pausing between them inside the
open transaction, then the checks, then the commit (write-audit-publish). Days 2 and 3
run as a daily job would, the whole transform in one call. The steps are declared by
each input kind's lesson module (``LESSON``); this module runs them and gives them their
helpers (counts, a few rows, text that fits the screen).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import click
from sqlalchemy import column, func, select, table
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from ecommerce_warehouse import engines, settings
from ecommerce_warehouse.classroom import clickstream, lifecycle, order_lines
from ecommerce_warehouse.classroom.lesson import CHECKS, Counts, Step, WalkthroughError
from ecommerce_warehouse.classroom.presenter import Keys, Presenter
from ecommerce_warehouse.classroom.screen import MAX_WIDTH, Stop, Terminal, clip, paragraph
from ecommerce_warehouse.db import exclusive_run, open_engine, open_read_only, query_sql
from ecommerce_warehouse.errors import Interrupted, WarehouseError
from ecommerce_warehouse.model.checks import CheckResult
from ecommerce_warehouse.model.runs import Run
from ecommerce_warehouse.model.transform import Pending, TransformHook, transform
from ecommerce_warehouse.read.query import render_table
from ecommerce_warehouse.sources.declaration import Source, TransformStep

DEFAULT_DB = "data/warehouse/walkthrough.db"
COMMAND = "walkthrough"          # etl_runs.command of every run the walkthrough records
SHOWN_ROWS = 3

# Every step, each input kind's after the other's: another kind's lesson is one more entry.
LESSON: tuple[Step, ...] = (*order_lines.STEPS, *clickstream.STEPS, *lifecycle.STEPS)


# --- where the walkthrough's warehouse lives ------------------------------------------

def prepare(db: str) -> tuple[str, Path, Path]:
    """The walkthrough's --db value, its warehouse file and its batch-file folder, both made fresh.

    ``db`` is a file path (SQLite) or the URL of an engine whose warehouse is one file
    (``duckdb:///PATH``). Refuses a server's URL, the main warehouse (settings.DEFAULT_DB)
    and any existing file that is not a warehouse built by the walkthrough, so it can
    never overwrite real work.
    """
    given = db
    if "://" in db:
        file = engines.for_db(db).local_file(db)
        if file is None:
            raise WalkthroughError(f"--db {engines.redacted(db)}: the walkthrough builds a warehouse "
                                   "file of its own; give a file path (SQLite) or duckdb:///PATH")
        db = str(file)
    path = Path(db).expanduser()            # kept as given: it is shown and stored as given
    if path.absolute().resolve() == Path(settings.DEFAULT_DB).absolute().resolve():
        raise WalkthroughError(f"--db {db}: that is the main warehouse; the walkthrough "
                               "recreates its file, so give another path")
    if path.is_dir():
        raise WalkthroughError(f"--db {db} is a folder, not a warehouse file")
    if path.exists():
        refuse_foreign(path, given, given)
    raw_dir = path.with_name(f"{path.stem}_raw")
    if raw_dir.exists() and not raw_dir.is_dir():
        raise WalkthroughError(f"{raw_dir} is not a folder (the walkthrough writes its batch files there)")
    return given, path, raw_dir


def refuse_foreign(path: Path, shown: str, db: str | None = None) -> None:
    """Raise unless ``path`` is empty or a warehouse whose every run is the walkthrough's
    (``db``: its --db value, if not the path itself)."""
    if path.stat().st_size == 0:
        return
    try:
        engine = open_read_only(db or str(path))
    except WarehouseError as exc:
        raise WalkthroughError(f"--db {shown}: {exc}; the walkthrough only replaces its own "
                               "warehouse, give another path") from exc
    try:
        with engine.connect() as connection:
            names = set(engines.of(connection).inspector(connection).get_table_names())
            foreign = 1 if names else 0
            if "etl_runs" in names:
                foreign = query_sql(connection, "runs/runs_of_other_commands",
                                    {"command": COMMAND}).scalar_one()
    except DBAPIError as exc:
        raise WalkthroughError(f"--db {shown} is not a walkthrough warehouse ({exc.orig}); "
                               "give another path") from exc
    finally:
        engine.dispose()
    if foreign:
        raise WalkthroughError(f"--db {shown} holds a warehouse the walkthrough did not build; "
                               "it would be replaced, so give another path")


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal", ".wal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def step_titles() -> list[str]:
    """The steps' titles, for --list and --help (no database needed)."""
    return [step.title for step in LESSON]


# --- the walkthrough -----------------------------------------------------------------

class Walkthrough:
    """The steps over one warehouse file; ``run`` shows them and pauses between them.

    ``keys``: how the reader answers a pause (None: no pauses, for scripts); ``handout``:
    each step's SQL file and exercise printed after its screen.
    """

    def __init__(self, db_path: Path, raw_dir: Path, terminal: Terminal | None = None,
                 echo: Callable[..., None] = click.echo, keys: Keys | None = None,
                 handout: bool = False, steps: Sequence[Step] = LESSON, db: str | None = None):
        self.db_path = db_path
        self.db = db or str(db_path)        # the --db value: a path, or an engine's URL
        self.raw_dir = raw_dir
        self.terminal = terminal or Terminal()
        self.width = min(MAX_WIDTH, self.terminal.width)
        self.steps = list(steps)
        self.engine: Engine | None = None
        self.engine_name = engines.for_db(self.db).name   # the twins it shows
        self.files: list[tuple[Path, int]] = []
        self.run_record: Run | None = None
        self.connection: Connection | None = None       # day 1's open transform transaction
        self.staged: tuple[int, int] = (0, 0)           # day 1's raw_id range
        self.presenter = Presenter(self, echo, keys, handout)

    # -- text that fits

    def table(self, columns: Sequence[str], rows: Sequence[Sequence]) -> list[str]:
        return ["  " + clip(line, self.width - 2) for line in render_table(columns, rows).splitlines()]

    def text(self, text: str, indent: str = "  ") -> list[str]:
        return paragraph(text, self.width, indent)

    def change_lines(self, before: Counts, after: Counts) -> list[str]:
        """One line per object: its rows before → after, and the difference when it changed."""
        names = list(after.rows)
        width = max(len(name) for name in names) + 2
        lines = []
        for name in names:
            old, new = before.rows.get(name), after.rows[name]
            old_text = "–" if old is None else f"{old:,}"
            new_text = "–" if new is None else f"{new:,}"
            line = f"  {name.ljust(width)}{old_text.rjust(7)} → {new_text}"
            if isinstance(new, int) and new != (old or 0):
                line += self.terminal.style(f"   ({new - (old or 0):+,})", fg="green")
            lines.append(line)
        return lines

    # -- the database

    def conn(self) -> Connection:
        """Day 1's open transaction while there is one, else a fresh connection."""
        if self.connection is not None:
            return self.connection
        return self.engine.connect()

    def objects(self, connection: Connection) -> tuple[list[str], list[str]]:
        inspector = engines.of(connection).inspector(connection)
        return sorted(inspector.get_table_names()), sorted(inspector.get_view_names())

    def counts(self, names: Sequence[str]) -> Counts:
        connection = self.conn()
        try:
            tables, views = self.objects(connection)
            present = set(tables) | set(views)
            found = Counts()
            for name in names:
                found.rows[name] = (connection.execute(select(func.count()).select_from(table(name)))
                                    .scalar_one() if name in present else None)
            return found
        finally:
            if connection is not self.connection:
                connection.close()

    def peek(self, name: str, columns: Sequence[str], where=None, order_by: str | None = None,
             limit: int | None = SHOWN_ROWS) -> list[tuple]:
        """A few rows of one table or view; ``where`` is a function of the table's columns."""
        connection = self.conn()
        try:
            extra = [order_by] if order_by and order_by not in columns else []
            source = table(name, *(column(c) for c in dict.fromkeys([*columns, *extra,
                                                                    *getattr(where, "uses", ())])))
            query = select(*(source.c[c] for c in columns))
            if where is not None:
                query = query.where(where(source.c))
            if order_by:
                query = query.order_by(source.c[order_by])
            if limit:
                query = query.limit(limit)
            return [tuple(row) for row in connection.execute(query)]
        finally:
            if connection is not self.connection:
                connection.close()

    def outside_count(self, name: str) -> int:
        """Rows of ``name`` as a separate read-only connection sees them."""
        engine = open_read_only(self.db)
        try:
            with engine.connect() as connection:
                return connection.execute(select(func.count()).select_from(table(name))).scalar_one()
        finally:
            engine.dispose()

    def open_engine(self) -> Engine:
        if self.engine is None:
            self.engine = open_engine(self.db)
        return self.engine

    def start_run(self, day) -> Run:
        self.run_record = Run(self.engine, COMMAND, {"db": self.db, "day": day.isoformat()})
        return self.run_record

    def finish_run(self, error: str | None = None) -> None:
        if self.run_record is not None:
            self.run_record.finish(error)
            self.run_record = None

    def run_transform(self) -> None:
        transform(self.engine, self.run_record)      # raises QualityGateError if a check fails

    def close(self, error: str | None = None) -> None:
        """Close the current run and dispose of the engine (an open transform has rolled
        back already: its transaction ends with the exception that stopped it)."""
        self.connection = None
        if self.run_record is not None:
            try:
                self.finish_run(error or "the walkthrough stopped before this run finished")
            except WarehouseError:
                pass
        if self.engine is not None:
            self.engine.dispose()

    # -- running

    def run(self, first_step: int = 1) -> None:
        """Run every step; those before ``first_step`` quietly, the others shown."""
        engine = self.open_engine()
        error = None
        try:
            with exclusive_run(engine, 0), self.presenter.keys_held():
                remove_database(self.db_path)
                self.presenter.first_step = first_step
                number = 1
                while number <= len(self.steps):
                    step = self.steps[number - 1]
                    if step.in_transform is not None:
                        number = self.day_1_transform(number, first_step)
                        continue
                    self.present(number, step, first_step, lambda step=step: step.run(self))
                    number += 1
                self.presenter.finish()
        except Stop:
            self.echo_lines([""] + self.text(f"Stopped. The warehouse as it is now stays in {self.db}."))
            error = "stopped by the reader"
        except KeyboardInterrupt:
            error = "interrupted (Ctrl-C)"
            self.presenter.echo()            # off the prompt's line
            raise Interrupted(f"interrupted (Ctrl-C): the walkthrough's warehouse stays as it is now "
                              f"in {self.db}; run the walkthrough again to start afresh") from None
        except BaseException as exc:
            error = str(exc) or type(exc).__name__
            raise
        finally:
            self.close(error)

    def echo_lines(self, lines: Sequence[str]) -> None:
        for line in lines:
            self.presenter.echo(line)

    def present(self, number: int, step: Step, first_step: int, effect: Callable[[], list[str]]) -> None:
        """A step before ``first_step`` gets a tick; a shown one its screen, then the pause."""
        lines = effect()
        if number < first_step:
            self.presenter.echo(clip(f"  ✓ step {number:>2}  {step.title}", self.width))
            return
        self.presenter.show(number, step, lines)

    def day_1_transform(self, first: int, first_step: int) -> int:
        """Run day 1's transform, the real one, showing each of its steps as it runs
        (``DayOneHook``); return the number of the step after them."""
        hook = DayOneHook(self, first, first_step)
        transform(self.engine, self.run_record, hook)
        hook.committed()
        self.finish_run()
        return hook.after_last


class DayOneHook(TransformHook):
    """Shows day 1's transform step by step while it runs: each of its steps is one step
    of the walkthrough (``Step.in_transform``), shown with its effect once it has run, then
    the pause; the checks are the last, shown once the transaction has committed."""

    def __init__(self, walkthrough: Walkthrough, first: int, first_step: int):
        self.w = walkthrough
        self.first_step = first_step
        self.numbered = {step.in_transform: (number, step)
                         for number, step in enumerate(walkthrough.steps, start=1)
                         if step.in_transform is not None}
        self.after_last = max(number for number, _ in self.numbered.values()) + 1
        self.before: Counts | None = None
        self.checks: tuple[list[CheckResult], int] | None = None

    def begin(self, connection: Connection, pending: list[Pending]) -> None:
        self.w.connection = connection
        (item,) = (item for item in pending if item.source is order_lines.SOURCE)
        self.w.staged = (item.from_raw_id, item.to_raw_id)

    def before_step(self, connection: Connection, source: Source, step: TransformStep) -> None:
        if source is not order_lines.SOURCE:    # a kind that follows the order lines: its
            return                              # steps run over nothing of its own here
        self.before = self.w.counts([step.target])

    def after_step(self, connection: Connection, source: Source, step: TransformStep,
                   changed: int) -> None:
        if source is not order_lines.SOURCE:
            return
        number, shown = self.numbered[step.target]
        self.w.present(number, shown, self.first_step, lambda: shown.effect(self.w, self.before))

    def after_checks(self, connection: Connection, results: list[CheckResult]) -> None:
        self.checks = (results, self.w.outside_count("fact_orders"))
        self.w.connection = None

    def committed(self) -> None:
        number, shown = self.numbered[CHECKS]
        self.w.present(number, shown, self.first_step, lambda: shown.effect(self.w, *self.checks))
