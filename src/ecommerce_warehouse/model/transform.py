"""Run the SQL transforms over what was staged since the last successful transform.

Write-audit-publish, for every input kind at once: in one transaction, each kind with
new Bronze rows runs its transform steps over its range (``(watermark, high water]``),
then every check runs on the result, and only if no error check failed do the
watermarks move and the transaction commit. So the star tables move from one consistent
state to the next or not at all. Checks a kind declares as reading only Bronze and the
registry run in a child process while the steps run (``checks.ChecksAlongside``).

This is the only transform path: ``run_pipeline``, ``warehouse transform`` and the
walkthrough all run it; the walkthrough watches it through a ``TransformHook``, which is
called between the steps, inside the open transaction.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from ecommerce_warehouse import engines, sources
from ecommerce_warehouse.db import query_sql, run_sql, utc_now, write_transaction
from ecommerce_warehouse.errors import QualityGateError, TransformError
from ecommerce_warehouse.model import core
from ecommerce_warehouse.model.checks import (
    CheckJob,
    CheckResult,
    ChecksAlongside,
    check_parameters,
    failed,
    record_results,
    run_checks,
    watermark,
)
from ecommerce_warehouse.model.runs import Run
from ecommerce_warehouse.sources.declaration import Source, TransformStep

# A kind's transform at least this big, and at least as big as its fact already is, runs
# its steps' bulk_before / bulk_after files (e.g. the fact's indexes dropped, then built again).
BULK_LINES = 50_000


@dataclass
class Pending:
    """One input kind's Bronze rows a transform processes: raw_id in (from_raw_id, to_raw_id]."""

    source: Source
    from_raw_id: int
    to_raw_id: int
    scope: dict = field(default_factory=dict)      # the kind's own check parameters

    @property
    def lines(self) -> int:
        return self.to_raw_id - self.from_raw_id

    @property
    def bulk(self) -> bool:
        size = self.scope.get(self.source.bulk_size, 0) if self.source.bulk_size else 0
        return self.lines >= max(BULK_LINES, size)

    def params(self, now: str) -> dict:
        return {**self.scope, "from_raw_id": self.from_raw_id, "to_raw_id": self.to_raw_id, "now": now}

    def check_params(self) -> dict:
        return {**check_parameters(), "from_raw_id": self.from_raw_id,
                "to_raw_id": self.to_raw_id, "through_raw_id": self.to_raw_id, **self.scope}


@dataclass
class TransformResult:
    """The Bronze range each kind's transform covered, the rows each step changed, the checks."""

    ranges: dict[str, tuple[int, int]] = field(default_factory=dict)
    changed: dict[str, int] = field(default_factory=dict)
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def nothing_new(self) -> bool:
        return not self.ranges

    def as_dict(self) -> dict:
        return {
            "sources": {name: {"from_raw_id": low, "to_raw_id": high}
                        for name, (low, high) in self.ranges.items()},
            "rows_changed": self.changed,
            "checks": [check.as_dict() for check in self.checks],
        }


class TransformHook:
    """Watches a transform between its steps, inside its open transaction (the walkthrough
    shows each step). Every method does nothing here; override what you need."""

    def begin(self, connection: Connection, pending: list[Pending]) -> None:
        """The transaction is open and the ranges are known; no step has run."""

    def before_step(self, connection: Connection, source: Source, step: TransformStep) -> None:
        """A step is about to run."""

    def after_step(self, connection: Connection, source: Source, step: TransformStep,
                   changed: int) -> None:
        """A step has run (not committed: only this connection sees its rows)."""

    def after_checks(self, connection: Connection, results: list[CheckResult]) -> None:
        """Every check has run; next, the commit (or, if an error check failed, the rollback)."""


def pending_sources(connection: Connection) -> list[Pending]:
    """Each kind with Bronze rows after its watermark, in declaration order; and each kind
    that follows one of those (``Source.follows``), over an empty range of its own."""
    found = []
    for source in sources.SOURCES:
        after = watermark(connection, source.name)
        high_water = query_sql(connection, source.high_water).scalar_one()
        found.append(Pending(source, after, max(high_water, after)))
    changed = {item.source.name for item in found if item.lines > 0}
    return [item for item in found
            if item.lines > 0 or (changed and changed.intersection(item.source.follows))]


def waiting_sources(connection: Connection) -> list[Pending]:
    """Each kind with Bronze rows a transform has not processed yet (what `status` and
    `check` say waits for the transform; a kind that only follows another waits for nothing)."""
    return [item for item in pending_sources(connection) if item.lines]


def transform(engine: Engine, run: Run, hook: TransformHook | None = None) -> TransformResult:
    """Write-audit-publish: apply each kind's transform steps to the rows staged since its
    watermark, run every check on the result, and commit only if no error check failed.

    On a failed error check the transaction is rolled back (the warehouse stays at its
    last good state), the checks' outcomes are recorded, and QualityGateError is raised.
    """
    hook = hook or TransformHook()
    try:
        with write_transaction(engine) as connection:
            pending = pending_sources(connection)
            # a kind that only follows another ran over no rows of its own: no range to report
            result = TransformResult({p.source.name: (p.from_raw_id, p.to_raw_id) for p in pending if p.lines})
            if not pending:
                return result
            for item in pending:
                item.scope = {name: query_sql(connection, file).scalar_one()
                              for name, file in item.source.scope.items()}
            hook.begin(connection, pending)
            beside = [CheckJob(name, item.check_params()) for item in pending
                      for name in item.source.checks_beside]
            # a kind that only follows another (no rows of its own) has no say
            bulk = all(item.bulk for item in pending if item.lines)
            tuning = engines.of(connection).transform_tuning(connection, bulk)
            lines = sum(item.lines for item in pending)
            with tuning, ChecksAlongside(connection, beside, lines) as alongside:
                result.changed = run_steps(connection, run, pending, hook)
                began = time.perf_counter()
                jobs = [CheckJob(name, check_parameters()) for name in core.CHECKS]
                jobs += [CheckJob(name, item.check_params()) for item in pending
                         for name in item.source.checks]
                result.checks = run_checks(connection, jobs, alongside.results(), in_transform=True)
            run.step("checks", None, sum(r.failing_rows for r in result.checks),
                     time.perf_counter() - began, connection)
            hook.after_checks(connection, result.checks)
            if failed(result.checks):
                raise QualityGateError(gate_message(result.checks, run.run_id), result.checks)
            record_results(connection, run.run_id, result.checks)
            for item in (item for item in pending if item.lines):
                run_sql(connection, "transform/advance_watermark", {
                    "run_id": run.run_id, "source": item.source.name,
                    "from_raw_id": item.from_raw_id, "to_raw_id": item.to_raw_id})
    except QualityGateError as exc:
        with write_transaction(engine) as connection:
            record_results(connection, run.run_id, exc.results)
        raise
    except IntegrityError as exc:
        raise TransformError(
            f"transform failed and was rolled back (the warehouse is unchanged): {exc.orig}"
        ) from exc
    return result


def run_steps(connection: Connection, run: Run, pending: list[Pending],
              hook: TransformHook) -> dict[str, int]:
    """Every pending kind's steps, in order; the rows each target table changed."""
    changed: dict[str, int] = defaultdict(int)
    now = utc_now()
    for item in pending:
        params = item.params(now)
        for step in item.source.transform:
            hook.before_step(connection, item.source, step)
            began = time.perf_counter()
            if item.bulk and step.bulk_before:
                run_sql(connection, step.bulk_before)
            bound = params
            if step.bind:
                bound = {**params, **query_sql(connection, step.bind, params).one()._mapping}
            rows = run_sql(connection, step.name, bound)
            if item.bulk and step.bulk_after:
                run_sql(connection, step.bulk_after)
            # a kind that only follows another shows what it changed; working tables and
            # rows the run already counted stay out of the summary
            if step.counted and (rows or item.lines):
                changed[step.target] += rows
            run.step("transform", step.target, rows, time.perf_counter() - began, connection)
            hook.after_step(connection, item.source, step, rows)
    return dict(changed)


def gate_message(results: list[CheckResult], run_id: int) -> str:
    """What failed and where to look, with up to five failing rows of each failed check."""
    parts = []
    for result in failed(results):
        rows = "; ".join(json.dumps(row, default=str) for row in result.sample[:5])
        parts.append(f"{result.name} found {result.failing_rows} failing row(s): {rows}")
    return ("quality gate failed, the transform was rolled back and the warehouse is unchanged: "
            + " | ".join(parts)
            + f" (see dq_check_results for run {run_id}, or run `warehouse check`)")
