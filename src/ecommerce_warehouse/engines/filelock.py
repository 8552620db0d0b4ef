"""The run lock of a warehouse that is one local file (SQLite, DuckDB): ``flock`` on
``<warehouse>.lock`` beside it, released by the kernel when the process ends, even by
kill -9. A second run waits up to ``--wait`` seconds, then fails with "warehouse is busy".
"""

from __future__ import annotations

import fcntl
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ecommerce_warehouse.errors import DatabaseError, WarehouseBusyError

POLL_SECONDS = 0.05


@contextmanager
def file_run_lock(path: Path, wait_seconds: float) -> Iterator[None]:
    """Hold an exclusive ``flock`` on ``<path>.lock`` for the block."""
    lock_path = Path(f"{path}.lock")
    try:
        # not a `with` here: an OSError raised by the caller's block must not be caught below
        handle = open(lock_path, "a")  # noqa: SIM115 - closed by the `with handle` that follows
    except OSError as exc:
        raise DatabaseError(f"cannot create the lock file {lock_path}: {exc.strerror}") from exc
    with handle:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise WarehouseBusyError(
                        f"warehouse is busy: another run is writing to {path}; "
                        f"waited {wait_seconds:g} s for it (see --wait), try again when it has finished"
                    ) from None
                time.sleep(POLL_SECONDS)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
