"""Judge a file's records on every core: the contract's per-record checks in worker processes.

Reading a file stays in the loading process (where a record ends, and a file that is not a
well-formed array, are decided there, as before), and so does writing Bronze. In between,
the contract's checks, about 4 s a million records on one core, run in worker processes,
a chunk at a time, while the loading process reads the next chunks and writes the last:

- **Same verdicts.** A record the reader decoded on the contract's fast path travels as
  its number and exact text; the worker decodes that text with the same fast decoder (the
  same struct, by construction) and judges it with the same ``judge``. Any other record
  (decoded generally, or not JSON) is judged in the loading process, as before, and its
  Bronze row travels with the chunk. So every record gets the verdict, reason code and
  message the serial path gives (a test compares both paths' Bronze row for row).
- **Same order, same raw ids.** A chunk's rows come back in file order, chunks in the order
  they were sent; the raw ids are ``after_raw_id`` + the record's position in the file, as
  before: one contiguous range per file.
- **Bounded memory.** At most ``IN_FLIGHT`` chunks are out at once.
- **Nothing half-done.** The workers only compute; every write stays in the loading
  process's one transaction. An error in a worker is raised in the loading process.

Off by default: set ``WAREHOUSE_INGEST_WORKERS`` (2 or more) to use it. Measured on a
quiet 2-core machine, the workers made the ingest slower and heavier, not faster: sending
each chunk's text out and its Bronze rows back costs the loading process about what
judging them did (100,000 order lines 1.5 s serial, 1.7–1.9 s with two workers, peak RSS
69 → 98 MB; 253,099 change events 10.2 → 12.7 s, 73 → 187 MB). It may pay on a machine
with more cores than the loading process can feed; docs/BENCHMARKS.md has the figures.
Workers are forked (they inherit the loaded package and the kinds declared, a test's toy
kind too), only for files of at least ``MIN_BYTES``.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path

import msgspec

from ecommerce_warehouse.load.records import RawRecord, bronze_row
from ecommerce_warehouse.sources.declaration import Source

MIN_BYTES = 4 << 20          # a smaller file is judged in the loading process (a fork costs ~50 ms)
IN_FLIGHT = 4                # chunks out at the workers at once
WORKERS_ENVVAR = "WAREHOUSE_INGEST_WORKERS"
MIN_BYTES_ENVVAR = "WAREHOUSE_INGEST_PARALLEL_BYTES"

# The kinds a worker can judge, by name: set before the workers are forked.
_KINDS: dict[str, Source] = {}


def workers() -> int:
    """How many worker processes judge records (0, the default: none, judge in the loading
    process; ``WAREHOUSE_INGEST_WORKERS`` asks for some)."""
    configured = os.environ.get(WORKERS_ENVVAR, "").strip()
    count = int(configured) if configured else 0
    return count if count > 1 else 0


def wanted(path: Path) -> bool:
    """Should this file's records be judged by workers? (``WAREHOUSE_INGEST_PARALLEL_BYTES``
    overrides MIN_BYTES, e.g. for a test that needs workers on a small file.)"""
    least = os.environ.get(MIN_BYTES_ENVVAR, "").strip()
    try:
        return workers() > 0 and path.stat().st_size >= (int(least) if least else MIN_BYTES)
    except OSError:
        return False


class Judges:
    """A pool of worker processes judging chunks of one or more kinds' records."""

    def __init__(self, kinds: Iterable[Source], processes: int | None = None):
        for kind in kinds:
            _KINDS[kind.name] = kind
        self.pool = multiprocessing.get_context("fork").Pool(processes or workers() or 2,
                                                             initializer=_quiet_on_ctrl_c)

    def close(self) -> None:
        self.pool.terminate()
        self.pool.join()

    def judged(self, source: Source, batch: tuple,
               chunks: Iterable[tuple[int, list]]) -> Iterator[tuple[list, list]]:
        """(Bronze rows, rejections) of each chunk, in order; a chunk is (its first raw id,
        its items as ``pack`` made them); ``batch`` is every row's (batch_id, source_file,
        loaded_at)."""
        pending: deque = deque()
        for first_raw_id, items in chunks:
            pending.append(self.pool.apply_async(judge_chunk, (source.name, batch, first_raw_id, items)))
            if len(pending) >= IN_FLIGHT:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def _quiet_on_ctrl_c() -> None:
    """Ctrl-C reaches the workers too (one process group): the loading process handles it
    (the file's transaction rolls back, pipeline.interruptible says so); a worker just ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def pack(source: Source, record: RawRecord, raw_id: int, batch: tuple):
    """What a record travels as: (number, text) if the worker can decode it again on the
    fast path, else (number, None, its Bronze row, its rejection) judged here."""
    if record.error is None and isinstance(record.value, msgspec.Struct):
        return (record.number, record.text)
    judged = source.contract.judge(record)
    rejection = judged[1]
    reason = None if rejection is None else (raw_id, rejection.code, rejection.field, rejection.message)
    return (record.number, None, bronze_row(record, raw_id, batch, judged), reason)


def judge_chunk(kind: str, batch: tuple, first_raw_id: int, items: list) -> tuple[list, list]:
    """In a worker: each item's Bronze row, and the rejections (raw_id, code, field, message)."""
    contract = _KINDS[kind].contract
    decode, judge = contract.decode_fast, contract.judge
    rows, rejections = [], []
    for offset, item in enumerate(items):
        raw_id = first_raw_id + offset
        if item[1] is None:                  # judged in the loading process
            rows.append(item[2])
            if item[3] is not None:
                rejections.append(item[3])
            continue
        number, text = item
        record = RawRecord(number, text, decode(text))
        judged = judge(record)
        rows.append(bronze_row(record, raw_id, batch, judged))
        rejection = judged[1]
        if rejection is not None:
            rejections.append((raw_id, rejection.code, rejection.field, rejection.message))
    return rows, rejections
