"""Text that fits a terminal, for the walkthrough: wrapping, clipping, SQL with a gutter.

Every printed line fits the terminal, at most 80 columns: prose is wrapped with
textwrap, SQL lines are wrapped in a numbered gutter, tables are cut with "…". Colour
(click styles) reaches a terminal only; click strips it from pipes and files.
"""

from __future__ import annotations

import re
import shutil
import sys
import textwrap
from collections.abc import Callable, Sequence

import click

MAX_WIDTH = 80
MIN_WIDTH = 60


class Stop(Exception):
    """The reader typed q at a pause."""


ANSI = re.compile(r"\x1b\[[0-9;]*m")


def visible(text: str) -> str:
    """The text without ANSI colour codes."""
    return ANSI.sub("", text)


def clip(text: str, width: int) -> str:
    """Plain text cut to ``width`` columns, with … when something was cut."""
    return text if len(text) <= width else text[: width - 1] + "…"


def paragraph(text: str, width: int, indent: str = "  ") -> list[str]:
    return textwrap.wrap(" ".join(text.split()), width=width, initial_indent=indent,
                         subsequent_indent=indent, break_on_hyphens=False) or [""]


SQL_KEYWORDS = frozenset((
    "select", "from", "where", "and", "or", "not", "null", "is", "in", "as", "on", "join",
    "inner", "left", "right", "outer", "cross", "group", "by", "order", "having", "union", "all",
    "insert", "into", "values", "update", "set", "delete", "create", "table", "view", "index",
    "if", "exists", "primary", "key", "references", "unique", "check", "default", "with",
    "recursive", "case", "when", "then", "else", "end", "distinct", "over", "partition", "limit",
    "conflict", "do", "nothing", "cast", "integer", "text", "real", "desc", "asc", "true",
    "false", "drop", "between", "like",
))

SQL_TOKEN = re.compile(
    r"(?P<comment>--.*)|(?P<string>'(?:[^']|'')*'?)|(?P<param>(?<![:\w]):[A-Za-z_]\w*)"
    r"|(?P<number>\b\d+(?:\.\d+)?\b)|(?P<word>[A-Za-z_]\w*)|(?P<other>.)"
)
SQL_STYLE = {
    "comment": {"fg": "green"},
    "string": {"fg": "yellow"},
    "param": {"fg": "magenta"},
    "number": {"fg": "cyan"},
    "keyword": {"fg": "blue", "bold": True},
}


def sql_segments(line: str) -> list[tuple[str, str | None]]:
    """A line of SQL as (text, kind) pieces; kind names a style in SQL_STYLE or is None."""
    pieces: list[tuple[str, str | None]] = []
    for match in SQL_TOKEN.finditer(line):
        kind = match.lastgroup
        text = match.group()
        if kind == "word":
            kind = "keyword" if text.lower() in SQL_KEYWORDS else None
        elif kind == "other":
            kind = None
        if pieces and pieces[-1][1] == kind:
            pieces[-1] = (pieces[-1][0] + text, kind)
        else:
            pieces.append((text, kind))
    return pieces


def break_points(text: str, first: int, rest: int) -> list[int]:
    """Where to cut ``text``: the first piece at most ``first`` wide, the others ``rest``.

    A cut goes after a space when one is in the second half of the piece, else mid-word.
    """
    cuts = []
    start, width = 0, first
    while len(text) - start > width:
        cut = start + width
        space = text.rfind(" ", start + width // 2, cut)
        if space > start:
            cut = space + 1
        cuts.append(cut)
        start, width = cut, rest
    return cuts


def highlight(pieces: list[tuple[str, str | None]]) -> str:
    return "".join(click.style(text, **SQL_STYLE[kind]) if kind else text for text, kind in pieces)


def sql_lines(text_lines: Sequence[str], first_number: int, width: int) -> list[str]:
    """SQL lines after a numbered gutter, highlighted (ANSI), each at most ``width`` wide.

    A line too long for the terminal goes on under a "…" gutter, indented four spaces
    more than the line it continues.
    """
    digits = len(str(first_number + len(text_lines) - 1))
    room = width - digits - 3                        # the gutter: "12 │ "
    out = []
    for offset, line in enumerate(text_lines):
        line = line.rstrip().expandtabs(4)
        hang = " " * min(len(line) - len(line.lstrip()) + 4, room // 2)
        pieces = sql_segments(line)
        cuts = [0, *break_points(line, room, room - len(hang)), len(line)]
        for index in range(len(cuts) - 1):
            part = slice_pieces(pieces, cuts[index], cuts[index + 1])
            if index == 0:
                gutter = str(first_number + offset).rjust(digits)
            else:
                gutter = "…".rjust(digits)
                part = [(hang, None), *part]
            out.append(click.style(f"{gutter} │ ", dim=True) + highlight(part))
    return out


def slice_pieces(pieces, start: int, end: int) -> list[tuple[str, str | None]]:
    """The pieces covering characters [start, end) of the line they make."""
    out = []
    position = 0
    for text, kind in pieces:
        left, right = max(start, position), min(end, position + len(text))
        if left < right:
            out.append((text[left - position:right - position], kind))
        position += len(text)
    return out



def enter_pause(total: int, width: int = MAX_WIDTH) -> Callable[[int], None]:
    """Wait for Enter before the next step; q stops; at end of input, stop pausing."""
    state = {"pausing": True}

    def pause(next_step: int) -> None:
        if not state["pausing"]:
            return
        click.echo()
        prompt = f"── Enter: step {next_step} of {total} · q: quit "
        click.echo(click.style(prompt + "─" * max(2, width - 1 - len(prompt)), dim=True), nl=False)
        line = sys.stdin.readline()
        if line == "":
            state["pausing"] = False
            click.echo()
            return
        if line.strip().lower() in ("q", "quit", "exit"):
            raise Stop()

    return pause


def terminal_width() -> int:
    return shutil.get_terminal_size((MAX_WIDTH, 24)).columns
