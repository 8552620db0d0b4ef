"""The quarantine, summarised: rejected records by reason code and file, with examples."""

from __future__ import annotations

from ecommerce_warehouse.db import open_read_only, query_sql


def reject_summary(db: str, reason: str | None, per_reason: int) -> tuple[list[dict], list[dict]]:
    """(counts by reason and file, up to ``per_reason`` example records per reason). Read-only."""
    engine = open_read_only(db)
    try:
        with engine.connect() as connection:
            params = {"reason": reason, "per_reason": per_reason}
            summary = [dict(r._mapping) for r in query_sql(connection, "rejects/rejects_by_reason_and_file", params)]
            examples = [dict(r._mapping) for r in query_sql(connection, "rejects/reject_examples", params)]
    finally:
        engine.dispose()
    return summary, examples
