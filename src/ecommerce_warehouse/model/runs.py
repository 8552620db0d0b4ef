"""Record each command that changes the warehouse in ``etl_runs`` and ``etl_run_steps``."""

from __future__ import annotations

import json
import time
from contextlib import contextmanager

from sqlalchemy.engine import Engine

from ecommerce_warehouse.db import query_sql, run_sql, utc_now, write_transaction


class Run:
    """One row of etl_runs, opened on creation and closed by ``finish``.

    Create it only while holding the run lock (``database.exclusive_run``): opening a run
    marks any run still 'running' as interrupted.
    """

    def __init__(self, engine: Engine, command: str, parameters: dict):
        self.engine = engine
        self.steps: list[dict] = []
        self.started = time.perf_counter()
        with write_transaction(engine) as connection:
            run_sql(connection, "runs/close_interrupted_runs", {"now": utc_now()})
            self.run_id = query_sql(connection, "runs/start_run", {
                "command": command,
                "started_at": utc_now(),
                "parameters": json.dumps(parameters, sort_keys=True, default=str),
            }).scalar_one()

    def step(self, step: str, target: str | None, row_count: int, seconds: float,
             connection=None) -> None:
        """Append one step; pass ``connection`` to record it inside an open transaction."""
        params = {
            "run_id": self.run_id, "step_number": len(self.steps) + 1, "step": step,
            "target": target, "duration_ms": round(seconds * 1000), "row_count": row_count,
        }
        if connection is not None:
            run_sql(connection, "runs/record_step", params)
        else:
            with write_transaction(self.engine) as own:
                run_sql(own, "runs/record_step", params)
        self.steps.append(params)

    @contextmanager
    def timed(self, step: str, target: str | None = None):
        """Time a block; the block sets ``box['rows']`` to its row count."""
        box = {"rows": 0}
        began = time.perf_counter()
        yield box
        self.step(step, target, box["rows"], time.perf_counter() - began)

    def finish(self, error: str | None = None) -> None:
        with write_transaction(self.engine) as connection:
            run_sql(connection, "runs/finish_run", {
                "run_id": self.run_id, "finished_at": utc_now(),
                "status": "failed" if error else "succeeded", "error": error,
            })

    @property
    def seconds(self) -> float:
        return time.perf_counter() - self.started
