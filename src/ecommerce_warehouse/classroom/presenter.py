"""How the walkthrough is shown: one screen per step, and what the reader can do at a pause.

A step's screen (at most 24 lines of 80 columns): its title, the idea, the effect, which
SQL file it ran; on a terminal the screen is cleared before it. At each pause:

    Enter   the next step (or the next screen, after going back)
    b       back to the screen before (the steps do not run again)
    s       the step's SQL file in full, a page at a time (Enter: next page, b: the page
            before, q: back to the step)
    x       the step's exercise: a question and the query that answers it
    q       quit (so does Ctrl-D); the warehouse stays as it is

On a terminal a key is read as it is pressed; from a pipe, a line at a time (an empty line
is Enter, the end of input is q). ``--handout`` prints each step's SQL and exercise after
its screen instead, for a printout.
"""

from __future__ import annotations

import os
import shlex
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import TextIO

from ecommerce_warehouse.classroom.lesson import Step
from ecommerce_warehouse.classroom.screen import CLEAR, SCREEN_LINES, Stop, clip, rule, sql_lines, visible

# A key (or a line) → what it does at a pause.
ACTIONS = {
    "\r": "next", "\n": "next", "": "next", " ": "next", "\x1b[C": "next", "\x1b[6~": "next",
    "b": "back", "\x1b[D": "back", "\x1b[5~": "back",
    "s": "sql", "x": "exercise",
    "q": "quit", "quit": "quit", "exit": "quit", "\x04": "quit",
}


class Keys:
    """What the reader answers at a pause: one key on a terminal, a line from a pipe.

    On a terminal the keys are read unbuffered and unechoed for the whole walkthrough
    (``held``: cbreak mode, Ctrl-C still interrupts), so a key pressed early, Ctrl-D
    included, waits for the next pause instead of being eaten by the line editor.
    """

    def __init__(self, stream: TextIO | None = None, getchar: Callable[[], str] | None = None):
        self.stream = stream or sys.stdin
        self.single = getchar is not None or self.stream.isatty()
        self.getchar = getchar or self._getchar

    @contextmanager
    def held(self) -> Iterator[None]:
        """The terminal in cbreak mode while the block runs (nothing to do for a pipe)."""
        if not self.single or self.getchar != self._getchar:
            yield
            return
        import termios
        import tty

        fd = self.stream.fileno()
        before = termios.tcgetattr(fd)
        tty.setcbreak(fd)
        try:
            yield
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, before)

    def _getchar(self) -> str:
        data = os.read(self.stream.fileno(), 32)
        if not data:
            raise EOFError
        return data.decode("utf-8", "replace")

    def read(self) -> str | None:
        """'next', 'back', 'sql', 'exercise' or 'quit'; None for a key that means nothing."""
        if self.single:
            try:
                key = self.getchar()
            except EOFError:                 # the terminal went away
                return "quit"
            return ACTIONS.get(key if key.startswith("\x1b") else key.lower())
        line = self.stream.readline()
        if line == "":                       # the end of input (Ctrl-D)
            return "quit"
        return ACTIONS.get(line.strip().lower())


@dataclass
class Shown:
    """A step's screen, kept so that ``b`` can show it again."""

    number: int
    step: Step
    lines: list[str]


class Presenter:
    """Draws the walkthrough's screens and runs its pauses (see the module's docstring)."""

    def __init__(self, walkthrough, echo: Callable[..., None], keys: Keys | None, handout: bool):
        self.w = walkthrough
        self.terminal = walkthrough.terminal
        self._echo = echo
        self.keys = keys
        self.handout = handout
        self.first_step = 1
        self.shown: list[Shown] = []

    def keys_held(self):
        """The reader's keys, taken as pressed, while the walkthrough runs."""
        return self.keys.held() if self.keys is not None else nullcontext()

    @property
    def total(self) -> int:
        return len(self.w.steps)

    def echo(self, line: str = "", nl: bool = True) -> None:
        self._echo(line, nl=nl, color=self.terminal.colour)

    # -- one step's screen

    def screen(self, number: int, step: Step, effect: list[str]) -> list[str]:
        width, style = self.w.width, self.terminal.style
        lines = []
        if not self.shown:
            intro = f"Walkthrough · {self.w.db} (made afresh)"
            if number > 1:
                intro += f" · steps 1 to {number - 1} ran first"
            lines.append(style(clip(intro, width), dim=True))
        head = f"━━ Step {number} of {self.total} · {step.title} "
        lines.append(style(clip(rule(head, width, "━"), width), bold=True))
        lines += self.w.text(step.idea)
        lines += ["", style("Effect", bold=True), *effect]
        if step.sql is not None:
            label = f"SQL  {step.sql.shown_path(self.w.engine_name)}"
            if step.sql.note:
                label += f", line {step.sql.first_line(self.w.engine_name)}: {step.sql.note}"
            lines.append(style(clip(label + (" · s shows it" if self.keys else ""), width), dim=True))
        return lines

    def show(self, number: int, step: Step, effect: list[str]) -> None:
        """Draw a step's screen, then (if pausing) wait for the reader."""
        self.shown.append(Shown(number, step, self.screen(number, step, effect)))
        self.draw(self.shown[-1].lines)
        if self.handout:
            self.show_sql(step, paged=False)
            self.show_exercise(step, paged=False)
        if self.keys is not None and number < self.total:
            self.pause(len(self.shown) - 1)

    def finish(self) -> None:
        """After the last step: a last pause (to go back, see the SQL or the exercise), then
        where to go from here."""
        if self.keys is not None and self.shown:
            self.pause(len(self.shown) - 1, last=True)
            self.clear()
        width = self.w.width
        self.echo()
        self.echo(self.terminal.style(rule("━━ Done ", width, "━")[:width], bold=True))
        for line in self.w.text(f"The walkthrough's warehouse is {self.w.db}. Point the other "
                                "commands at it and ask your own questions (x at a step gave one):"):
            self.echo(line)
        self.echo()
        for line in (f"export WAREHOUSE_DB={self.w.db}",
                     "warehouse status",
                     "warehouse query \"select name, email from dim_users where user_id = 'U90001'\"",
                     "warehouse query --file sql/examples/late_arriving_lines.sql"):
            self.echo(clip("  " + line, width))

    def clear(self) -> None:
        if self.keys is not None and self.terminal.clears:
            self._echo(CLEAR, nl=False, color=True)      # a control sequence, not a colour

    def draw(self, lines: list[str]) -> None:
        if self.keys is not None and self.terminal.clears:
            self.clear()
        else:
            self.echo()
        for line in lines:
            self.echo(line)

    # -- the pause

    def prompt(self, number: int, last: bool) -> str:
        if last and number >= self.total:
            text = "── End: Enter or q: finish · b: back · s: SQL · x: exercise "
        else:
            text = f"── Enter: step {number + 1} of {self.total} · b: back · s: SQL · x: exercise · q: quit "
        return self.terminal.style(rule(text, self.w.width - 1), dim=True)

    def pause(self, index: int, last: bool = False) -> None:
        """Wait at the screen ``self.shown[index]``: go on, back, SQL, exercise or quit."""
        view = index
        while True:
            shown = self.shown[view]
            self.echo()
            self.echo(self.prompt(shown.number, last and view == index), nl=False)
            action = self.keys.read()
            self.echo()
            if action == "next":
                if view == index:
                    return
                view += 1
                self.draw(self.shown[view].lines)
            elif action == "back":
                if view > 0:
                    view -= 1
                self.draw(self.shown[view].lines)
            elif action == "sql":
                self.show_sql(shown.step, paged=True)
                self.draw(shown.lines)
            elif action == "exercise":
                self.show_exercise(shown.step, paged=True)
                self.draw(shown.lines)
            elif action == "quit":
                if last and view == index:
                    return
                raise Stop()

    # -- the SQL file, and the exercise

    def show_sql(self, step: Step, paged: bool) -> None:
        """The step's SQL file in full, wrapped at word boundaries; a page at a time on a
        terminal that pauses (opening at the line the step is about)."""
        width, style = self.w.width, self.terminal.style
        if step.sql is None:
            self.echo()
            self.echo(style("This step runs no SQL file of its own.", dim=True))
            return
        engine = self.w.engine_name
        source = step.sql.lines(engine)
        path = step.sql.shown_path(engine)
        body = sql_lines(source, 1, width, self.terminal)
        numbered = [i for i, line in enumerate(body) if visible(line).split("│")[0].strip() != "…"]
        if not (paged and self.keys is not None and self.keys.single):
            self.echo()
            title = f"SQL  {path} ({len(source)} lines)"
            if step.sql.note:
                title += f"; line {step.sql.first_line(engine)}: {step.sql.note}"
            self.echo(style(clip(title, width), bold=True))
            for line in body:
                self.echo(line)
            return
        height = SCREEN_LINES - 2
        top = numbered[step.sql.first_line(engine) - 1]       # the line the step is about, on top
        while True:
            self.clear()
            last = min(len(body), top + height)
            shown_lines = [number for number, index in enumerate(numbered, start=1) if top <= index < last]
            where = f"lines {shown_lines[0]}-{shown_lines[-1]} of {len(source)}" if shown_lines else ""
            self.echo(style(clip(f"SQL  {path} · {where}", width), bold=True))
            for line in body[top:last]:
                self.echo(line)
            more = "Enter: next page" if last < len(body) else "Enter: back to the step"
            self.echo(style(rule(f"── {more} · b: page before · q: back to the step ", width - 1),
                            dim=True), nl=False)
            action = self.keys.read()
            self.echo()
            if action == "next" and last < len(body):
                top = last
            elif action == "back" and top > 0:
                top = max(0, top - height)
            elif action in ("next", "quit"):
                return

    def show_exercise(self, step: Step, paged: bool) -> None:
        """The step's question, and the command that answers it against this warehouse."""
        width, style = self.w.width, self.terminal.style
        exercise = step.exercise
        if paged and self.keys is not None and self.terminal.clears:
            self.clear()
        else:
            self.echo()
        self.echo(style(clip(f"Exercise · step {self.number_of(step)} · {step.title}", width), bold=True))
        for line in self.w.text(exercise.question):
            self.echo(line)
        self.echo()
        self.echo("  Answer it with warehouse query (in another terminal, or afterwards):")
        for line in answer_command(self.w.db, exercise):
            self.echo(clip(line, width))
        if paged and self.keys is not None:
            self.echo()
            self.echo(style(rule("── Enter: back to the step ", width - 1), dim=True), nl=False)
            if self.keys.read() == "quit" and not self.keys.single:
                return
            self.echo()

    def number_of(self, step: Step) -> int:
        return next(number for number, candidate in enumerate(self.w.steps, start=1) if candidate is step)


def answer_command(db: str, exercise) -> list[str]:
    """The shell command that answers an exercise, as lines to print (a copy-paste works)."""
    head = f"    warehouse query --db {shlex.quote(db)}"
    if exercise.example:
        return [f"{head} --file sql/{exercise.example}"]
    sql_text = exercise.sql.splitlines()
    quote = '"' if '"' not in exercise.sql else "'"
    lines = [head + " \\", f"      {quote}{sql_text[0]}"]
    lines += [f"       {text}" for text in sql_text[1:]]
    lines[-1] += quote
    return lines
