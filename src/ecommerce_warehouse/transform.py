"""Run the SQL transforms over what was staged since the last successful transform.

All transform files run in one transaction together with the watermark update, so the
star tables move from one consistent state to the next or not at all.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from . import sqlfiles
from .database import query_sql, run_sql, utc_now, write_transaction
from .errors import TransformError
from .runs import Run


@dataclass
class TransformResult:
    """The raw_id range a transform covered and the rows each file changed."""

    from_raw_id: int
    to_raw_id: int
    changed: dict[str, int] = field(default_factory=dict)

    @property
    def nothing_new(self) -> bool:
        return self.to_raw_id <= self.from_raw_id


def transform(engine: Engine, run: Run) -> TransformResult:
    """Apply every file of ``sqlfiles.TRANSFORM`` to the lines staged since the watermark."""
    try:
        with write_transaction(engine) as connection:
            watermark = query_sql(connection, "transform/last_watermark").scalar_one()
            high_water = query_sql(connection, "transform/staged_high_water").scalar_one()
            result = TransformResult(watermark, high_water)
            if result.nothing_new:
                return result
            params = {"from_raw_id": watermark, "to_raw_id": high_water, "now": utc_now()}
            for name in sqlfiles.TRANSFORM:
                began = time.perf_counter()
                changed = run_sql(connection, name, params)
                target = name.split("/")[-1]
                result.changed[target] = changed
                run.step("transform", target, changed, time.perf_counter() - began, connection)
            run_sql(connection, "transform/advance_watermark",
                    {"run_id": run.run_id, "to_raw_id": high_water})
    except IntegrityError as exc:
        raise TransformError(
            f"transform failed and was rolled back (the warehouse is unchanged): {exc.orig}"
        ) from exc
    return result
