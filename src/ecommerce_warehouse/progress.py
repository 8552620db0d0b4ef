"""Progress on long work: step lines and a live counter with its rate, on stderr.

Only used when stderr is a terminal (or with --verbose for the step lines); when output
goes to a file or a pipe nothing is printed, so logs and scripts stay clean.
"""

from __future__ import annotations

import shutil
import sys
import time
from collections.abc import Callable
from typing import TextIO

REFRESH_SECONDS = 0.1


class Progress:
    """Finished steps as lines; work in progress as one line rewritten in place."""

    def __init__(self, stream: TextIO | None = None, live: bool = True, lines: bool = True):
        self.stream = stream or sys.stderr
        self.live_enabled = live
        self.lines_enabled = lines
        self.showing = False
        self.last = 0.0

    def line(self, text: str) -> None:
        self._clear()
        if self.lines_enabled:
            self.stream.write(text + "\n")
            self.stream.flush()

    def counter(self, label: str, unit: str = "lines") -> Callable[[int], None]:
        """A callback taking a running count; shows 'label: N unit (R unit/s)' in place."""
        started = time.perf_counter()

        def update(count: int) -> None:
            now = time.perf_counter()
            if not self.live_enabled or now - self.last < REFRESH_SECONDS:
                return
            self.last = now
            rate = count / (now - started) if now > started else 0.0
            width = shutil.get_terminal_size((80, 20)).columns - 1
            text = f"{label}: {count:,} {unit} ({rate:,.0f} {unit}/s)"
            self.stream.write("\r" + text[:width].ljust(width))
            self.stream.flush()
            self.showing = True

        return update

    def close(self) -> None:
        """Take the live line away (before an error or a summary is printed under it)."""
        self._clear()

    def _clear(self) -> None:
        if self.showing:
            width = shutil.get_terminal_size((80, 20)).columns - 1
            self.stream.write("\r" + " " * width + "\r")
            self.showing = False
