"""The walkthrough's lesson: what a step is, and the steps, in order.

A step is declared, not programmed into the runner: a title, the idea (a few lines), the
SQL file it runs (shown in full on demand), an exercise (a question a student answers
with ``warehouse query``) and what it does, a function of the walkthrough (``run``) that
returns the lines of its effect. Day 1's transform steps have no ``run``: they name the
transform step they watch (``in_transform``) and turn the counts from before into their
effect (``effect``). Each input kind's steps live in a module of their own
(``order_lines`` today); ``walkthrough.LESSON`` appends them, so another kind's steps are
one module and one more entry there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ecommerce_warehouse import sqlfiles
from ecommerce_warehouse.errors import WarehouseError


class WalkthroughError(WarehouseError):
    """The walkthrough cannot start (a --db it must not overwrite) or a step failed."""


@dataclass(frozen=True)
class SqlShown:
    """The SQL file a step runs (``s`` shows all of it); ``start`` names the line the step is
    about (the pager opens there), ``note`` says what to look at."""

    name: str
    start: str | None = None      # the first line starting with this is the one to look at
    note: str | None = None

    def shown_path(self, engine: str) -> str:
        return sqlfiles.shown_path(self.name, engine)

    def lines(self, engine: str) -> list[str]:
        """Every line of the file the engine runs (its twin, if it has one)."""
        text = sqlfiles.read_text(self.name, engine).splitlines()
        while text and not text[-1].strip():
            text.pop()
        return text

    def first_line(self, engine: str) -> int:
        """The 1-based number of the line the step is about (1 without ``start``)."""
        if not self.start:
            return 1
        found = (i for i, line in enumerate(self.lines(engine), start=1)
                 if line.strip().startswith(self.start))
        return next(found, 1)


@dataclass(frozen=True)
class Exercise:
    """A question about the warehouse the walkthrough built, and its answer: a query to run
    with ``warehouse query`` (``sql``), or one of the project's example files (``example``,
    a path under sql/)."""

    question: str
    sql: str | None = None
    example: str | None = None


@dataclass(frozen=True)
class Step:
    """One step: what it says, runs and shows (see the module's docstring)."""

    title: str
    idea: str
    sql: SqlShown | None
    exercise: Exercise
    run: Callable[..., list[str]] | None = None
    in_transform: str | None = None
    effect: Callable[..., list[str]] | None = None


@dataclass
class Counts:
    """Row counts of some tables and views (None: the object does not exist yet)."""

    rows: dict[str, int | None] = field(default_factory=dict)


# The step title of day 1's checks and commit (its transform steps are named by table).
CHECKS = "checks"
