"""End to end: generated batches → Bronze → star schema → Gold, and every number reconciles."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections import defaultdict
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import load, rows

STAR_TABLES = ("dim_users", "dim_products", "dim_date", "fact_orders")
GOLD_VIEWS = (
    "gold_daily_sales", "gold_top_products", "gold_category_sales_monthly",
    "gold_customer_lifetime_value", "gold_monthly_cohort_retention", "gold_order_status",
)


# --- an independent reading of the input contract ------------------------------------

def _is_text(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _cents(value) -> int | None:
    """Exact cents of a JSON number with at most two decimals and >= 0, else None."""
    if isinstance(value, bool) or not isinstance(value, (int, Decimal)):
        return None
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0 or amount >= Decimal(10) ** 15:
        return None
    cents = amount * 100
    if cents != cents.to_integral_value():
        return None
    return int(cents)


def _utc(text) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _optional_text(container: dict, key: str) -> bool:
    return container.get(key) is None or isinstance(container.get(key), str)


def contract_line(record) -> dict | None:
    """The order line a valid record becomes, or None when the contract refuses it."""
    if not isinstance(record, dict) or not _is_text(record.get("transaction_id")):
        return None
    order_id = record.get("order_id")
    if order_id is not None and not _is_text(order_id):
        return None
    moment = _utc(record.get("timestamp"))
    quantity = record.get("quantity")
    if moment is None or isinstance(quantity, bool) or not isinstance(quantity, int):
        return None
    if not 1 <= quantity <= 2**31 - 1:
        return None
    price_cents = _cents(record.get("price"))
    if price_cents is None or quantity * price_cents > 2**63 - 1:
        return None
    status = record.get("status")
    if status is not None and status not in ("completed", "cancelled", "refunded"):
        return None
    user = record.get("user")
    if user is not None:
        if not isinstance(user, dict) or not _is_text(user.get("user_id")):
            return None
        if not all(_optional_text(user, k) for k in ("name", "email", "registration_date")):
            return None
        registered = user.get("registration_date")
        if registered is not None:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", registered):
                return None
            try:
                date.fromisoformat(registered)
            except ValueError:
                return None
    product = record.get("product")
    if not isinstance(product, dict) or not _is_text(product.get("product_id")):
        return None
    if not all(_optional_text(product, k) for k in ("name", "category")):
        return None
    if product.get("unit_price") is not None and _cents(product["unit_price"]) is None:
        return None
    return {
        "transaction_id": record["transaction_id"],
        "order_id": order_id or record["transaction_id"],
        "event_date": moment.date().isoformat(),
        "status": status or "completed",
        "total_cents": quantity * price_cents,
        "user_id": None if user is None else user["user_id"],
    }


def expected_lines(files: list[Path]) -> dict[str, dict]:
    """Valid records of the files in load order, first occurrence of each transaction_id."""
    kept: dict[str, dict] = {}
    for path in files:
        records = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal,
                             parse_constant=Decimal)
        for record in records:
            line = contract_line(record)
            if line is not None and line["transaction_id"] not in kept:
                kept[line["transaction_id"]] = line
    return kept


def snapshot(db: Path) -> dict[str, list[tuple]]:
    return {table: rows(db, f"select * from {table} order by 1") for table in STAR_TABLES}


# --- the tests -----------------------------------------------------------------------

def test_file_counts_reconcile_with_bronze(db_path, two_days):
    result = load(db_path, *two_days)

    assert [f.status for f in result.files] == ["loaded", "loaded"]
    files = rows(db_path, "select path, status, records_read, records_loaded, duplicates_skipped,"
                          " records_rejected from etl_files order by file_id")
    assert [(path, status) for path, status, *_ in files] == [(str(p), "loaded") for p in two_days]
    for path, _, read, loaded, duplicates, rejected in files:
        assert read == loaded + duplicates + rejected, path
        per_status = dict(rows(db_path, "select load_status, count(*) from raw_transactions"
                                        " where source_file = ? group by load_status", (path,)))
        assert per_status.get("loaded", 0) == loaded
        assert per_status.get("duplicate", 0) == duplicates
        assert per_status.get("rejected", 0) == rejected
    assert sum(f[5] for f in files) > 0, "two_days is meant to contain dirty records"

    bronze = rows(db_path, "select count(*) from raw_transactions")[0][0]
    assert bronze == sum(f[2] for f in files)
    assert bronze == sum(len(json.loads(p.read_text(encoding="utf-8"))) for p in two_days)
    rejected = rows(db_path, "select count(*) from rejected_transactions")[0][0]
    assert rejected == sum(f[5] for f in files)

    loaded_rows = rows(db_path, "select count(*) from raw_transactions where load_status = 'loaded'")
    facts = rows(db_path, "select count(*) from fact_orders")
    assert loaded_rows == facts
    assert facts[0][0] > 0



def test_each_file_is_one_raw_id_range_in_record_order(db_path, two_days):
    """The ingest gives a file's records the raw_ids after the highest in Bronze, one each
    in file order: the grain (batch_id, record_number) holds without an index of its own,
    and each rejected record's reason sits on its own row."""
    load(db_path, *two_days)
    for (batch_id,) in rows(db_path, "select file_id from etl_files order by file_id"):
        ids = rows(db_path, "select raw_id, record_number from raw_transactions"
                            " where batch_id = ? order by raw_id", (batch_id,))
        first = ids[0][0]
        assert ids == [(first + n, n + 1) for n in range(len(ids))]
    assert rows(db_path, "select count(*) from (select distinct batch_id, record_number"
                         " from raw_transactions) as record") == rows(db_path, "select count(*) from raw_transactions")
    assert rows(db_path, "select count(*) from raw_transactions where load_status = 'rejected'"
                         " and (reject_reason is null or reject_message is null)") == [(0,)]
    assert rows(db_path, "select count(*) from raw_transactions where load_status <> 'rejected'"
                         " and reject_reason is not null") == [(0,)]

def test_fact_totals_match_an_independent_recomputation(db_path, two_days):
    load(db_path, *two_days)
    expected = expected_lines(two_days)

    fact_ids = {tid for (tid,) in rows(db_path, "select transaction_id from fact_orders")}
    assert fact_ids == set(expected)
    (total,) = rows(db_path, "select sum(total_amount_cents) from fact_orders")[0]
    assert total == sum(line["total_cents"] for line in expected.values())
    mismatched = rows(db_path, "select transaction_id from fact_orders"
                               " where total_amount_cents <> quantity * unit_price_cents")
    assert mismatched == []


def test_every_fact_joins_to_every_dimension(db_path, two_days):
    load(db_path, *two_days)

    (facts,) = rows(db_path, "select count(*) from fact_orders")[0]
    (joined,) = rows(db_path, """
        select count(*)
        from fact_orders as f
        inner join dim_users as u on u.user_key = f.user_key
        inner join dim_products as p on p.product_key = f.product_key
        inner join dim_date as d on d.date_key = f.date_key
    """)[0]
    assert facts > 0
    assert joined == facts

    expected = expected_lines(two_days)
    guests = {tid for tid, line in expected.items() if line["user_id"] is None}
    assert guests, "the generator makes about 3% guest checkouts"
    at_unknown = {tid for (tid,) in rows(db_path, "select transaction_id from fact_orders"
                                                  " where user_key = -1")}
    assert at_unknown == guests
    named = rows(db_path, """
        select f.transaction_id, u.user_id from fact_orders as f
        inner join dim_users as u on u.user_key = f.user_key where f.user_key <> -1
    """)
    assert {tid: user_id for tid, user_id in named} == {
        tid: line["user_id"] for tid, line in expected.items() if line["user_id"] is not None
    }
    assert rows(db_path, "select count(*) from fact_orders where product_key = -1") == [(0,)]


def test_second_run_with_nothing_new_changes_no_row(db_path, two_days):
    first = load(db_path, *two_days)
    before = snapshot(db_path)

    again = load(db_path, *two_days)

    assert [f.status for f in again.files] == ["already_loaded", "already_loaded"]
    assert [f.file_id for f in again.files] == [f.file_id for f in first.files]
    assert again.transform is not None and again.transform.nothing_new
    assert again.error is None
    assert snapshot(db_path) == before
    assert rows(db_path, "select count(*) from etl_files") == [(2,)]
    assert rows(db_path, "select count(*) from raw_transactions") == [(first.totals()["records_read"],)]


def test_gold_views_return_rows_and_reconcile(db_path, two_days):
    load(db_path, *two_days)

    for view in GOLD_VIEWS:
        assert rows(db_path, f"select count(*) from {view}")[0][0] > 0, view

    facts = rows(db_path, "select date_key, status, order_id, total_amount_cents from fact_orders")
    net_by_day: dict[str, int] = defaultdict(int)
    gross_by_day: dict[str, int] = defaultdict(int)
    for date_key, status, _, amount in facts:
        day = f"{date_key // 10000:04d}-{date_key // 100 % 100:02d}-{date_key % 100:02d}"
        gross_by_day[day] += amount
        net_by_day[day] += amount if status == "completed" else 0   # a day with no sale shows 0
    daily = rows(db_path, "select sales_date, net_revenue_cents, gross_revenue_cents"
                          " from gold_daily_sales")
    assert {d: n for d, n, _ in daily} == dict(net_by_day)
    assert {d: g for d, _, g in daily} == dict(gross_by_day)

    # the same per-day net revenue straight from the JSON files
    from_files: dict[str, int] = defaultdict(int)
    for line in expected_lines(two_days).values():
        from_files[line["event_date"]] += line["total_cents"] if line["status"] == "completed" else 0
    assert {d: n for d, n, _ in daily} == dict(from_files)

    lines: dict[str, int] = defaultdict(int)
    orders: dict[str, set] = defaultdict(set)
    gross: dict[str, int] = defaultdict(int)
    for _, status, order_id, amount in facts:
        lines[status] += 1
        orders[status].add(order_id)
        gross[status] += amount
    status_rows = rows(db_path, "select status, lines, orders, gross_revenue_cents, share_of_lines"
                                " from gold_order_status")
    assert {s: (n, o, g) for s, n, o, g, _ in status_rows} == {
        s: (lines[s], len(orders[s]), gross[s]) for s in lines
    }
    for status, count, _, _, share in status_rows:
        assert abs(share - count / len(facts)) < 1e-9, status
    assert sum(n for _, n, _, _, _ in status_rows) == len(facts)


def test_loading_the_same_file_again_is_a_reported_no_op(db_path, two_days):
    first = load(db_path, two_days[0])
    fact_before = rows(db_path, "select * from fact_orders order by order_key")

    second = load(db_path, two_days[0])

    (result,) = second.files
    assert result.status == "already_loaded"
    assert result.file_id == first.files[0].file_id
    assert result.records_read == first.files[0].records_read
    assert second.error is None and second.status == "succeeded"
    assert rows(db_path, "select count(*), status from etl_files group by status") == [(1, "loaded")]
    assert rows(db_path, "select * from fact_orders order by order_key") == fact_before


@pytest.mark.parametrize("copy_name", [
    "copies/{name}",                    # the same name elsewhere: its digest is awaited first
    "transactions_copy.json",           # a new name: compared once its digest is known
])
def test_a_copy_of_a_loaded_file_loads_nothing(db_path, two_days, tmp_path, copy_name):
    """The file is hashed beside its load: whenever its digest turns out to be a loaded
    file's, the copy's transaction is rolled back and it is reported as that file."""
    first = load(db_path, two_days[0])
    bronze_before = rows(db_path, "select * from raw_transactions order by raw_id")
    copy = tmp_path / copy_name.format(name=two_days[0].name)
    copy.parent.mkdir(exist_ok=True)
    shutil.copyfile(two_days[0], copy)

    second = load(db_path, copy)

    (result,) = second.files
    assert (result.status, result.file_id, result.records_read) == (
        "already_loaded", first.files[0].file_id, first.files[0].records_read)
    assert rows(db_path, "select path, status from etl_files") == [(str(two_days[0]), "loaded")]
    assert rows(db_path, "select * from raw_transactions order by raw_id") == bronze_before
    assert rows(db_path, "select sha256 from etl_files") == [
        (hashlib.sha256(two_days[0].read_bytes()).hexdigest(),)]


def test_a_loaded_file_copied_under_another_format_is_already_loaded_not_refused(db_path, tmp_path):
    """Bytes loaded as JSON Lines, copied to a .json name (not one JSON array): the same
    bytes, so the same file, not a refused one."""
    lines = tmp_path / "transactions_a.jsonl"
    lines.write_text("\n".join(json.dumps(_record(f"T{n}")) for n in range(1, 4)) + "\n",
                     encoding="utf-8")
    first = load(db_path, lines)
    copy = tmp_path / "transactions_a.json"
    shutil.copyfile(lines, copy)

    second = load(db_path, copy)

    (result,) = second.files
    assert (result.status, result.file_id) == ("already_loaded", first.files[0].file_id)
    assert rows(db_path, "select path, status from etl_files") == [(str(lines), "loaded")]


def _record(tid: str, ts: str = "2025-03-01T10:00:00Z") -> dict:
    return {
        "transaction_id": tid, "order_id": f"O-{tid}", "timestamp": ts, "status": "completed",
        "quantity": 2, "price": 12.5,
        "user": {"user_id": "U1", "name": "Ann Lee", "email": "ann@example.com",
                 "registration_date": "2024-01-05"},
        "product": {"product_id": "P1", "name": "Mug", "category": "Home", "unit_price": 12.5},
    }


def test_truncated_json_file_is_refused_whole_and_other_files_still_load(db_path, tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps([_record("G1"), _record("G2")]), encoding="utf-8")
    broken = tmp_path / "broken.json"
    broken.write_text(
        "[\n" + json.dumps(_record("B1")) + ",\n" + json.dumps(_record("B2"))[:40],
        encoding="utf-8",
    )

    result = load(db_path, broken, good)

    assert [f.status for f in result.files] == ["refused", "loaded"]
    assert result.error is not None and str(broken) in result.error
    assert rows(db_path, "select count(*) from raw_transactions where source_file = ?",
                (str(broken),)) == [(0,)]
    refused = rows(db_path, "select status, records_read, error from etl_files where path = ?",
                   (str(broken),))
    assert len(refused) == 1
    status, read, error = refused[0]
    assert (status, read) == ("refused", 0)
    assert re.search(r"\bline 3, column \d+", error), error
    assert sorted(tid for (tid,) in rows(db_path, "select transaction_id from fact_orders")) == ["G1", "G2"]
    # the run summary's Bronze count (from the registry) is Bronze's own
    assert [(result.tables["raw_transactions"],)] == rows(db_path, "select count(*) from raw_transactions") == [(2,)]


def test_not_an_array_json_file_is_refused_with_its_position(db_path, tmp_path):
    path = tmp_path / "object.json"
    path.write_text('\n  {"transaction_id": "X"}\n', encoding="utf-8")

    result = load(db_path, path)

    assert [f.status for f in result.files] == ["refused"]
    (error,) = rows(db_path, "select error from etl_files where status = 'refused'")[0]
    assert "line 2, column 3" in error
    assert rows(db_path, "select count(*) from raw_transactions") == [(0,)]


def test_jsonl_with_one_non_json_line_rejects_only_that_line(db_path, tmp_path):
    path = tmp_path / "batch.jsonl"
    lines = [json.dumps(_record("L1")), '{"transaction_id": "L2", "quantity": ', json.dumps(_record("L3"))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = load(db_path, path)

    (file,) = result.files
    assert (file.status, file.records_read, file.records_loaded, file.records_rejected) == (
        "loaded", 3, 2, 1)
    rejected = rows(db_path, "select record_number, reason_code, message, raw_text"
                             " from rejected_transactions")
    assert len(rejected) == 1
    number, reason, message, raw_text = rejected[0]
    assert (number, reason, raw_text) == (2, "invalid_json", lines[1])
    assert "line 2" in message
    assert sorted(tid for (tid,) in rows(db_path, "select transaction_id from fact_orders")) == ["L1", "L3"]


def test_daily_sales_measures_and_other_gold_views_reconcile(db_path, two_days):
    load(db_path, *two_days)
    facts = rows(db_path, """
        select d.full_date, d.year_month, f.status, f.order_id, f.user_key, f.quantity,
               f.total_amount_cents, p.product_id, p.category
        from fact_orders as f
        inner join dim_date as d on d.date_key = f.date_key
        inner join dim_products as p on p.product_key = f.product_key
    """)
    completed = [f for f in facts if f[2] == "completed"]
    net_total = sum(f[6] for f in completed)
    assert net_total > 0

    expected_daily = {}
    for day in {f[0] for f in facts}:
        sold = [f for f in completed if f[0] == day]
        orders = len({f[3] for f in sold})
        net = sum(f[6] for f in sold)
        expected_daily[day] = (orders, sum(f[5] for f in sold), len({f[4] for f in sold if f[4] != -1}),
                               net, (net * 2 + orders) // (2 * orders) if orders else None)
    daily = rows(db_path, "select sales_date, orders, units, customers, net_revenue_cents,"
                          " avg_order_value_cents from gold_daily_sales")
    assert {d: tuple(rest) for d, *rest in daily} == expected_daily

    (top_net,) = rows(db_path, "select sum(net_revenue_cents) from gold_top_products")[0]
    assert top_net == net_total
    top = rows(db_path, "select product_id, net_revenue_cents, revenue_rank from gold_top_products"
                        " order by revenue_rank, product_id")
    assert top[0][2] == 1
    assert [n for _, n, _ in top] == sorted((n for _, n, _ in top), reverse=True)
    assert len(top) == len({f[7] for f in facts})

    monthly = rows(db_path, "select month, category, net_revenue_cents, share_of_month"
                            " from gold_category_sales_monthly")
    by_category: dict[tuple, int] = defaultdict(int)
    for f in completed:
        by_category[(f[1], f[8])] += f[6]
    assert {(m, c): n for m, c, n, _ in monthly} == dict(by_category)
    share_by_month: dict[str, float] = defaultdict(float)
    for month, _, _, share in monthly:
        share_by_month[month] += share
    assert share_by_month and all(abs(total - 1.0) < 1e-9 for total in share_by_month.values())

    (clv_net,) = rows(db_path, "select sum(net_revenue_cents) from gold_customer_lifetime_value")[0]
    assert clv_net == sum(f[6] for f in completed if f[4] != -1)
    assert rows(db_path, "select count(*) from gold_customer_lifetime_value") == [
        (len({f[4] for f in facts if f[4] != -1}),)]

    first_month: dict[int, str] = {}
    active: dict[int, set] = defaultdict(set)
    for f in sorted(completed):
        if f[4] != -1:
            first_month.setdefault(f[4], f[1])
            active[f[4]].add(f[1])

    def months_between(a: str, b: str) -> int:
        return (int(b[:4]) * 12 + int(b[5:])) - (int(a[:4]) * 12 + int(a[5:]))

    sizes: dict[str, int] = defaultdict(int)
    counts: dict[tuple, int] = defaultdict(int)
    for user_key, cohort in first_month.items():
        sizes[cohort] += 1
        for month in active[user_key]:
            counts[(cohort, months_between(cohort, month))] += 1
    cohorts = rows(db_path, "select cohort_month, months_since_first, cohort_size, active_customers,"
                            " retention_rate from gold_monthly_cohort_retention")
    assert {(c, m): (s, a, r) for c, m, s, a, r in cohorts} == {
        (c, m): (sizes[c], n, n / sizes[c]) for (c, m), n in counts.items()}
