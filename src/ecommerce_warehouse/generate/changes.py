"""Daily batch files of Debezium change events: each order's lifecycle, its payments and
shipments, and the products as their prices and categories change.

``changes_YYYYMMDD.jsonl`` holds the change events a Debezium connector captured that day
from the shop's database, one JSON object a line. The same shop as the order lines: every
order of the generated days' ``transactions_YYYYMMDD.json`` is created (status placed) at
its order time and then, over the following days, paid, shipped and delivered, or
cancelled, or refunded after delivery, as its lines' status says (completed, cancelled,
refunded). Payments are made by card, PayPal or gift card; some attempts fail and are
retried. Shipments go with a carrier. Products are read in a snapshot (op r) on the first
day, change price or category as the catalogue does (op u, at midnight, so an order line
joins the version of its day), and one is discontinued (op d).

The world starts on the first generated day (the connector's snapshot): a day's file
depends on the seed, the first day of the range and the day, not on how far the range
goes. Determinism: an order's lifecycle is drawn with its own ``random.Random`` seeded by
(seed, order_id); a day's late and replayed events by (seed, start, day).

What makes the data worth teaching with:
- three encodings, as three connectors would send them: orders as bare payloads with
  ISO-8601 times; payments in Kafka Connect's ``{"schema", "payload"}`` wrapper, amounts in
  Debezium's ``precise`` decimal bytes (base64) and times in epoch microseconds; shipments
  with epoch milliseconds; products with prices as decimal strings;
- late, out-of-order events: about 1% of a day's events arrive in the next day's file;
- a replay (at-least-once delivery): each file opens with the last 2% of the day before's
  events again, byte for byte (the ingest counts them as duplicates);
- with ``dirty_rate`` R > 0, about R of the events broken in one of several ways.
"""

from __future__ import annotations

import base64
import copy
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import orjson

from ecommerce_warehouse.generate import files
from ecommerce_warehouse.generate import transactions as orders_generator
from ecommerce_warehouse.generate.catalogue import Catalogue, build_catalogue

KIND = "changes"                # the batch files' name prefix (changes_YYYYMMDD.jsonl)
METHODS = (("card", "paypal", "gift_card"), (60, 30, 10))
CARRIERS = (("DHL", "UPS", "DPD", "GLS", "PostNL"), (35, 25, 20, 12, 8))
FAILED_PAYMENT_SHARE = 0.08     # first attempts that fail (the order is paid on a retry)
CANCELLED_AFTER_FAILURE = 0.5   # cancelled orders that tried to pay once, and failed
LATE_SHARE = 0.01               # a day's events that arrive in the next day's file
REPLAY_SHARE = 0.02             # the day before's last events, sent again
DISCONTINUE_FROM = 20           # the discontinued product is one of this many least popular
DISCONTINUE_DAY = 19            # ... deleted this many days after the first (or on the last)
HOUR_MS = 3_600_000
DAY_MS = 86_400_000
DIRTY_KINDS = (
    "missing_op", "unknown_op", "missing_ts_ms", "three_decimal_amount", "unknown_status",
    "garbage_timestamp", "missing_key", "not_an_object", "conflicting_duplicate",
)

_CONNECTOR = {"version": "2.7.0.Final", "connector": "mysql", "name": "shop", "db": "shop",
              "file": "binlog.000042"}
_PAYMENTS_SCHEMA_ROW = [
    {"type": "string", "optional": False, "field": "payment_id"},
    {"type": "string", "optional": False, "field": "order_id"},
    {"type": "string", "optional": False, "field": "method"},
    {"type": "bytes", "optional": False, "name": "org.apache.kafka.connect.data.Decimal",
     "version": 1, "parameters": {"scale": "2", "connect.decimal.precision": "12"}, "field": "amount"},
    {"type": "string", "optional": False, "field": "currency"},
    {"type": "string", "optional": False, "field": "status"},
    {"type": "int64", "optional": False, "name": "io.debezium.time.MicroTimestamp", "version": 1,
     "field": "created_at"},
]
PAYMENTS_SCHEMA = {
    "type": "struct", "optional": False, "name": "shop.public.payments.Envelope", "version": 1,
    "fields": [
        {"type": "struct", "optional": True, "name": "shop.public.payments.Value", "field": "before",
         "fields": _PAYMENTS_SCHEMA_ROW},
        {"type": "struct", "optional": True, "name": "shop.public.payments.Value", "field": "after",
         "fields": _PAYMENTS_SCHEMA_ROW},
        {"type": "struct", "optional": False, "name": "io.debezium.connector.mysql.Source",
         "field": "source", "fields": [
             {"type": "string", "optional": False, "field": "table"},
             {"type": "int64", "optional": False, "field": "ts_ms"},
             {"type": "int64", "optional": True, "field": "pos"}]},
        {"type": "string", "optional": False, "field": "op"},
        {"type": "int64", "optional": True, "field": "ts_ms"},
    ],
}


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _midnight_ms(day: date) -> int:
    return int(datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()) * 1000


def precise(cents: int) -> str:
    """Debezium's ``precise`` decimal of ``cents`` at scale 2: the unscaled value as
    big-endian two's-complement bytes, base64 (as Kafka Connect's JSON converter writes it)."""
    size = max(1, (cents.bit_length() + 8) // 8)
    return base64.b64encode(cents.to_bytes(size, "big", signed=True)).decode()


class Event:
    """One change event: when it happened, and the record a connector writes for it, as the
    JSON line written (kept serialised: a day's events wait in memory until its file is written)."""

    __slots__ = ("line", "ts_ms")

    def __init__(self, ts_ms: int, record: dict):
        self.ts_ms = ts_ms
        self.line = files.json_bytes(record)


def _envelope(table: str, op: str, before: dict | None, after: dict | None, ts_ms: int,
              position: int) -> dict:
    return {"before": before, "after": after,
            "source": {**_CONNECTOR, "table": table, "ts_ms": ts_ms, "pos": position},
            "op": op, "ts_ms": ts_ms + 40}


# --- one order's lifecycle ----------------------------------------------------------------------

class _Order:
    __slots__ = ("order_id", "placed_ms", "status", "total_cents", "user_id")

    def __init__(self, order_id, user_id, placed_ms, status, total_cents):
        self.order_id, self.user_id, self.placed_ms = order_id, user_id, placed_ms
        self.status, self.total_cents = status, total_cents


def day_orders(catalogue: Catalogue, day: date, transactions: int) -> list[_Order]:
    """The orders of ``day``'s clean transactions file: id, customer, time, status, total."""
    found: dict[str, _Order] = {}
    for record in orders_generator.day_records(catalogue, day, transactions):
        order_id = record["order_id"]
        cents = round(record["price"] * 100) * record["quantity"]
        order = found.get(order_id)
        if order is None:
            moment = datetime.fromisoformat(record["timestamp"])
            user = record["user"]
            found[order_id] = _Order(order_id, user["user_id"] if user else None,
                                     int(moment.timestamp()) * 1000, record["status"], cents)
        else:
            order.total_cents += cents
    return list(found.values())


def lifecycle(seed: int, order: _Order) -> list[Event]:
    """Every change event of one order, its payments and its shipment, in time order."""
    rng = random.Random(f"{seed}:changes:{order.order_id}")  # noqa: S311 - synthetic data
    events: list[Event] = []
    position = 0
    row = {"order_id": order.order_id, "user_id": order.user_id, "status": "placed",
           "created_at": _iso(order.placed_ms), "updated_at": _iso(order.placed_ms)}

    def emit(table: str, op: str, before, after, at: int, wrapped: bool = False) -> None:
        nonlocal position
        position += 1
        record = _envelope(table, op, before, after, at, at * 100 + position)
        if wrapped:
            record = {"schema": PAYMENTS_SCHEMA, "payload": record}
        events.append(Event(at, record))

    def order_becomes(status: str, at: int) -> None:
        nonlocal row
        before = row
        row = {**row, "status": status, "updated_at": _iso(at)}
        emit("orders", "u", before, row, at)

    def payment(status: str, method: str, at: int) -> dict:
        return {"payment_id": f"PAY-{order.order_id[4:]}-{position + 1:02d}",
                "order_id": order.order_id, "method": method, "amount": precise(order.total_cents),
                "currency": "EUR", "status": status, "created_at": at * 1000}

    def pick(options) -> str:
        return rng.choices(options[0], weights=options[1])[0]

    emit("orders", "c", None, row, order.placed_ms)
    at = order.placed_ms
    if order.status == "cancelled":
        if rng.random() < CANCELLED_AFTER_FAILURE:
            at += rng.randint(2, 15) * 60_000
            emit("payments", "c", None, payment("failed", pick(METHODS), at), at, wrapped=True)
        order_becomes("cancelled", at + rng.randint(30, 1800) * 60_000)
        return events
    if rng.random() < FAILED_PAYMENT_SHARE:
        at += rng.randint(1, 10) * 60_000
        emit("payments", "c", None, payment("failed", pick(METHODS), at), at, wrapped=True)
    at += rng.randint(1, 20) * 60_000
    paid = payment("authorised", pick(METHODS), at)
    emit("payments", "c", None, paid, at, wrapped=True)
    at += rng.randint(1, 30) * 60_000
    captured = {**paid, "status": "captured"}
    emit("payments", "u", paid, captured, at, wrapped=True)
    order_becomes("paid", at)
    at += rng.randint(4 * 60, 48 * 60) * 60_000
    shipment = {"shipment_id": f"SHP-{order.order_id[4:]}", "order_id": order.order_id,
                "carrier": pick(CARRIERS), "shipped_at": at, "delivered_at": None}
    emit("shipments", "c", None, shipment, at)
    order_becomes("shipped", at)
    at += rng.randint(18 * 60, 120 * 60) * 60_000
    emit("shipments", "u", shipment, {**shipment, "delivered_at": at}, at)
    order_becomes("delivered", at)
    if order.status == "refunded":
        at += rng.randint(24 * 60, 240 * 60) * 60_000
        emit("payments", "u", captured, {**captured, "status": "refunded"}, at, wrapped=True)
        order_becomes("refunded", at)
    return events


# --- products -------------------------------------------------------------------------------------

def _product_row(snapshot: dict) -> dict:
    return {"product_id": snapshot["product_id"], "name": snapshot["name"],
            "category": snapshot["category"], "unit_price": f"{snapshot['unit_price']:.2f}"}


def discontinued(catalogue: Catalogue) -> int:
    """The index of the product discontinued (one of the least popular)."""
    rng = random.Random(f"{catalogue.seed}:changes:discontinued")  # noqa: S311 - synthetic data
    return len(catalogue.products) - 1 - rng.randrange(DISCONTINUE_FROM)


def product_events(catalogue: Catalogue, start: date, end: date, day: date) -> list[Event]:
    """The products' change events of ``day``: the snapshot read on the first day, price and
    category changes at midnight (as the order lines see them), the discontinued product."""
    midnight = _midnight_ms(day)
    gone = discontinued(catalogue)
    gone_day = min(start + timedelta(days=DISCONTINUE_DAY), end)
    events = []
    for index, product in enumerate(catalogue.products):
        if index == gone and day > gone_day:
            continue
        now = _product_row(catalogue.product_snapshot(product, day))
        if day == start:
            events.append(Event(midnight, _envelope("products", "r", None, now, midnight,
                                                    midnight * 100 + index)))
            continue
        before = _product_row(catalogue.product_snapshot(product, day - timedelta(days=1)))
        if before != now:
            events.append(Event(midnight, _envelope("products", "u", before, now, midnight,
                                                    midnight * 100 + index)))
        if index == gone and day == gone_day:
            at = midnight + 12 * HOUR_MS
            events.append(Event(at, _envelope("products", "d", now, None, at, at * 100 + index)))
    if day == start == gone_day:
        at = midnight + 12 * HOUR_MS
        row = _product_row(catalogue.product_snapshot(catalogue.products[gone], day))
        events.append(Event(at, _envelope("products", "d", row, None, at, at * 100 + gone)))
    return events


# --- the days' files --------------------------------------------------------------------------------

def day_events(catalogue: Catalogue, start: date, end: date, transactions: int,
               dirty_rate: float = 0.0) -> Iterator[tuple[date, list]]:
    """(day, its file's lines) for every day from ``start`` to ``end``, in order.

    Each transactions day is drawn once; its orders' lifecycles are put in the buckets of
    the days their events happen. A day's file is complete once the order lines of two days
    later are drawn (a late line is at most two days late). Each line is one record's JSON
    (bytes).
    """
    buckets: dict[date, list[Event]] = defaultdict(list)
    first_ms = _midnight_ms(start)
    drawn = start - timedelta(days=1)
    previous: list = []
    late: list[Event] = []
    for day in files.days_between(start, end):
        while drawn < min(day + timedelta(days=2), end):
            drawn += timedelta(days=1)
            for order in day_orders(catalogue, drawn, transactions):
                for event in lifecycle(catalogue.seed, order):
                    moment = datetime.fromtimestamp(max(event.ts_ms, first_ms) / 1000, UTC).date()
                    if moment <= end:
                        buckets[moment].append(event)
        rng = random.Random(f"{catalogue.seed}:changes:{start.isoformat()}:{day.isoformat()}")  # noqa: S311
        events = product_events(catalogue, start, end, day) + buckets.pop(day, [])
        events.sort(key=lambda event: event.ts_ms)
        kept, next_late = [], []
        for event in events:
            (next_late if day < end and rng.random() < LATE_SHARE else kept).append(event)
        for event in late:       # yesterday's late events, each somewhere in today's file
            kept.insert(rng.randrange(len(kept) + 1), event)
        late = next_late
        lines = [event.line for event in kept]
        replay = previous[len(previous) - int(len(previous) * REPLAY_SHARE):] if previous else []
        day_lines = replay + lines
        if dirty_rate:
            day_lines = _broken_some(day_lines, dirty_rate, rng)
        previous = lines
        yield day, day_lines


def _broken_some(lines: list[bytes], dirty_rate: float, rng: random.Random) -> list[bytes]:
    out: list[bytes] = []
    for line in lines:
        if rng.random() < dirty_rate:
            out.append(_json_line(_make_dirty(rng, orjson.loads(line), out)))
        else:
            out.append(line)
    return out


def _payload(record: dict) -> dict:
    return record.get("payload", record)


def _make_dirty(rng: random.Random, record: dict, earlier: list):
    """A copy of ``record`` broken in one of several ways (or a conflicting copy of an earlier one)."""
    kind = rng.choice(DIRTY_KINDS)
    bad = copy.deepcopy(record)
    payload = _payload(bad)
    row = payload.get("after") or payload.get("before") or {}
    if kind == "conflicting_duplicate":
        objects = [record for record in map(orjson.loads, earlier[-50:]) if isinstance(record, dict)]
        if objects:
            bad = copy.deepcopy(rng.choice(objects))
            payload = _payload(bad)
            payload["ts_ms"] = payload.get("ts_ms", 0) + 1
            (payload.get("after") or payload.get("before") or {})["dirty"] = True
            return bad
        kind = "missing_op"
    if kind == "missing_op":
        del payload["op"]
    elif kind == "unknown_op":
        payload["op"] = "x"
    elif kind == "missing_ts_ms":
        del payload["source"]["ts_ms"]
    elif kind == "three_decimal_amount":
        if "amount" in row:
            row["amount"] = "12.345"
            bad = payload          # without the schema, a decimal string
        elif "unit_price" in row:
            row["unit_price"] = "9.999"
        else:
            row["status"] = "lost"
    elif kind == "unknown_status" and "status" in row:
        row["status"] = "lost"
    elif kind == "garbage_timestamp" and ("created_at" in row or "shipped_at" in row):
        row["created_at" if "created_at" in row else "shipped_at"] = "yesterday-ish"
    elif kind == "missing_key":
        for key in ("order_id", "payment_id", "shipment_id", "product_id"):
            if key in row and not (key == "order_id" and payload["source"]["table"] != "orders"):
                del row[key]
                break
    else:
        return '"not an object"'
    return bad


def batch_path(out_dir: Path, day: date) -> Path:
    """Where ``day``'s file goes: ``out_dir/changes_YYYYMMDD.jsonl``."""
    return files.daily_batch_path(out_dir, KIND, day, ".jsonl")


def _json_line(record) -> bytes:
    return record.encode() if isinstance(record, str) else files.json_bytes(record)


def generate(start: date, end: date, transactions: int, seed: int, out_dir: Path,
             dirty_rate: float = 0.0, on_file: Callable[[Path, int], None] | None = None,
             on_line: Callable[[int], None] | None = None,
             catalogue: Catalogue | None = None) -> list[tuple[Path, int]]:
    """Write one changes file per day from ``start`` to ``end``; return (path, events) of each."""
    catalogue = catalogue or build_catalogue(seed)
    written = []
    total = 0
    for day, lines in day_events(catalogue, start, end, transactions, dirty_rate):
        target = batch_path(out_dir, day)
        on_count = None if on_line is None else (lambda seen, before=total: on_line(before + seen))

        def write(out, lines=lines, on_count=on_count) -> int:
            return files.write_json_lines(out, iter(lines), on_count)
        count = files.write_atomically(target, write)
        total += count
        written.append((target, count))
        if on_file:
            on_file(target, count)
    return written
