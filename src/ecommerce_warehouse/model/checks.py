"""Quality checks: SQL files in sql/checks/ that return their failing rows.

A check passes when it returns no row. Its header says its severity: an ``error`` check
that fails stops the run (write-audit-publish: the transform is rolled back), a ``warn``
check is recorded and shown, never fatal. Every outcome is appended to dq_check_results.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Self

from sqlalchemy.engine import Connection, Engine

from ecommerce_warehouse import engines, sources, sqlfiles
from ecommerce_warehouse.db import open_read_only, query_sql, run_sql, utc_now
from ecommerce_warehouse.model import core

SAMPLE_ROWS = 5
VOLUME_TOLERANCE = 0.5       # daily_volume_anomaly: ±50% of the previous 7 days' median
FRESHNESS_DAYS = 2           # fact_orders_freshness: newest order at most this old


@dataclass
class CheckResult:
    """One check's outcome: how many rows failed, and a few of them."""

    name: str
    severity: str
    failing_rows: int
    sample: list[dict] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.failing_rows == 0:
            return "pass"
        return "fail" if self.severity == "error" else "warn"

    def as_dict(self) -> dict:
        return {"check": self.name, "severity": self.severity, "status": self.status,
                "failing_rows": self.failing_rows, "sample": self.sample}

    def describe(self) -> str:
        text = f"{self.status.upper():4}  {self.name} ({self.severity}): {self.failing_rows} failing row(s)"
        if self.sample:
            text += "; e.g. " + json.dumps(self.sample[0], default=str)
        return text


def check_parameters(now: datetime | None = None) -> dict:
    now = now or datetime.now(UTC)
    stale_before = now - timedelta(days=FRESHNESS_DAYS)
    return {
        "volume_tolerance": VOLUME_TOLERANCE,
        "stale_before": stale_before.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
    }


def severity_of(name: str, dialect: str) -> str:
    severity = (sqlfiles.header_value(name, dialect, "severity") or "").lower()
    if severity not in ("error", "warn"):
        raise ValueError(f"{name}.sql: header must say '-- severity: error' or '-- severity: warn'")
    return severity


def enforced_by(name: str, dialect: str) -> str | None:
    """The declared constraint that already guarantees a check inside a transform, if any."""
    return sqlfiles.header_value(name, dialect, "enforced by")


@dataclass(frozen=True)
class CheckJob:
    """One check file to run, with the parameters that scope it."""

    name: str
    params: Mapping[str, object]


# The widest scope: every Bronze row and every fact row (`warehouse check`).
LAST_RAW_ID = 2**62
EVERY_RAW_ID = {"from_raw_id": 0, "to_raw_id": LAST_RAW_ID}


def every_check(connection: Connection | None = None) -> list[CheckJob]:
    """Every check of the core and of every input kind, each over every row.

    ``through_raw_id`` (how far the star should hold each kind's lines) is the kind's
    watermark, read on ``connection``: lines loaded since the last transform are pending,
    not missing. Without a connection (only the names are wanted) it is every row.
    """
    params = check_parameters()
    jobs = [CheckJob(name, params) for name in core.CHECKS]
    for source in sources.SOURCES:
        through = LAST_RAW_ID if connection is None else watermark(connection, source.name)
        scope = {**params, **EVERY_RAW_ID, "through_raw_id": through,
                 **{name: 0 for name in source.scope}}
        jobs.extend(CheckJob(name, scope) for name in source.checks)
    return jobs


def watermark(connection: Connection, source: str) -> int:
    """The highest raw_id of one kind that a committed transform has processed (0: none)."""
    return query_sql(connection, "transform/last_watermark", {"source": source}).scalar_one()


def run_checks(connection: Connection, jobs: list[CheckJob] | None = None,
               done: Mapping[str, CheckResult] | None = None,
               in_transform: bool = False) -> list[CheckResult]:
    """Run checks on the connection's current state, in order (default: every_check()).

    A job's parameters scope a row-level check to what one run added: ``from_raw_id`` /
    ``to_raw_id`` (its kind's Bronze rows) and the kind's own (e.g. ``from_order_key``:
    its fact rows start after it). ``done``: outcomes already known
    (``ChecksAlongside``), by file name; those checks are not run again.
    ``in_transform``: the run's rows were just written in this transaction, so a check
    whose header says ``-- enforced by:`` (a declared constraint every such row had to
    satisfy) cannot find one and is recorded as passed without running.
    """
    dialect = connection.dialect.name
    results = []
    for job in every_check(connection) if jobs is None else jobs:
        if done and job.name in done:
            results.append(done[job.name])
            continue
        if in_transform and enforced_by(job.name, dialect):
            results.append(outcome(job.name, dialect, ()))
            continue
        results.append(outcome(job.name, dialect, query_sql(connection, job.name, job.params),
                               _mapped))
    return results


def outcome(name: str, dialect: str, rows, as_dict=None) -> CheckResult:
    """A check's outcome from its failing rows (keeping the first few as the sample).

    ``as_dict`` makes a sample row a dict: only the sample's rows are made into dicts, the
    rest are only counted (a warning that fails for every one of 231,152 orders took 0.78 s
    of CPU with a dict made of each)."""
    count = 0
    sample = []
    for row in rows:
        count += 1
        if len(sample) < SAMPLE_ROWS:
            sample.append(row if as_dict is None else as_dict(row))
    return CheckResult(name.split("/")[-1], severity_of(name, dialect), count, sample)


def _mapped(row) -> dict:
    return dict(row._mapping)


# Checks a kind declares as reading only Bronze and the registry (``checks_beside``) run
# in a child process while the transform files run, ...
# ... if the run stages at least this many Bronze rows: below it the checks take less
# than starting the child costs (about 0.3 s of the other core; the transform waits for
# it at the end). Measured, transform wall seconds, child against none: 50,850 order
# lines 0.565 against 0.475; 100,000 change events 0.85-0.86 against 0.94-1.01; 206,539
# change events 1.62-1.78 against 1.84-1.87.
ALONGSIDE_LINES = 100_000

# The child: python -m CHILD_MODULE, (db, jobs) pickled on its stdin, its results on stdout.
CHILD_MODULE = "ecommerce_warehouse.model.checks_apart"


class ChecksAlongside:
    """Run checks that read only Bronze and the registry in a child process, on a
    connection of its own, while the transform's connection runs the transform files (a
    second core does the work).

    The transform holds the warehouse's only write transaction, so nothing can change
    Bronze or the registry until it commits: the child reads exactly the rows the transform
    reads (it sees committed data, and the transform writes neither table). It reads
    through the warehouse's read-only engine (``open_read_only``, as ``run_checks`` on
    any connection), whose reads never wait for the transform's write transaction, and
    it runs only where the engine says a reader and the writer never wait for each other
    (``reads_beside_a_writer``: SQLite in WAL mode on a file, PostgreSQL). Otherwise, for
    a run smaller than ``ALONGSIDE_LINES``, or if anything goes wrong on the way,
    ``results()`` is empty and ``run_checks`` runs the checks on the transform's own
    connection instead, with the usual errors.

    A process, not a thread: two threads of one process running SQLite statements at once
    take turns at SQLite's process-wide locks (its allocator's, on every allocation). With
    ``raw_changes_one_loaded_copy`` in a thread beside it, the 1M change events' merge into
    silver_orders_current took 1.42-1.64 s instead of 0.93 s (docs/BENCHMARKS.md); a child
    process shares none of them. The child (``checks_apart``) runs in a session of its own
    with its errors discarded, so Ctrl-C at the terminal reaches only the command, which
    stops it on the way out; it exits as soon as it has answered, and if the command dies
    first, its answer finds no reader and it exits then.
    """

    def __init__(self, connection: Connection, jobs: list[CheckJob], lines: int):
        self.engine: Engine = connection.engine
        self.jobs = jobs
        big = lines >= ALONGSIDE_LINES
        self.parallel = big and bool(jobs) and engines.of(connection).reads_beside_a_writer(connection)
        self.found: dict[str, CheckResult] | None = None
        self.child: subprocess.Popen | None = None

    def __enter__(self) -> Self:
        if self.parallel:
            try:
                self.child = subprocess.Popen(  # noqa: S603 - this Python, this package's module
                    [sys.executable, "-m", CHILD_MODULE], stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True,
                    env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
                with self.child.stdin:
                    pickle.dump((engines.of(self.engine).db_of(self.engine), self.jobs),
                                self.child.stdin)
            except Exception:   # noqa: BLE001 - run_checks runs them itself
                self._stop()
        return self

    def __exit__(self, *_exc) -> None:
        self._stop()

    def results(self) -> dict[str, CheckResult]:
        """The outcomes, by manifest name, once the child is done (empty if it failed)."""
        if self.found is None:
            self.found = {}
            if self.child is not None:
                try:
                    answer = self.child.stdout.read()
                    if self.child.wait() == 0:
                        self.found = pickle.loads(answer)  # noqa: S301 - our own child, over a private pipe
                except Exception:   # noqa: BLE001 - run_checks runs them again, with the usual errors
                    self.found = {}
                self._stop()
        return self.found

    def _stop(self) -> None:
        """The child gone: stopped if it is still running (the transform ended first)."""
        if self.child is not None:
            if self.child.poll() is None:
                self.child.kill()
            self.child.wait()
            self.child.stdout.close()
            self.child = None


def run_apart(db: str, jobs: list[CheckJob]) -> dict[str, CheckResult]:
    """Run the jobs on a read-only engine of the warehouse ``db`` (in ChecksAlongside's
    child): its reads never wait for the transform's write transaction."""
    engine = open_read_only(db)
    try:
        with engine.connect() as connection:
            return {job.name: result for job, result in zip(jobs, run_checks(connection, jobs))}
    finally:
        engine.dispose()


def record_results(connection: Connection, run_id: int, results: list[CheckResult]) -> None:
    """Append the outcomes to dq_check_results."""
    checked_at = utc_now()
    for result in results:
        run_sql(connection, "runs/record_check_result", {
            "run_id": run_id, "check_name": result.name, "severity": result.severity,
            "status": result.status, "failing_rows": result.failing_rows,
            "sample": json.dumps(result.sample, default=str) if result.sample else None,
            "checked_at": checked_at,
        })


def failed(results: list[CheckResult]) -> list[CheckResult]:
    return [r for r in results if r.status == "fail"]
