"""The input contract: every kind of invalid record is quarantined with its reason and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import load, rows

ABSENT = object()


def valid(tid: str = "TX-1", **changes) -> dict:
    record = {
        "transaction_id": tid, "order_id": f"O-{tid}", "timestamp": "2025-03-01T10:00:00Z",
        "status": "completed", "quantity": 2, "price": 12.5,
        "user": {"user_id": "U1", "name": "Ann Lee", "email": "ann@example.com",
                 "registration_date": "2024-01-05"},
        "product": {"product_id": "P1", "name": "Mug", "category": "Home", "unit_price": 12.5},
    }
    for key, value in changes.items():
        if value is ABSENT:
            del record[key]
        else:
            record[key] = value
    return record


def with_user(**changes) -> dict:
    record = valid("TX-BAD")
    record["user"].update(changes)
    return record


def with_product(**changes) -> dict:
    record = valid("TX-BAD")
    record["product"].update(changes)
    return record


def write_lines(tmp_path: Path, name: str, *texts: str) -> Path:
    path = tmp_path / name
    path.write_text("".join(t + "\n" for t in texts), encoding="utf-8")
    return path


def fact_ids(db: Path) -> list[str]:
    return [tid for (tid,) in rows(db, "select transaction_id from fact_orders order by transaction_id")]


BAD_RECORDS = [
    pytest.param(valid("TX-BAD", transaction_id=ABSENT), "missing_field", "transaction_id",
                 id="missing-transaction_id"),
    pytest.param(valid("TX-BAD", transaction_id=""), "missing_field", "transaction_id",
                 id="empty-transaction_id"),
    pytest.param(valid("TX-BAD", transaction_id="   "), "missing_field", "transaction_id",
                 id="blank-transaction_id"),
    pytest.param(valid("TX-BAD", transaction_id=17), "wrong_type", "transaction_id",
                 id="number-transaction_id"),
    pytest.param(valid("TX-BAD", quantity=0), "out_of_range", "quantity", id="quantity-0"),
    pytest.param(valid("TX-BAD", quantity=-1), "out_of_range", "quantity", id="quantity-minus-1"),
    pytest.param(valid("TX-BAD", quantity="2"), "wrong_type", "quantity", id="quantity-string"),
    pytest.param(valid("TX-BAD", quantity=2.5), "wrong_type", "quantity", id="quantity-2.5"),
    pytest.param(valid("TX-BAD", quantity=True), "wrong_type", "quantity", id="quantity-true"),
    pytest.param(valid("TX-BAD", quantity=2**63), "out_of_range", "quantity", id="quantity-2**63"),
    pytest.param(valid("TX-BAD", quantity=ABSENT), "missing_field", "quantity", id="quantity-missing"),
    pytest.param(valid("TX-BAD", price=-0.01), "out_of_range", "price", id="price-negative"),
    pytest.param(valid("TX-BAD", price=1.234), "too_many_decimals", "price", id="price-3-decimals"),
    pytest.param(valid("TX-BAD", price=float("nan")), "out_of_range", "price", id="price-NaN"),
    pytest.param(valid("TX-BAD", price=float("inf")), "out_of_range", "price", id="price-Infinity"),
    pytest.param(valid("TX-BAD", price=float("-inf")), "out_of_range", "price", id="price-minus-Infinity"),
    pytest.param(valid("TX-BAD", price="12.50"), "wrong_type", "price", id="price-string"),
    pytest.param(valid("TX-BAD", price=ABSENT), "missing_field", "price", id="price-missing"),
    pytest.param(valid("TX-BAD", timestamp="yesterday-ish"), "bad_timestamp", "timestamp",
                 id="garbage-timestamp"),
    pytest.param(valid("TX-BAD", timestamp="2025-02-30T10:00:00Z"), "bad_timestamp", "timestamp",
                 id="impossible-timestamp"),
    pytest.param(valid("TX-BAD", timestamp="2025-03-01"), "bad_timestamp", "timestamp",
                 id="date-only-timestamp"),
    pytest.param(valid("TX-BAD", timestamp=ABSENT), "missing_field", "timestamp", id="timestamp-missing"),
    pytest.param(valid("TX-BAD", status="shipped"), "unknown_status", "status", id="unknown-status"),
    pytest.param(valid("TX-BAD", product=ABSENT), "missing_field", "product", id="product-missing"),
    pytest.param(valid("TX-BAD", product="P1"), "wrong_type", "product", id="product-not-object"),
    pytest.param(valid("TX-BAD", product={"name": "Mug"}), "missing_field", "product.product_id",
                 id="product-without-id"),
    pytest.param(with_product(unit_price=1.234), "too_many_decimals", "product.unit_price",
                 id="unit_price-3-decimals"),
    pytest.param(valid("TX-BAD", user="U1"), "wrong_type", "user", id="user-not-object"),
    pytest.param(valid("TX-BAD", user={"name": "No Id", "email": "noid@example.com"}),
                 "missing_field", "user.user_id", id="user-without-id"),
    pytest.param(with_user(registration_date="2024-02-30"), "bad_date", "user.registration_date",
                 id="registration-date-impossible"),
    pytest.param(with_user(registration_date="05/01/2024"), "bad_date", "user.registration_date",
                 id="registration-date-garbage"),
    pytest.param(with_user(email=42), "wrong_type", "user.email", id="email-number"),
]


@pytest.mark.parametrize(("bad", "reason", "field"), BAD_RECORDS)
def test_invalid_record_is_quarantined_with_reason_and_field(db_path, tmp_path, bad, reason, field):
    good_text = json.dumps(valid("TX-GOOD"))
    bad_text = json.dumps(bad)
    result = load(db_path, write_lines(tmp_path, "batch.jsonl", good_text, bad_text))

    (file,) = result.files
    assert (file.status, file.records_read, file.records_loaded, file.duplicates_skipped,
            file.records_rejected) == ("loaded", 2, 1, 0, 1)
    rejected = rows(db_path, "select record_number, reason_code, field, message, raw_text"
                             " from rejected_transactions")
    assert len(rejected) == 1, rejected
    number, got_reason, got_field, message, raw_text = rejected[0]
    assert (number, got_reason, got_field, raw_text) == (2, reason, field, bad_text)
    assert field in message, message
    assert rows(db_path, "select load_status, reject_reason from raw_transactions"
                         " where record_number = 2") == [("rejected", reason)]
    assert fact_ids(db_path) == ["TX-GOOD"]


@pytest.mark.parametrize("text", ["[1, 2]", '"TX-1"', "42", "null", "true"])
def test_record_that_is_not_an_object_is_rejected(db_path, tmp_path, text):
    load(db_path, write_lines(tmp_path, "batch.jsonl", json.dumps(valid("TX-GOOD")), text))

    rejected = rows(db_path, "select reason_code, field, message, raw_text from rejected_transactions")
    assert len(rejected) == 1, rejected
    reason, field, message, raw_text = rejected[0]
    assert (reason, field, raw_text) == ("not_an_object", None, text)
    assert "not an object" in message
    assert fact_ids(db_path) == ["TX-GOOD"]


@pytest.mark.parametrize("where", ["same file", "later file"])
def test_conflicting_duplicate_is_rejected_and_first_version_stays(db_path, tmp_path, where):
    first = json.dumps(valid("TX-1", quantity=2))
    conflict = json.dumps(valid("TX-1", quantity=3))
    if where == "same file":
        results = [load(db_path, write_lines(tmp_path, "a.jsonl", first, conflict))]
    else:
        results = [load(db_path, write_lines(tmp_path, "a.jsonl", first)),
                   load(db_path, write_lines(tmp_path, "b.jsonl", conflict))]

    counts = rows(db_path, "select sum(records_read), sum(records_loaded), sum(duplicates_skipped),"
                           " sum(records_rejected) from etl_files")
    assert counts == [(2, 1, 0, 1)]
    rejected = rows(db_path, "select reason_code, field, message, raw_text, transaction_id"
                             " from rejected_transactions")
    assert len(rejected) == 1, rejected
    reason, field, message, raw_text, tid = rejected[0]
    assert (reason, field, raw_text, tid) == ("conflicting_duplicate", "transaction_id", conflict, "TX-1")
    assert "TX-1" in message and "transaction_id" in message
    assert rows(db_path, "select transaction_id, quantity, total_amount_cents from fact_orders") == [
        ("TX-1", 2, 2500)]
    assert all(r.error is None for r in results)


@pytest.mark.parametrize("where", ["same file", "later file"])
@pytest.mark.parametrize("copy", ["byte-identical", "same content, other formatting"])
def test_identical_duplicate_is_skipped_and_counted_not_rejected(db_path, tmp_path, where, copy):
    first = json.dumps(valid("TX-1"))
    if copy == "byte-identical":
        again = first
    else:
        reordered = dict(reversed(list(valid("TX-1").items())))
        again = json.dumps(reordered, indent=None, separators=(",", ":")).replace('12.5', '12.50')
    other = json.dumps(valid("TX-2"))
    if where == "same file":
        load(db_path, write_lines(tmp_path, "a.jsonl", first, again, other))
    else:
        load(db_path, write_lines(tmp_path, "a.jsonl", first))
        load(db_path, write_lines(tmp_path, "b.jsonl", again, other))

    counts = rows(db_path, "select sum(records_read), sum(records_loaded), sum(duplicates_skipped),"
                           " sum(records_rejected) from etl_files")
    assert counts == [(3, 2, 1, 0)]
    assert rows(db_path, "select count(*) from rejected_transactions") == [(0,)]
    assert rows(db_path, "select load_status, raw_text from raw_transactions"
                         " where load_status = 'duplicate'") == [("duplicate", again)]
    assert fact_ids(db_path) == ["TX-1", "TX-2"]


def test_unknown_extra_fields_are_kept_in_bronze_and_the_record_is_valid(db_path, tmp_path):
    record = valid("TX-1")
    record["coupon"] = {"code": "SPRING", "percent": 10}
    record["product"]["colour"] = "teal"
    text = json.dumps(record)
    load(db_path, write_lines(tmp_path, "a.jsonl", text))

    assert rows(db_path, "select load_status, raw_text from raw_transactions") == [("loaded", text)]
    assert json.loads(rows(db_path, "select raw_text from raw_transactions")[0][0])["coupon"] == {
        "code": "SPRING", "percent": 10}
    assert rows(db_path, "select count(*) from rejected_transactions") == [(0,)]
    assert fact_ids(db_path) == ["TX-1"]


def test_offset_timestamp_just_after_local_midnight_gets_the_utc_date(db_path, tmp_path):
    load(db_path, write_lines(tmp_path, "a.jsonl",
                              json.dumps(valid("TX-1", timestamp="2025-03-02T00:10:00+05:30"))))

    assert rows(db_path, "select event_ts, event_date, date_key from raw_transactions") == [
        ("2025-03-01T18:40:00.000000Z", "2025-03-01", 20250301)]
    assert rows(db_path, """
        select d.full_date, f.order_timestamp from fact_orders as f
        inner join dim_date as d on d.date_key = f.date_key
    """) == [("2025-03-01", "2025-03-01T18:40:00.000000Z")]
    assert rows(db_path, "select sales_date from gold_daily_sales") == [("2025-03-01",)]


def test_price_times_quantity_is_exact_in_cents(db_path, tmp_path):
    path = tmp_path / "a.json"
    text = json.dumps(valid("TX-1", quantity=3, price=19.99))
    assert '"price": 19.99' in text
    path.write_text("[" + text + "]", encoding="utf-8")
    load(db_path, path)

    assert rows(db_path, "select quantity, unit_price_cents, total_amount_cents from fact_orders") == [
        (3, 1999, 5997)]


def test_original_text_of_each_record_is_stored_exactly(db_path, tmp_path):
    texts = [
        ('{ "transaction_id" : "TX-1", "timestamp": "2025-03-01T10:00:00Z", "quantity": 1,\n'
         '  "price": 1.50, "product": {"product_id": "P1", "name": "Caf\u00e9 \\u00e9 \U0001f600"} }'),
        ('{"transaction_id":"TX-2","timestamp":"2025-03-01T11:00:00+01:00","quantity":2,'
         '"price":1E1,"product":{"product_id":"P2"},"user":null}'),
        ('{"transaction_id": "TX-3", "quantity": 0, "price": 1, "timestamp": "2025-03-01T10:00:00Z",'
         ' "product": {"product_id": "P1"}}'),
        '  [1, 2.50, "three"]',
    ]
    array = tmp_path / "a.json"
    array.write_text("[\n" + ",\n\t".join(texts) + "\n]\n", encoding="utf-8")
    lines = tmp_path / "b.jsonl"
    line_texts = [('{"transaction_id": "TX-4", "timestamp": "2025-03-01T10:00:00Z", "quantity": 1,'
                   ' "price": 0.10, "product": {"product_id": "P1"}}  '), "not json at all"]
    lines.write_text("\r\n".join(line_texts) + "\r\n", encoding="utf-8")

    load(db_path, array, lines)

    stored = rows(db_path, "select source_file, record_number, raw_text from raw_transactions"
                           " order by raw_id")
    assert stored == (
        [(str(array), n, t.strip()) for n, t in enumerate(texts, start=1)]
        + [(str(lines), n, t) for n, t in enumerate(line_texts, start=1)]
    )
    quarantined = rows(db_path, "select r.raw_text = t.raw_text from rejected_transactions as r"
                                " inner join raw_transactions as t on t.raw_id = r.raw_id")
    assert quarantined == [(1,), (1,), (1,)]
    assert fact_ids(db_path) == ["TX-1", "TX-2", "TX-4"]
    assert rows(db_path, "select price_cents from raw_transactions where transaction_id = 'TX-2'") == [
        (1000,)]
