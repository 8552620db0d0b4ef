"""The change events' steps of the walkthrough: an order's life day by day, and SCD type 2.

After the page views' steps, two more: the same three days' change events (the
generator's, for the scenario's orders, and Ada's, written by hand), loaded one day at a
time so that Ada's first order, ORD-ADA-1, fills its accumulating-snapshot row day by day
(placed and paid on 1 March, shipped on 2 March, delivered on 3 March); then the price of
her mug (P9001), which rises from 14.50 to 16.00 at midnight on 3 March: the current state
keeps only the new price (type 1), dim_products_history both versions (type 2), and her
order joins the version of its time.
"""

from __future__ import annotations

import base64
from datetime import UTC, date, datetime
from pathlib import Path

import orjson

from ecommerce_warehouse.classroom import scenario
from ecommerce_warehouse.classroom.lesson import Exercise, SqlShown, Step, WalkthroughError
from ecommerce_warehouse.db import write_transaction
from ecommerce_warehouse.generate import changes as changes_generator
from ecommerce_warehouse.generate.catalogue import build_catalogue
from ecommerce_warehouse.generate.files import write_atomically
from ecommerce_warehouse.load.ingest import ingest_file
from ecommerce_warehouse.model import schema
from ecommerce_warehouse.sources import changes

SOURCE = changes.SOURCE
ORDER_ID = "ORD-ADA-1"           # TX-ADA-1: two mugs at 14.50
MUG_ID = scenario.MUG["product_id"]


def _ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


def _event(table: str, op: str, before, after, at: str, position: int) -> dict:
    ts = _ms(at)
    return {"before": before, "after": after, "op": op,
            "source": {"connector": "mysql", "table": table, "ts_ms": ts, "pos": position},
            "ts_ms": ts + 40}


def _order(status: str, at: str) -> dict:
    return {"order_id": ORDER_ID, "user_id": scenario.ADA_ID, "status": status,
            "created_at": "2025-03-01T09:30:00Z", "updated_at": at}


def _product(product: dict, price: str) -> dict:
    return {"product_id": product["product_id"], "name": product["name"],
            "category": product["category"], "unit_price": price}


_PAYMENT = {"payment_id": "PAY-ADA-1", "order_id": ORDER_ID, "method": "card",
            "amount": base64.b64encode((2900).to_bytes(2, "big", signed=True)).decode(),
            "currency": "EUR", "status": "authorised", "created_at": _ms("2025-03-01T09:31:00") * 1000}
_SHIPMENT = {"shipment_id": "SHP-ADA-1", "order_id": ORDER_ID, "carrier": "DHL",
             "shipped_at": _ms("2025-03-02T10:15:00"), "delivered_at": None}
_SCHEMA = {"schema": changes_generator.PAYMENTS_SCHEMA}

# Ada's order and the scenario's two hand-made products, by day.
ADA_CHANGES = {
    date(2025, 3, 1): [
        _event("products", "r", None, _product(scenario.MUG, "14.50"), "2025-03-01T00:00:00", 1),
        _event("products", "r", None, _product(scenario.COMPASS, "32.00"), "2025-03-01T00:00:00", 2),
        _event("orders", "c", None, _order("placed", "2025-03-01T09:30:00Z"), "2025-03-01T09:30:00", 3),
        {**_SCHEMA, "payload": _event("payments", "c", None, _PAYMENT, "2025-03-01T09:31:00", 4)},
        {**_SCHEMA, "payload": _event("payments", "u", _PAYMENT, {**_PAYMENT, "status": "captured"},
                                      "2025-03-01T09:33:00", 5)},
        _event("orders", "u", _order("placed", "2025-03-01T09:30:00Z"), _order("paid", "2025-03-01T09:33:00Z"),
               "2025-03-01T09:33:00", 6),
    ],
    date(2025, 3, 2): [
        _event("shipments", "c", None, _SHIPMENT, "2025-03-02T10:15:00", 7),
        _event("orders", "u", _order("paid", "2025-03-01T09:33:00Z"), _order("shipped", "2025-03-02T10:15:00Z"),
               "2025-03-02T10:15:00", 8),
    ],
    date(2025, 3, 3): [
        _event("products", "u", _product(scenario.MUG, "14.50"), _product(scenario.MUG, "16.00"),
               "2025-03-03T00:00:00", 9),
        _event("shipments", "u", _SHIPMENT, {**_SHIPMENT, "delivered_at": _ms("2025-03-03T15:40:00")},
               "2025-03-03T15:40:00", 10),
        _event("orders", "u", _order("shipped", "2025-03-02T10:15:00Z"),
               _order("delivered", "2025-03-03T15:40:00Z"), "2025-03-03T15:40:00", 11),
    ],
}


def write_changes(folder: Path) -> list[Path]:
    """Write the three days' change files: the generator's for the scenario's orders, then Ada's."""
    catalogue = build_catalogue(scenario.SEED)
    days = scenario.days()
    written = []
    for day, lines in changes_generator.day_events(catalogue, days[0], days[-1], scenario.LINES_PER_DAY):
        lines = [*lines, *map(orjson.dumps, ADA_CHANGES[day])]
        target = Path(folder) / f"changes_{day:%Y%m%d}.jsonl"

        def write(out, lines=lines) -> int:
            out.write(b"".join(line + b"\n" for line in lines))
            return len(lines)
        write_atomically(target, write)
        written.append(target)
    return written


LIFECYCLE_COLUMNS = ["after file", "status", "placed", "paid", "shipped", "delivered", "hours"]


def ada_lifecycle(w) -> tuple | None:
    found = w.peek("fact_order_lifecycle", ["current_status", "placed_date_key", "paid_date_key",
                                            "shipped_date_key", "delivered_date_key",
                                            "placed_to_delivered_hours"], where=_ada_order)
    return found[0] if found else None


def _ada_order(c):
    return c.order_id == ORDER_ID


_ada_order.uses = ("order_id",)


def _mug(c):
    return c.product_id == MUG_ID


_mug.uses = ("product_id",)


# --- the steps ----------------------------------------------------------------------------------

def day_by_day(w) -> list[str]:
    names = ["raw_changes", "silver_orders_current", "fact_order_lifecycle", "fact_payments"]
    before = w.counts(names)
    with write_transaction(w.engine) as connection:
        schema.create_tables(connection, schema.table_files())     # (already there: no change)
        schema.create_views(connection, [name for name in SOURCE.views if name not in w.objects(connection)[1]])
    snapshots = []
    for day, path in zip(scenario.days(), write_changes(w.raw_dir)):
        w.start_run(day)
        result = ingest_file(w.engine, path, SOURCE, w.run_record.run_id)
        w.run_record.step("ingest", str(path), result.records_loaded, result.seconds)
        if result.status != "loaded":
            raise WalkthroughError(f"{path.name} did not load: {result.error or result.status}")
        w.run_transform()
        w.finish_run()
        row = ada_lifecycle(w)
        if row:
            status, *keys, hours = row
            snapshots.append([path.name[8:16], status, *(k if k != -1 else "-1" for k in keys),
                              "-" if hours is None else f"{hours:.1f}"])
    lines = w.change_lines(before, w.counts(names)) + [""]
    lines += w.table(LIFECYCLE_COLUMNS, snapshots)
    return lines + [""] + w.text(
        "One row, updated as milestones arrive: -1 is the unknown date until it happens.")


def price_change(w) -> list[str]:
    now = w.peek("silver_products_current", ["product_id", "product_name", "unit_price_cents"], where=_mug)
    versions = w.peek("dim_products_history", ["product_version_key", "valid_from", "valid_to",
                                               "is_current", "unit_price_cents"],
                      where=_mug, order_by="valid_from", limit=None)
    lines = w.text("Current state (overwritten, as SCD type 1 does):")
    lines += w.table(["product_id", "product_name", "unit_price_cents"], now)
    lines += [""] + w.text("dim_products_history (SCD type 2, every version):")
    lines += w.table(["key", "valid_from", "valid_to", "current", "cents"],
                     [(k, f[:16], t[:16], c, p) for k, f, t, c, p in versions])
    if versions:
        lines += [""] + w.text(f"TX-ADA-1 (1 March, 09:30) joins the version of its time: "
                               f"{versions[0][4]} cents a mug; a mug sold today would cost "
                               f"{versions[-1][4]}.")
    return lines


STEPS = (
    Step("Change events: an order's life, day by day",
         "A third process: the shop's database sends a change event whenever an order, payment, "
         "shipment or product changes (Debezium). Loaded a day at a time, Ada's ORD-ADA-1 "
         "fills its row of the accumulating snapshot as it is paid, shipped and delivered.",
         SqlShown("transform/fact_order_lifecycle", start="milestone as ("),
         Exercise("How long do orders take from placed to delivered, by carrier?",
                  "select carrier, step, orders, p50_hours, p90_hours\n"
                  "from gold_fulfilment_lead_times where step = 'placed_to_delivered'"),
         run=day_by_day),
    Step("A price change: type 1 and type 2",
         "At midnight on 3 March the mug's price rises. The current state keeps today's price "
         "only (type 1: overwritten); dim_products_history keeps a version for each price, "
         "valid from one change to the next (type 2), so old orders keep the price they had.",
         SqlShown("transform/stage_product_versions", start="boundary as ("),
         Exercise("What did each category earn, by its category now and when sold?",
                  example="examples/revenue_by_category_now_vs_when_sold.sql"),
         run=price_change),
)
