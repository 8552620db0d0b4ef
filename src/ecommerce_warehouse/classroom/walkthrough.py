"""``warehouse walkthrough``: build a small warehouse one step at a time, explaining each step.

The walkthrough loads the built-in scenario (``scenario.py``: three days, a few hundred
lines, an SCD1 change, a guest checkout, a late line and some bad records) into a
warehouse of its own, through the same library functions and SQL files as the pipeline
(``ingest.ingest_file``, ``schema``'s table and view files, ``transform.transform``).
Each step prints what it does and why, the SQL file it runs (exactly the file the
engine runs, twin included), then its effect: row counts before → after and a few rows.

Day 1's transform is taken apart without a copy of it: the real transform runs, and a
``TransformHook`` shows each of its steps as it happens, pausing between them inside the
open transaction, then the checks, then the commit (write-audit-publish). Days 2 and 3
run as a daily job would, the whole transform in one call. The steps themselves are
``lesson.py``'s; this module runs them; text layout is ``screen.py``'s.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import click
from sqlalchemy import column, func, inspect, select, table
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError

from ecommerce_warehouse import engines, settings
from ecommerce_warehouse.classroom.lesson import (
    CHECKS,
    SOURCE,
    Counts,
    Lesson,
    Step,
    WalkthroughError,
)
from ecommerce_warehouse.classroom.screen import (
    MAX_WIDTH,
    MIN_WIDTH,
    Stop,
    clip,
    enter_pause,  # noqa: F401  (the command's pause)
    paragraph,
    sql_lines,
    terminal_width,  # noqa: F401
)
from ecommerce_warehouse.db import (
    exclusive_run,
    open_engine,
    open_read_only,
    query_sql,
)
from ecommerce_warehouse.errors import WarehouseError
from ecommerce_warehouse.model.checks import CheckResult
from ecommerce_warehouse.model.runs import Run
from ecommerce_warehouse.model.transform import Pending, TransformHook, transform
from ecommerce_warehouse.read.query import render_table
from ecommerce_warehouse.sources.declaration import Source, TransformStep

DEFAULT_DB = "data/warehouse/walkthrough.db"
COMMAND = "walkthrough"          # etl_runs.command of every run the walkthrough records
SHOWN_ROWS = 3


# --- where the walkthrough's warehouse lives ------------------------------------------

def prepare(db: str) -> tuple[Path, Path]:
    """The walkthrough's warehouse file and its batch-file folder, both made fresh.

    Refuses a URL, the main warehouse (settings.DEFAULT_DB) and any existing file that is
    not a warehouse built by the walkthrough, so it can never overwrite real work.
    """
    if "://" in db:
        raise WalkthroughError(f"--db {db!r}: the walkthrough builds its own SQLite file; "
                               "give a file path")
    path = Path(db).expanduser()            # kept as given: it is shown and stored as given
    if path.absolute().resolve() == Path(settings.DEFAULT_DB).absolute().resolve():
        raise WalkthroughError(f"--db {db}: that is the main warehouse; the walkthrough "
                               "recreates its file, so give another path")
    if path.is_dir():
        raise WalkthroughError(f"--db {db} is a folder, not a warehouse file")
    if path.exists():
        refuse_foreign(path, db)
    raw_dir = path.with_name(f"{path.stem}_raw")
    if raw_dir.exists() and not raw_dir.is_dir():
        raise WalkthroughError(f"{raw_dir} is not a folder (the walkthrough writes its batch files there)")
    return path, raw_dir


def refuse_foreign(path: Path, shown: str) -> None:
    """Raise unless ``path`` is empty or a warehouse whose every run is the walkthrough's."""
    if path.stat().st_size == 0:
        return
    try:
        engine = open_read_only(str(path))
    except WarehouseError as exc:
        raise WalkthroughError(f"--db {shown}: {exc}; the walkthrough only replaces its own "
                               "warehouse, give another path") from exc
    try:
        with engine.connect() as connection:
            names = set(inspect(connection).get_table_names())
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
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


# --- the walkthrough -----------------------------------------------------------------

class Walkthrough(Lesson):
    """The steps over one warehouse file; ``run`` prints them and pauses between them."""

    def __init__(self, db_path: Path, raw_dir: Path, width: int = MAX_WIDTH,
                 echo: Callable[[str], None] = click.echo,
                 pause: Callable[[int], None] | None = None):
        self.db_path = db_path
        self.raw_dir = raw_dir
        self.width = max(MIN_WIDTH, min(MAX_WIDTH, width))
        self.echo_line = echo
        self.pause = pause
        self.engine: Engine | None = None
        self.engine_name = engines.for_db(str(db_path)).name   # the twins it shows
        self.files: list[tuple[Path, int]] = []
        self.run_record: Run | None = None
        self.connection: Connection | None = None       # day 1's open transform transaction
        self.staged: tuple[int, int] = (0, 0)           # day 1's raw_id range
        self.steps = self.build_steps()

    # -- output

    def echo(self, line: str = "") -> None:
        self.echo_line(line)

    def show_step(self, number: int, step: Step) -> None:
        width = self.width
        head = f"━━ Step {number} of {len(self.steps)} · {step.title} "
        self.echo()
        self.echo(click.style(clip(head + "━" * max(0, width - len(head)), width), bold=True))
        for line in paragraph(step.explain, width):
            self.echo(line)
        if step.sql is not None:
            first, lines = step.sql.lines(self.engine_name)
            label = f"SQL  {step.sql.shown_path(self.engine_name)}"
            if step.sql.start or step.sql.end:
                label += f" (lines {first}-{first + len(lines) - 1})"
            self.echo()
            self.echo(click.style(clip(label, width), bold=True))
            if step.sql.note:
                for line in paragraph(step.sql.note, width):
                    self.echo(click.style(line, dim=True))
            for line in sql_lines(lines, first, width):
                self.echo(line)

    def show_effect(self, lines: list[str]) -> None:
        self.echo()
        self.echo(click.style("Effect", bold=True))
        for line in lines:
            self.echo(line)

    def table(self, columns: Sequence[str], rows: Sequence[Sequence]) -> list[str]:
        return ["  " + clip(line, self.width - 2) for line in render_table(columns, rows).splitlines()]

    def text(self, text: str, indent: str = "  ") -> list[str]:
        return paragraph(text, self.width, indent)

    # -- the database

    def conn(self) -> Connection:
        """Day 1's open transaction while there is one, else a fresh connection."""
        if self.connection is not None:
            return self.connection
        return self.engine.connect()

    def objects(self, connection: Connection) -> tuple[list[str], list[str]]:
        inspector = inspect(connection)
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
                line += click.style(f"   ({new - (old or 0):+,})", fg="green")
            lines.append(line)
        return lines

    def open_engine(self) -> Engine:
        if self.engine is None:
            self.engine = open_engine(str(self.db_path))
        return self.engine

    def start_run(self, day) -> Run:
        self.run_record = Run(self.engine, COMMAND, {"db": str(self.db_path), "day": day.isoformat()})
        return self.run_record

    def finish_run(self, error: str | None = None) -> None:
        if self.run_record is not None:
            self.run_record.finish(error)
            self.run_record = None

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
            with exclusive_run(engine, 0):
                remove_database(self.db_path)
                self.intro(first_step)
                number = 1
                while number <= len(self.steps):
                    step = self.steps[number - 1]
                    if step.in_transform is not None:
                        number = self.day_1_transform(number, first_step)
                        continue
                    if number >= first_step:
                        self.show_step(number, step)
                    self.present(number, step, first_step, step.action())
                    number += 1
                self.outro()
        except Stop:
            self.echo()
            for line in self.text(f"Stopped. The warehouse as it is now stays in {self.db_path}."):
                self.echo(line)
            error = "stopped by the reader"
        except BaseException as exc:
            error = str(exc) or type(exc).__name__
            raise
        finally:
            self.close(error)

    def present(self, number: int, step: Step, first_step: int, effect: list[str]) -> None:
        """A step's effect (its heading was shown before it ran), then the pause; a step
        before ``first_step`` only gets a tick."""
        if number < first_step:
            self.echo(clip(f"  ✓ step {number:>2}  {step.title}", self.width))
            return
        self.show_effect(effect)
        if number < len(self.steps) and self.pause is not None:
            self.pause(number + 1)

    def day_1_transform(self, first: int, first_step: int) -> int:
        """Run day 1's transform, the real one, showing each of its steps as it runs
        (``DayOneHook``); return the number of the step after them."""
        hook = DayOneHook(self, first, first_step)
        transform(self.engine, self.run_record, hook)
        hook.committed()
        self.finish_run()
        return hook.after_last

    def intro(self, first_step: int) -> None:
        width = self.width
        self.echo(click.style(clip("Walkthrough: a star-schema warehouse, one step at a time", width),
                              bold=True))
        for line in self.text(f"Warehouse: {self.db_path} (made afresh). Batch files: "
                              f"{self.raw_dir}{'/' if not str(self.raw_dir).endswith('/') else ''}"):
            self.echo(line)
        how = (f"{len(self.steps)} steps. After each one press Enter to go on, or type q and "
               "Enter to stop." if self.pause else f"{len(self.steps)} steps, without pauses.")
        for line in self.text(how):
            self.echo(line)
        if first_step > 1:
            self.echo()
            for line in self.text(f"Steps 1 to {first_step - 1} run first, without being shown:"):
                self.echo(line)

    def outro(self) -> None:
        self.echo()
        self.echo(click.style("━━ Done " + "━" * (self.width - 8), bold=True))
        for line in self.text(f"The walkthrough's warehouse is {self.db_path}. Point the other "
                              "commands at it and ask your own questions:"):
            self.echo(line)
        self.echo()
        for line in (f"export WAREHOUSE_DB={self.db_path}",
                     "warehouse status",
                     "warehouse query \"select name, email from dim_users where user_id = 'U90001'\"",
                     "warehouse query --file sql/examples/late_arriving_lines.sql"):
            self.echo(clip("  " + line, self.width))

    # -- the steps

class DayOneHook(TransformHook):
    """Shows day 1's transform step by step while it runs: each of its steps is one step
    of the walkthrough (``Step.in_transform``), shown with its SQL before it runs and its
    effect after, then the pause; the checks are the last, completed once it commits."""

    def __init__(self, walkthrough: Walkthrough, first: int, first_step: int):
        self.w = walkthrough
        self.first_step = first_step
        self.numbered = {step.in_transform: (number, step)
                         for number, step in enumerate(walkthrough.steps, start=1)
                         if step.in_transform is not None}
        self.after_last = max(number for number, _ in self.numbered.values()) + 1
        self.before: Counts | None = None
        self.checks: tuple[list[CheckResult], int] | None = None

    def shown(self, number: int) -> bool:
        return number >= self.first_step

    def begin(self, connection: Connection, pending: list[Pending]) -> None:
        self.w.connection = connection
        (item,) = (item for item in pending if item.source is SOURCE)
        self.w.staged = (item.from_raw_id, item.to_raw_id)

    def before_step(self, connection: Connection, source: Source, step: TransformStep) -> None:
        if source is not SOURCE:        # a kind that follows the order lines: nothing of its own
            return
        number, shown_step = self.numbered[step.target]
        self.before = self.w.counts([step.target])
        if self.shown(number):
            self.w.show_step(number, shown_step)

    def after_step(self, connection: Connection, source: Source, step: TransformStep,
                   changed: int) -> None:
        if source is not SOURCE:
            return
        number, shown_step = self.numbered[step.target]
        effect = shown_step.effect(self.before) if self.shown(number) else []
        self.w.present(number, shown_step, self.first_step, effect)

    def after_checks(self, connection: Connection, results: list[CheckResult]) -> None:
        number, shown_step = self.numbered[CHECKS]
        if self.shown(number):
            self.w.show_step(number, shown_step)
        self.checks = (results, self.w.outside_count("fact_orders"))
        self.w.connection = None

    def committed(self) -> None:
        number, shown_step = self.numbered[CHECKS]
        effect = shown_step.effect(*self.checks) if self.shown(number) else []
        self.w.present(number, shown_step, self.first_step, effect)


# --- the command's pause --------------------------------------------------------------

def step_titles() -> list[str]:
    """The steps' titles, for --list and --help (no database needed)."""
    return [step.title for step in Walkthrough(Path("unused.db"), Path("unused")).steps]
