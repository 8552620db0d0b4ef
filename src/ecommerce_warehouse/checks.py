"""Quality checks: SQL files in sql/checks/ that return their failing rows.

A check passes when it returns no row. Its header says its severity: an ``error`` check
that fails stops the run (write-audit-publish: the transform is rolled back), a ``warn``
check is recorded and shown, never fatal. Every outcome is appended to dq_check_results.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy.engine import Connection

from . import sqlfiles
from .database import query_sql, run_sql, utc_now

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


EVERYTHING = {"from_raw_id": 0, "to_raw_id": 2**62, "from_order_key": 0}


def run_checks(connection: Connection, scope: dict | None = None) -> list[CheckResult]:
    """Run every check of the manifest on the connection's current state.

    ``scope`` limits the row-level checks to what one run added: ``from_raw_id`` /
    ``to_raw_id`` (its Bronze rows) and ``from_order_key`` (its fact rows start after it).
    Without it every row is checked (`warehouse check`).
    """
    params = {**check_parameters(), **(scope or EVERYTHING)}
    results = []
    for name in sqlfiles.CHECKS:
        result = query_sql(connection, name, params)
        count = 0
        sample = []
        for row in result:
            count += 1
            if len(sample) < SAMPLE_ROWS:
                sample.append(dict(row._mapping))
        results.append(CheckResult(name.split("/")[-1], severity_of(name, connection.dialect.name),
                                   count, sample))
    return results


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
