"""Run the SQL transforms over what was staged since the last successful transform.

All transform files run in one transaction together with the watermark update, so the
star tables move from one consistent state to the next or not at all. The checks run in
it too, before the commit; the two that read only Bronze and the file registry run on a
second connection while the transform files run (``checks.ChecksAlongside``).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from ecommerce_warehouse import engines, sqlfiles
from ecommerce_warehouse.db import query_sql, run_sql, utc_now, write_transaction
from ecommerce_warehouse.errors import QualityGateError, TransformError
from ecommerce_warehouse.model.checks import CheckResult, ChecksAlongside, failed, record_results, run_checks
from ecommerce_warehouse.model.runs import Run

# A transform at least this big, and at least as big as the fact already is, drops the
# fact's foreign-key indexes before inserting and builds them again afterwards.
BULK_LINES = 50_000


@dataclass
class TransformResult:
    """The raw_id range a transform covered, the rows each file changed, the checks' outcomes."""

    from_raw_id: int
    to_raw_id: int
    changed: dict[str, int] = field(default_factory=dict)
    checks: list[CheckResult] = field(default_factory=list)

    @property
    def nothing_new(self) -> bool:
        return self.to_raw_id <= self.from_raw_id


def transform(engine: Engine, run: Run) -> TransformResult:
    """Write-audit-publish: apply the transform files to the lines staged since the
    watermark, run every check on the result, and commit only if no error check failed.

    On a failed error check the transaction is rolled back (the warehouse stays at its
    last good state), the checks' outcomes are recorded, and QualityGateError is raised.
    """
    try:
        with write_transaction(engine) as connection:
            watermark = query_sql(connection, "transform/last_watermark").scalar_one()
            high_water = query_sql(connection, "transform/staged_high_water").scalar_one()
            result = TransformResult(watermark, high_water)
            if result.nothing_new:
                return result
            params = {"from_raw_id": watermark, "to_raw_id": high_water, "now": utc_now()}
            fact_rows = query_sql(connection, "transform/fact_size").scalar_one()
            scope = {"from_raw_id": watermark, "to_raw_id": high_water, "from_order_key": fact_rows}
            bulk = high_water - watermark >= max(BULK_LINES, fact_rows)
            # the checks that read only Bronze run meanwhile, on a second connection
            tuning = engines.of(connection).transform_tuning(connection, bulk)
            with tuning, ChecksAlongside(connection, scope) as alongside:
                for name in sqlfiles.TRANSFORM:
                    if bulk and name == "transform/fact_orders":
                        run_sql(connection, "transform/fact_orders_drop_indexes")
                    began = time.perf_counter()
                    changed = run_sql(connection, name, params)
                    if bulk and name == "transform/fact_orders":
                        run_sql(connection, "schema/fact_orders_indexes")
                    target = name.split("/")[-1]
                    result.changed[target] = changed
                    run.step("transform", target, changed, time.perf_counter() - began, connection)
                began = time.perf_counter()
                result.checks = run_checks(connection, scope, alongside.results(), in_transform=True)
            run.step("checks", None, sum(r.failing_rows for r in result.checks),
                     time.perf_counter() - began, connection)
            if failed(result.checks):
                raise QualityGateError(gate_message(result.checks, run.run_id), result.checks)
            record_results(connection, run.run_id, result.checks)
            run_sql(connection, "transform/advance_watermark",
                    {"run_id": run.run_id, "to_raw_id": high_water})
    except QualityGateError as exc:
        with write_transaction(engine) as connection:
            record_results(connection, run.run_id, exc.results)
        raise
    except IntegrityError as exc:
        raise TransformError(
            f"transform failed and was rolled back (the warehouse is unchanged): {exc.orig}"
        ) from exc
    return result


def gate_message(results: list[CheckResult], run_id: int) -> str:
    """What failed and where to look, with up to five failing rows of each failed check."""
    parts = []
    for result in failed(results):
        rows = "; ".join(json.dumps(row, default=str) for row in result.sample[:5])
        parts.append(f"{result.name} found {result.failing_rows} failing row(s): {rows}")
    return ("quality gate failed, the transform was rolled back and the warehouse is unchanged: "
            + " | ".join(parts)
            + f" (see dq_check_results for run {run_id}, or run `warehouse check`)")
