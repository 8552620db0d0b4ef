"""Writing generated batch files, for every kind of generated file.

A batch file holds one day's records, one a line: a JSON array named ``KIND_YYYYMMDD.json``
or JSON Lines named ``KIND_YYYYMMDD.jsonl``.
It is written under a temporary name and renamed into place, so a killed generator never
leaves a partial file under the final name; it gets the mode of an ordinary new file
(0666 less the umask), not the 0600 of a temporary one. Lines are written in chunks, so
memory does not grow with the size of a day.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from itertools import islice
from pathlib import Path
from typing import BinaryIO, TypeVar

import orjson

WRITE_CHUNK_LINES = 1_000     # lines joined into one write: few writes, little memory
PROGRESS_STEP = 10_000        # on_count is called every this many lines (a multiple of the chunk)

Written = TypeVar("Written")


def days_between(start: date, end: date) -> list[date]:
    """Every day from ``start`` to ``end``, both included."""
    return [start + timedelta(days=offset) for offset in range((end - start).days + 1)]


def daily_batch_path(out_dir: Path, kind: str, day: date, suffix: str = ".json") -> Path:
    """Where the batch file of ``kind`` for ``day`` goes: ``out_dir/KIND_YYYYMMDD.json``
    (or ``.jsonl``, given as ``suffix``)."""
    return Path(out_dir) / f"{kind}_{day:%Y%m%d}{suffix}"


def json_bytes(value) -> bytes:
    """``orjson.dumps(value)``, copied to a bytes object of its own size: orjson's result keeps
    a buffer of about 4 KiB, which adds up when thousands of them are kept (snapshots, chunks)."""
    return bytes(memoryview(orjson.dumps(value)))


def write_atomically(target: Path, write: Callable[[BinaryIO], Written]) -> Written:
    """Call ``write`` with a binary file that becomes ``target`` once ``write`` returns.

    The file is written under a temporary name beside ``target`` (leftovers of a killed
    writer are removed first) and renamed into place; if ``write`` fails, the temporary
    file is removed and ``target`` is left as it was. Returns what ``write`` returns.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    for leftover in target.parent.glob(f".{target.name}.*.tmp"):   # from a generator that was killed
        leftover.unlink(missing_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.chmod(temporary, 0o666 & ~current_umask())      # mkstemp makes 0600; give the usual mode
    try:
        with os.fdopen(handle, "wb") as out:
            result = write(out)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return result


def write_json_array(out: BinaryIO, lines: Iterator[bytes],
                     on_count: Callable[[int], None] | None = None) -> int:
    """Write ``lines`` (each one JSON value) as a JSON array, one value a line; return how many.

    ``on_count`` is called with the running count every PROGRESS_STEP lines.
    """
    count = 0
    out.write(b"[")
    while chunk := list(islice(lines, WRITE_CHUNK_LINES)):   # bounded memory, few writes
        out.write(b",\n" if count else b"\n")
        out.write(b",\n".join(chunk))
        count += len(chunk)
        if on_count is not None and count % PROGRESS_STEP == 0:
            on_count(count)
    out.write(b"\n]\n")
    return count


def write_json_lines(out: BinaryIO, lines: Iterator[bytes],
                     on_count: Callable[[int], None] | None = None) -> int:
    """Write ``lines`` (each one JSON value) as JSON Lines; return how many.

    ``on_count`` is called with the running count every PROGRESS_STEP lines.
    """
    count = 0
    while chunk := list(islice(lines, WRITE_CHUNK_LINES)):   # bounded memory, few writes
        out.write(b"\n".join(chunk))
        out.write(b"\n")
        count += len(chunk)
        if on_count is not None and count % PROGRESS_STEP == 0:
            on_count(count)
    return count


def current_umask() -> int:
    """The process's umask (reading it means setting it, so it is set back at once)."""
    current = os.umask(0)
    os.umask(current)
    return current
