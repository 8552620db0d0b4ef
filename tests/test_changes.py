"""The ``changes`` kind: Debezium change events → Silver current state → SCD2, the lifecycle.

What a user relies on: the contract takes Debezium's formats as a connector writes them
(bare payload or the schema wrapper, precise decimals, epoch times) and decodes money to
the exact cent; the merge follows event time, not load order (any order of the same files
gives the same Silver, SCD2 history and lifecycle; a replay changes nothing; a late,
older event never overwrites newer state; a delete stays deleted); and a generated month's
lifecycle reconciles with the order lines.
"""

from __future__ import annotations

import base64
import itertools
import json
import random
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from conftest import depth, rows
from ecommerce_warehouse import sqlfiles
from ecommerce_warehouse.generate import changes as changes_generator
from ecommerce_warehouse.pipeline import PipelineOptions, run_pipeline
from ecommerce_warehouse.sources.changes import contract

HOUR = 3_600_000
T0 = int(datetime(2025, 3, 1, 9, tzinfo=UTC).timestamp() * 1000)


def iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def event(table: str, op: str, row: dict, ts: int, lsn: int, before: dict | None = None) -> dict:
    return {"before": before if op != "d" else (before or row), "after": None if op == "d" else row,
            "op": op, "source": {"table": table, "ts_ms": ts, "lsn": lsn}, "ts_ms": ts + 7}


def order(status: str, at: int, created: int = T0, order_id: str = "ORD-1") -> dict:
    return {"order_id": order_id, "user_id": "U1", "status": status, "created_at": iso(created),
            "updated_at": iso(at)}


def product(price: str, category: str = "Books", at_name: str = "Atlas") -> dict:
    return {"product_id": "P0001", "name": at_name, "category": category, "unit_price": price}


def payment(status: str, cents: int, at: int, payment_id: str = "PAY-1") -> dict:
    return {"payment_id": payment_id, "order_id": "ORD-1", "method": "card",
            "amount": f"{cents // 100}.{cents % 100:02d}", "currency": "EUR", "status": status,
            "created_at": iso(at)}


def write(path: Path, records: list) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    return path


def precise(cents: int, scale: int = 2) -> str:
    size = max(1, (cents.bit_length() + 8) // 8)
    return base64.b64encode(cents.to_bytes(size, "big", signed=True)).decode()


def wrapped(record: dict, amount_scale: int = 2, created_name: str = "io.debezium.time.MicroTimestamp") -> dict:
    fields = [{"field": "amount", "type": "bytes", "name": "org.apache.kafka.connect.data.Decimal",
               "parameters": {"scale": str(amount_scale)}},
              {"field": "created_at", "type": "int64", "name": created_name}]
    schema = {"type": "struct", "fields": [{"field": "before", "type": "struct", "fields": fields},
                                           {"field": "after", "type": "struct", "fields": fields}]}
    return {"schema": schema, "payload": record}


def columns(value) -> dict:
    found, rejection = contract.check(value)
    assert rejection is None, rejection
    return dict(zip(contract.COLUMNS, found))


def rejected(value) -> tuple[str, str | None]:
    _, rejection = contract.check(value)
    assert rejection is not None
    return rejection.code, rejection.field


# --- the contract ----------------------------------------------------------------------------

@pytest.mark.parametrize("cents", [0, 1, 99, 100, 1234, 12_345_678_901_23, 2**40 + 7])
def test_precise_decimals_decode_to_the_exact_cents(cents):
    record = wrapped(event("payments", "c", {**payment("captured", 0, T0), "amount": precise(cents),
                                             "created_at": T0 * 1000}, T0, 1))
    assert columns(record)["amount_cents"] == cents


def test_precise_decimals_of_other_scales_and_their_limits():
    three = wrapped(event("payments", "c", {**payment("captured", 0, T0), "amount": precise(12340),
                                            "created_at": T0 * 1000}, T0, 1), amount_scale=3)
    assert columns(three)["amount_cents"] == 1234                # 12.340
    zero = wrapped(event("payments", "c", {**payment("captured", 0, T0), "amount": precise(12),
                                           "created_at": T0 * 1000}, T0, 1), amount_scale=0)
    assert columns(zero)["amount_cents"] == 1200                 # 12
    odd = wrapped(event("payments", "c", {**payment("captured", 0, T0), "amount": precise(12345),
                                          "created_at": T0 * 1000}, T0, 1), amount_scale=3)
    assert rejected(odd) == ("too_many_decimals", "after.amount")  # 12.345
    negative = wrapped(event("payments", "c", {**payment("captured", 0, T0), "amount": precise(-5),
                                               "created_at": T0 * 1000}, T0, 1))
    assert rejected(negative) == ("out_of_range", "after.amount")
    not_base64 = wrapped(event("payments", "c", {**payment("captured", 0, T0), "amount": "%%%",
                                                 "created_at": T0 * 1000}, T0, 1))
    assert rejected(not_base64) == ("bad_amount", "after.amount")


def test_money_as_numbers_and_decimal_strings():
    def amount(value):
        return columns(event("payments", "c", {**payment("captured", 0, T0), "amount": value}, T0, 1))["amount_cents"]
    assert amount(12.5) == 1250
    assert amount("0.07") == 7
    assert amount(19) == 1900
    assert amount("12345678901.99") == 1234567890199
    assert rejected(event("payments", "c", {**payment("captured", 0, T0), "amount": "1.005"}, T0, 1)) == (
        "too_many_decimals", "after.amount")
    assert rejected(event("products", "u", product("1.999"), T0, 1)) == ("too_many_decimals", "after.unit_price")
    assert rejected(event("products", "u", product("ten"), T0, 1)) == ("bad_amount", "after.unit_price")


def test_times_iso_or_debezium_epochs():
    micro = wrapped(event("payments", "c", {**payment("captured", 100, T0), "amount": precise(100),
                                            "created_at": T0 * 1000 + 123}, T0, 1))
    assert columns(micro)["payment_created_at"] == "2025-03-01T09:00:00.000123Z"
    milli = wrapped(event("payments", "c", {**payment("captured", 100, T0), "amount": precise(100),
                                            "created_at": T0 + 5}, T0, 1),
                    created_name="io.debezium.time.Timestamp")
    assert columns(milli)["payment_created_us"] == (T0 + 5) * 1000
    bare_ms = event("shipments", "c", {"shipment_id": "S1", "order_id": "ORD-1", "carrier": "DHL",
                                       "shipped_at": T0}, T0, 1)
    found = columns(bare_ms)
    assert found["shipped_at"] == "2025-03-01T09:00:00.000000Z" and found["shipped_date_key"] == 20250301
    offset = event("orders", "c", {**order("placed", T0), "created_at": "2025-03-01T10:30:00+01:30"}, T0, 1)
    assert columns(offset)["order_created_at"] == "2025-03-01T09:00:00.000000Z"
    assert rejected(event("orders", "c", {**order("placed", T0), "created_at": "soon"}, T0, 1)) == (
        "bad_timestamp", "after.created_at")


def test_the_envelope_rules():
    base = event("orders", "c", order("placed", T0), T0, 42)
    found = columns(base)
    identity = ("table_name", "row_key", "source_ts_ms", "source_position")
    assert ([found[name] for name in identity], found["op"], found["change_ts"]) == (
        ["orders", "ORD-1", T0, 42], "c", "2025-03-01T09:00:00.000000Z")
    assert "change_id" not in found     # not stored: raw_changes_received makes it from these
    unwrapped = columns({"schema": {"type": "struct"}, "payload": base})
    assert [unwrapped[name] for name in identity] == [found[name] for name in identity]
    assert rejected({**base, "op": "t"}) == ("unknown_op", "op")
    assert rejected({k: v for k, v in base.items() if k != "op"}) == ("missing_field", "op")
    assert rejected({**base, "source": {"table": "orders"}}) == ("missing_field", "source.ts_ms")
    assert rejected({**base, "after": {**order("placed", T0), "status": "lost"}}) == (
        "unknown_status", "after.status")
    assert rejected({**base, "after": {"user_id": "U1"}}) == ("missing_field", "after.order_id")
    assert rejected({**base, "op": "d", "before": None}) == ("missing_field", "before")
    assert rejected([base]) == ("not_an_object", None)
    delete = columns(event("orders", "d", {"order_id": "ORD-1"}, T0 + 1, 43))
    assert (delete["op"], delete["row_key"], delete["order_status"]) == ("d", "ORD-1", None)
    unknown = columns(event("coupons", "c", {"code": "X"}, T0, 44))
    assert unknown["known_table"] == 0 and unknown["table_name"] == "coupons"


# --- loading and merging -----------------------------------------------------------------------

def load(db: Path, *files: Path):
    options = PipelineOptions(db=str(db), start=date(2025, 3, 1), end=date(2025, 3, 1), seed=1,
                              transactions=0, raw_dir=db.parent / "raw", inputs=tuple(files))
    return run_pipeline(options)


def model_rows(db: Path) -> dict[str, list]:
    """Every row of the tables the merge builds, without what depends on load order
    (surrogate keys given in load order, the time the transform wrote a row)."""
    return {
        "silver_orders_current": rows(db, "select * from silver_orders_current order by 1"),
        "silver_payments_current": rows(db, "select * from silver_payments_current order by 1"),
        "silver_shipments_current": rows(db, "select * from silver_shipments_current order by 1"),
        "silver_products_current": rows(db, "select * from silver_products_current order by 1"),
        "dim_products_history": rows(db, "select product_id, version_ts_ms, version_position, valid_from, "
                                         "valid_to, is_current, product_name, category, unit_price_cents "
                                         "from dim_products_history order by 1, 2, 3"),
        "fact_order_lifecycle": [r[:-1] for r in rows(db, "select * from fact_order_lifecycle order by 1")],
        "fact_payments": rows(db, "select payment_id, order_id, date_key, method, amount_cents, currency, "
                                  "status, created_at from fact_payments order by 1"),
        "fact_order_status_daily": rows(db, "select * from fact_order_status_daily order by 1, 2"),
    }


@pytest.fixture
def change_files(tmp_path: Path) -> list[Path]:
    """Four files of one order's and one product's life: the creation and a snapshot; the
    payment, shipping and a price change; the delivery, a late event (an update older than
    the state it would change) and the product's discontinuation; a replay of the second
    file's events (at-least-once delivery), byte for byte, with one late payment attempt."""
    folder = tmp_path / "files"
    folder.mkdir()
    placed, paid, shipped, delivered = T0, T0 + HOUR, T0 + 20 * HOUR, T0 + 50 * HOUR
    first = [event("orders", "c", order("placed", placed), placed, 1),
             event("products", "r", product("10.00"), T0 - 9 * HOUR, 2)]
    second = [event("payments", "c", payment("authorised", 2000, paid - 60_000), paid - 60_000, 3),
              event("payments", "u", payment("captured", 2000, paid - 60_000), paid, 4),
              event("orders", "u", order("paid", paid), paid, 5),
              event("products", "u", product("12.00"), T0 + 2 * HOUR, 6),
              event("shipments", "c", {"shipment_id": "SH-1", "order_id": "ORD-1", "carrier": "UPS",
                                       "shipped_at": shipped, "delivered_at": None}, shipped, 7),
              event("orders", "u", order("shipped", shipped), shipped, 8)]
    third = [event("shipments", "u", {"shipment_id": "SH-1", "order_id": "ORD-1", "carrier": "UPS",
                                      "shipped_at": shipped, "delivered_at": delivered}, delivered, 9),
             event("orders", "u", order("delivered", delivered), delivered, 10),
             # late: an update of the order older than its delivery (must not win)
             event("orders", "u", order("paid", paid + 5), paid + 5, 5_000),
             event("products", "u", product("11.00", "Travel"), T0 + 30 * HOUR, 11),
             event("products", "d", product("11.00", "Travel"), T0 + 60 * HOUR, 12)]
    fourth = second[2:] + [event("payments", "c", payment("failed", 2000, paid - 600_000, "PAY-0"),
                                 paid - 600_000, 2_000)]
    return [write(folder / f"changes_2025030{n}.jsonl", records)
            for n, records in enumerate((first, second, third, fourth), start=1)]


def test_every_load_order_gives_the_same_silver_history_and_lifecycle(tmp_path, change_files):
    outcomes = []
    for number, order_ in enumerate(itertools.permutations(change_files)):
        db = tmp_path / f"p{number}" / "w.db"
        for path in order_:                       # one file per run: an incremental merge each time
            load(db, path)
        outcomes.append(model_rows(db))
    together = tmp_path / "all" / "w.db"
    load(together, *change_files)
    expected = model_rows(together)
    assert all(outcome == expected for outcome in outcomes)
    lifecycle = rows(together, "select current_status, placed_to_paid_hours, paid_to_shipped_hours, "
                               "shipped_to_delivered_hours, carrier, captured_cents, paid_date_key, "
                               "refunded_date_key from fact_order_lifecycle")
    assert lifecycle == [("delivered", 1.0, 19.0, 30.0, "UPS", 2000, 20250301, -1)]
    # the replay was counted, not loaded twice
    assert rows(together, "select count(*) from raw_changes where load_status = 'duplicate'") == [(4,)]
    history = rows(together, "select valid_from, valid_to, is_current, unit_price_cents, category "
                             "from dim_products_history order by valid_from")
    assert history == [
        ("2025-03-01T00:00:00.000000Z", "2025-03-01T11:00:00.000000Z", 0, 1000, "Books"),
        ("2025-03-01T11:00:00.000000Z", "2025-03-02T15:00:00.000000Z", 0, 1200, "Books"),
        ("2025-03-02T15:00:00.000000Z", "2025-03-03T21:00:00.000000Z", 0, 1100, "Travel"),
    ]
    assert rows(together, "select status, amount_cents from fact_payments order by payment_id") == [
        ("failed", 2000), ("captured", 2000)]
    daily = {(d, s): n for d, s, n in rows(together, "select * from fact_order_status_daily")}
    assert (daily[(20250301, "paid")], daily[(20250302, "shipped")], daily[(20250303, "delivered")]) == (1, 1, 1)


# Generated days loaded out of order: quick, three of the 23 other orders; deep, all of them.
GENERATED_ORDERS = depth(3, 23)


def test_generated_days_in_any_order_give_the_same_model(tmp_path):
    """Four generated days (late events, a replay each day, failed payments, a discontinued
    product, dirty events), one file per run in other orders: the same Silver, SCD2 history
    and lifecycle as in date order."""
    written = [path for path, _ in changes_generator.generate(date(2025, 3, 18), date(2025, 3, 21), 30, 9,
                                                             tmp_path / "raw", dirty_rate=0.03)]
    in_order = tmp_path / "in_order" / "w.db"
    for path in written:
        load(in_order, path)
    expected = model_rows(in_order)
    assert expected["fact_order_lifecycle"] and expected["dim_products_history"]
    orders = list(itertools.permutations(written))[1:]        # every order but the date order
    random.Random(4).shuffle(orders)
    for number, order_ in enumerate(orders[:GENERATED_ORDERS]):
        db = tmp_path / f"o{number}" / "w.db"
        for path in order_:
            load(db, path)
        assert model_rows(db) == expected, [p.name for p in order_]


def test_a_delete_followed_by_an_older_update_stays_deleted(tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    deleted = write(folder / "changes_20250302.jsonl", [
        event("products", "r", product("10.00"), T0, 1),
        event("orders", "c", order("placed", T0), T0, 2),
        event("orders", "d", {"order_id": "ORD-1"}, T0 + 5 * HOUR, 3),
        event("products", "d", product("10.00"), T0 + 5 * HOUR, 4)])
    older = write(folder / "changes_20250303.jsonl", [
        event("orders", "u", order("paid", T0 + HOUR), T0 + HOUR, 5),
        event("products", "u", product("15.00"), T0 + 2 * HOUR, 6)])
    db = tmp_path / "w.db"
    load(db, deleted)
    load(db, older)
    assert rows(db, "select status, is_deleted from silver_orders_current") == [(None, 1)]
    assert rows(db, "select is_deleted, unit_price_cents from silver_products_current") == [(1, 1000)]
    assert rows(db, "select count(*) from fact_order_lifecycle") == [(0,)]
    # the late update still takes its place in the history, but nothing is current
    assert rows(db, "select unit_price_cents, is_current, valid_to from dim_products_history "
                    "order by valid_from") == [
        (1000, 0, "2025-03-01T11:00:00.000000Z"), (1500, 0, "2025-03-01T14:00:00.000000Z")]


def test_unknown_tables_are_kept_and_reported_and_bad_events_quarantined(tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    path = write(folder / "changes_20250301.jsonl", [
        event("orders", "c", order("placed", T0), T0, 1),
        event("coupons", "c", {"code": "SPRING"}, T0, 2),
        {**event("orders", "c", order("placed", T0), T0, 3), "op": "x"},
        event("orders", "c", order("placed", T0), T0, 1)])        # the same event again
    db = tmp_path / "w.db"
    result = load(db, path)
    (loaded,) = result.files
    assert (loaded.records_read, loaded.records_loaded, loaded.duplicates_skipped, loaded.records_rejected) == (4, 2, 1, 1)
    assert rows(db, "select source, reason_code, field from rejected_records") == [("changes", "unknown_op", "op")]
    warned = {c.name: c for c in result.transform.checks}["changes_unknown_tables"]
    assert warned.status == "warn" and warned.sample[0]["table_name"] == "coupons"
    assert rows(db, "select table_name, known_table from raw_changes where load_status = 'loaded' "
                    "order by raw_id") == [("orders", 1), ("coupons", 0)]


# --- the generated data ------------------------------------------------------------------------------

def test_a_generated_fortnight_reconciles_with_the_order_lines(tmp_path):
    options = PipelineOptions(db=str(tmp_path / "w.db"), start=date(2025, 3, 1), end=date(2025, 3, 14),
                              seed=3, transactions=60, raw_dir=tmp_path / "raw", events=False)
    result = run_pipeline(options)
    db = tmp_path / "w.db"
    # every order of the order lines has its lifecycle, and no other order has one
    assert rows(db, "select count(distinct order_id) from fact_orders") == rows(
        db, "select count(*) from fact_order_lifecycle")
    assert rows(db, "select count(*) from fact_order_lifecycle as l where not exists "
                    "(select 1 from fact_orders as f where f.order_id = l.order_id)") == [(0,)]
    # the items total is the order's lines, to the cent
    assert rows(db, "select count(*) from fact_order_lifecycle as l where items_total_cents <> "
                    "(select sum(total_amount_cents) from fact_orders as f where f.order_id = l.order_id)") == [(0,)]
    # the lines' status and the lifecycle agree: completed orders are delivered or still on
    # their way, cancelled ones cancelled, refunded ones refunded or awaiting their refund
    pairs = set(rows(db, "select distinct f.status, l.current_status from fact_order_lifecycle as l "
                         "join fact_orders as f on f.order_id = l.order_id"))
    assert pairs <= {("completed", "delivered"), ("completed", "shipped"), ("completed", "paid"),
                     ("cancelled", "cancelled"), ("refunded", "refunded"), ("refunded", "delivered"),
                     ("refunded", "shipped"), ("refunded", "paid")}
    assert ("completed", "delivered") in pairs and ("cancelled", "cancelled") in pairs
    # captured money equals the net revenue of every delivered order, except those whose
    # refund the order lines already know and the change stream has not brought yet: the
    # check reports exactly those
    differing = rows(db, "select l.order_id from fact_order_lifecycle as l "
                         "join fact_orders as f on f.order_id = l.order_id "
                         "where l.current_status in ('delivered', 'refunded') "
                         "group by l.order_id, l.captured_cents "
                         "having l.captured_cents <> sum(case when f.status = 'completed' "
                         "then f.total_amount_cents else 0 end) order by 1")
    awaiting = rows(db, "select distinct l.order_id from fact_order_lifecycle as l join fact_orders as f "
                        "on f.order_id = l.order_id where f.status = 'refunded' "
                        "and l.current_status = 'delivered' order by 1")
    assert differing == awaiting
    check = {c.name: c for c in result.transform.checks}["payments_match_order_revenue"]
    assert check.failing_rows == len(awaiting)
    # the periodic snapshot's last day counts every order once
    assert rows(db, "select sum(orders) from fact_order_status_daily where date_key = 20250314") == rows(
        db, "select count(*) from fact_order_lifecycle")
    # payments failed and were retried; a product was discontinued; late events and a replay
    assert rows(db, "select count(*) > 0 from fact_payments where status = 'failed'") == [(1,)]
    assert rows(db, "select count(*) from silver_products_current where is_deleted = 1") == [(1,)]
    assert rows(db, "select sum(duplicates_skipped) > 0 from etl_files where source = 'changes'") == [(1,)]


def test_an_order_line_joins_the_product_version_of_its_order_time(tmp_path):
    options = PipelineOptions(db=str(tmp_path / "w.db"), start=date(2025, 3, 1), end=date(2025, 3, 14),
                              seed=3, transactions=60, raw_dir=tmp_path / "raw", events=False)
    run_pipeline(options)
    db = tmp_path / "w.db"
    joined = rows(db, "select count(*), sum(case when h.unit_price_cents = (select r.product_unit_price_cents "
                      "from raw_transactions as r where r.transaction_id = f.transaction_id) then 1 else 0 end) "
                      "from fact_orders as f join dim_products as p on p.product_key = f.product_key "
                      "join dim_products_history as h on h.product_id = p.product_id "
                      "and h.valid_from <= f.order_timestamp and f.order_timestamp < h.valid_to "
                      "where f.order_timestamp >= '2025-03-01'")
    total = rows(db, "select count(*) from fact_orders where order_timestamp >= '2025-03-01'")
    (count, same_price), = joined
    assert count == total[0][0]          # every line finds exactly one version ...
    assert same_price == count           # ... with the list price the line itself carried


def test_the_generator_is_deterministic_and_breaks_records_when_asked(tmp_path):
    first = changes_generator.generate(date(2025, 3, 1), date(2025, 3, 3), 40, 5, tmp_path / "a")
    second = changes_generator.generate(date(2025, 3, 1), date(2025, 3, 3), 40, 5, tmp_path / "b")
    assert [p.read_bytes() for p, _ in first] == [p.read_bytes() for p, _ in second]
    dirty = changes_generator.generate(date(2025, 3, 1), date(2025, 3, 3), 40, 5, tmp_path / "c",
                                       dirty_rate=0.1)
    verdicts = [contract.check(json.loads(line))[1] for path, _ in dirty
                for line in path.read_text().splitlines()]
    codes = {rejection.code for rejection in verdicts if rejection is not None}
    assert len(codes) >= 4 and codes <= set(contract.REASON_CODES)


# --- the published JSON Schema agrees with the contract ---------------------------------------------

SCHEMA = json.loads((Path(__file__).resolve().parents[1] / "docs" / "change.schema.json").read_text("utf-8"))
# what JSON Schema cannot express (docs/change.schema.json says so): the row image's columns
# by table, money and times
BEYOND_SCHEMA = {"missing_field", "wrong_type", "unknown_status", "too_many_decimals", "bad_amount",
                 "bad_timestamp", "out_of_range"}


def schema_accepts(record) -> bool:
    import jsonschema
    return jsonschema.Draft202012Validator(SCHEMA).is_valid(record)


def test_the_json_schema_accepts_every_generated_change_event(tmp_path):
    written = changes_generator.generate(date(2025, 3, 1), date(2025, 3, 2), 30, 2, tmp_path)
    records = [json.loads(line) for path, _ in written for line in path.read_text().splitlines()]
    assert len(records) > 100 and all(schema_accepts(record) for record in records)


VALID = event("orders", "c", order("placed", T0), T0, 1)


@pytest.mark.parametrize("record", [
    VALID, {"schema": None, "payload": VALID}, event("orders", "d", {"order_id": "O"}, T0, 2),
    event("coupons", "c", {"x": 1}, T0, 3), {**VALID, "op": "t"}, {**VALID, "op": None},
    {**VALID, "source": {"table": "orders"}}, {**VALID, "source": {"table": "", "ts_ms": T0}},
    {**VALID, "source": {"table": "orders", "ts_ms": "soon"}}, {**VALID, "after": None},
    {**VALID, "op": "d", "before": None}, {"payload": [VALID]}, [VALID],
    {**VALID, "source": {"table": "orders", "ts_ms": T0, "lsn": -1}},
])
def test_the_json_schema_agrees_with_the_contract(record):
    _, rejection = contract.check(record)
    if rejection is None:
        assert schema_accepts(record), "the contract accepts what the schema refuses"
    elif rejection.code not in BEYOND_SCHEMA or rejection.field in ("op", "source.ts_ms", "source.table",
                                                                     "after", "before", "payload"):
        assert not schema_accepts(record), f"the schema lets through a {rejection.code}"


SQLITE_TWINS = ("transform/silver_orders_current", "transform/silver_payments_current",
                "transform/silver_shipments_current", "transform/fact_order_status_daily")


def test_the_sqlite_merge_twins_give_what_the_portable_files_give(tmp_path, monkeypatch):
    """The SQLite twins of the orders', payments' and shipments' merges (every event offered
    to the upsert, newest first) and of the daily snapshot (each milestone's next one from
    the order's own row, no window) change the same rows, count the same and lead to the same
    facts and keys as the portable files every other engine
    runs: four generated days, one run each, out of date order (late events, replays)."""
    written = [path for path, _ in changes_generator.generate(date(2025, 3, 18), date(2025, 3, 21), 30, 9,
                                                             tmp_path / "raw", dirty_rate=0.03)]
    runs = [written[2], written[0], written[3], written[1]]

    def build(db: Path) -> tuple[dict, list, list]:
        changed = [load(db, path).transform.changed for path in runs]
        keys = rows(db, "select payment_key, payment_id from fact_payments order by payment_key")
        return model_rows(db), keys, changed

    twin = build(tmp_path / "twin" / "w.db")
    original = sqlfiles.sql_file

    def portable(name: str, engine: str):
        return original(name, "portable") if name in SQLITE_TWINS else original(name, engine)

    monkeypatch.setattr(sqlfiles, "sql_file", portable)
    sqlfiles.statements.cache_clear()
    try:
        assert build(tmp_path / "portable" / "w.db") == twin
    finally:
        sqlfiles.statements.cache_clear()
    assert twin[0]["fact_payments"] and twin[2][0]["silver_orders_current"]
