"""The quarantine, summarised: rejected records by input kind, reason code and file, with examples."""

from __future__ import annotations

from ecommerce_warehouse.db import open_read_only, query_sql
from ecommerce_warehouse.model.schema import check_readable


def reject_summary(db: str, reason: str | None, per_reason: int,
                   source: str | None = None) -> tuple[list[dict], list[dict]]:
    """(counts by kind, reason and file; up to ``per_reason`` example records per kind and
    reason). Read-only; ``reason`` / ``source`` keep one reason code / one input kind."""
    engine = open_read_only(db)
    try:
        with engine.connect() as connection:
            check_readable(connection)
            params = {"reason": reason, "source": source, "per_reason": per_reason}
            summary = [dict(r._mapping) for r in query_sql(connection, "rejects/rejects_by_reason_and_file", params)]
            examples = [dict(r._mapping) for r in query_sql(connection, "rejects/reject_examples", params)]
    finally:
        engine.dispose()
    return summary, examples
