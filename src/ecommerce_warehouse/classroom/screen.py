"""Text that fits a projector, for the walkthrough: the terminal, wrapping, SQL with a gutter.

A step is one screen of at most 24 lines of at most 80 columns (``SCREEN_LINES``,
``MAX_WIDTH``): prose is wrapped with textwrap, tables are cut with "…", SQL lines are
wrapped at a space (or after punctuation), never inside a word, under a numbered gutter.
Colour (click styles) reaches a terminal only, and not when ``NO_COLOR`` is set or
``TERM=dumb``; the screen is cleared between steps only on a terminal that can.
"""

from __future__ import annotations

import os
import re
import shutil
import textwrap
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TextIO

import click

MAX_WIDTH = 80
MIN_WIDTH = 60
SCREEN_LINES = 24
CLEAR = "\x1b[H\x1b[2J"


class Stop(Exception):
    """The reader quit at a pause (q or Ctrl-D)."""


@dataclass(frozen=True)
class Terminal:
    """Where the walkthrough writes: how wide, in colour or not, whether it can clear."""

    width: int = MAX_WIDTH
    colour: bool = False
    clears: bool = False

    @classmethod
    def of(cls, stream: TextIO, environ: Mapping[str, str] | None = None) -> Terminal:
        """The terminal behind ``stream`` (a file or a pipe: 80 columns, plain text)."""
        environ = os.environ if environ is None else environ
        if not stream.isatty():
            return cls()
        dumb = environ.get("TERM", "") in ("", "dumb")
        width = shutil.get_terminal_size((MAX_WIDTH, SCREEN_LINES)).columns
        return cls(width=max(MIN_WIDTH, min(MAX_WIDTH, width)),
                   colour=not dumb and not environ.get("NO_COLOR"), clears=not dumb)

    def style(self, text: str, **styles) -> str:
        return click.style(text, **styles) if self.colour else text


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


WORD = re.compile(r"\w")


def break_points(text: str, first: int, rest: int) -> list[int]:
    """Where to cut ``text``: the first piece at most ``first`` wide, the others ``rest``.

    A cut goes after the last space of the piece; failing that, after its last character
    that is not part of a word (a comma, a bracket, an operator); only a single word longer
    than a whole line is cut inside (no such word is in the project's SQL).
    """
    cuts = []
    start, width = 0, first
    while len(text) - start > width:
        end = start + width
        cut = text.rfind(" ", start + 1, end)
        if cut > start:
            cut += 1
        else:
            cut = next((i + 1 for i in range(end - 1, start, -1) if not WORD.match(text[i])), end)
        cuts.append(cut)
        start, width = cut, rest
    return cuts


def highlight(pieces: list[tuple[str, str | None]], terminal: Terminal) -> str:
    return "".join(terminal.style(text, **SQL_STYLE[kind]) if kind else text for text, kind in pieces)


def sql_lines(text_lines: Sequence[str], first_number: int, width: int,
              terminal: Terminal | None = None) -> list[str]:
    """SQL lines after a numbered gutter, highlighted on a colour terminal, each at most
    ``width`` wide. A line too long goes on under a "…" gutter, indented four spaces more
    than the line it continues; it is cut at a space or after punctuation, never in a word."""
    terminal = terminal or Terminal()
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
            out.append(terminal.style(f"{gutter} │ ", dim=True) + highlight(part, terminal))
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


def rule(text: str, width: int, fill: str = "─") -> str:
    """``text`` followed by ``fill`` up to ``width`` columns (at least two of it)."""
    return text + fill * max(2, width - len(text))
