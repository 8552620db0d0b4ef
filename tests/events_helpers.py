"""Small hand-written page views for the clickstream tests: one record a call, a file a list.

``view(...)`` builds one page-view record of the contract (docs/EVENTS.md) with readable
defaults; ``write_events`` writes a JSON Lines batch named after its kind; ``load_files``
runs the pipeline on files whose kind comes from their names.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from ecommerce_warehouse.pipeline import PipelineOptions, run_pipeline

SITE = "https://shop.example.com"


def view(event_id: str | None, at: str, path: str = "/", visitor: str | None = "A1", user: str | None = None,
         referrer: str | None = "", session: str | None = None, agent: str = "Mozilla/5.0", **extra) -> dict:
    """One page view at ``at`` (``2025-03-01T10:00:00`` means UTC) of ``SITE + path``."""
    record = {"timestamp": at if at.endswith("Z") or "+" in at[10:] else at + "Z", "page_url": SITE + path}
    if event_id is not None:
        record["event_id"] = event_id
    if visitor is not None:
        record["anonymous_id"] = visitor
    if user is not None:
        record["user_id"] = user
    if session is not None:
        record["session_id"] = session
    if referrer is not None:
        record["referrer"] = referrer
    record["user_agent"] = agent
    record.update(extra)
    return record


def order_line(tid: str, order_id: str, at: str, quantity: int = 1, price: float = 10.0,
               user: str | None = "U1", status: str = "completed", product: str = "P1") -> dict:
    return {"transaction_id": tid, "order_id": order_id, "timestamp": at + "Z", "quantity": quantity,
            "price": price, "status": status, "user": {"user_id": user, "name": f"Name {user}"} if user else None,
            "product": {"product_id": product, "name": "Mug", "category": "Home", "unit_price": price}}


def write_events(folder: Path, name: str, records: list) -> Path:
    """A JSON Lines file ``events_<name>.jsonl`` (or ``transactions_<name>.jsonl`` for order lines)."""
    kind = "transactions" if records and isinstance(records[0], dict) and "transaction_id" in records[0] \
        else "events"
    path = folder / f"{kind}_{name}.jsonl"
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records),
                    encoding="utf-8")
    return path


def load_files(db, *files: Path):
    """The pipeline on the given files, each of the kind its name says; its PipelineResult."""
    options = PipelineOptions(db=str(db), start=date(2025, 3, 1), end=date(2025, 3, 1), seed=1,
                              transactions=0, raw_dir=Path(db).parent / "raw", inputs=tuple(files))
    return run_pipeline(options)
