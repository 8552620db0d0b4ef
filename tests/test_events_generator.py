"""The page-view generator: reproducible bytes, records of the contract, sessions that end in
exactly the day's orders, and the realism the lessons rely on (channels, logins, robots,
id-less events, repeats, late arrivals, midnight across files)."""

from __future__ import annotations

import json
import tracemalloc
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from conftest import rows
from ecommerce_warehouse.generate import events, transactions
from ecommerce_warehouse.generate.catalogue import build_catalogue
from ecommerce_warehouse.load.records import RawRecord
from ecommerce_warehouse.sources.events import contract
from events_helpers import load_files

START, END = date(2025, 3, 1), date(2025, 3, 3)


def contents(written) -> dict[str, bytes]:
    return {Path(path).name: Path(path).read_bytes() for path, _ in written}


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def week(tmp_path_factory) -> tuple[Path, list[Path], list[Path]]:
    """A week of both kinds (seed 11, 120 order lines a day), loaded into one warehouse."""
    folder = tmp_path_factory.mktemp("week")
    orders = [path for path, _ in transactions.generate(date(2025, 3, 3), date(2025, 3, 9), 120, 11, folder)]
    clicks = [path for path, _ in events.generate(date(2025, 3, 3), date(2025, 3, 9), 120, 11, folder)]
    db = folder / "w.db"
    result = load_files(db, *orders, *clicks)
    assert result.status == "succeeded", result.error
    assert not [c.name for c in result.transform.checks if c.status == "fail"]
    return db, orders, clicks


def test_same_seed_gives_byte_identical_files_and_a_day_is_the_same_alone(tmp_path):
    first = events.generate(START, END, 60, 5, tmp_path / "a")
    second = events.generate(START, END, 60, 5, tmp_path / "b")
    alone = events.generate(date(2025, 3, 2), date(2025, 3, 2), 60, 5, tmp_path / "one")
    other = events.generate(START, END, 60, 6, tmp_path / "c")

    assert [Path(p).name for p, _ in first] == [
        "events_20250301.jsonl", "events_20250302.jsonl", "events_20250303.jsonl"]
    assert contents(first) == contents(second)
    assert contents(alone) == {"events_20250302.jsonl": contents(first)["events_20250302.jsonl"]}
    assert all(contents(other)[name] != data for name, data in contents(first).items())
    assert [n for _, n in first] == [len(records(Path(p))) for p, _ in first]


def test_every_record_is_a_valid_page_view(tmp_path):
    (path, count), = events.generate(START, START, 200, 3, tmp_path)
    verdicts = [contract.judge(RawRecord(i, line, json.loads(line)))
                for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)]
    assert len(verdicts) == count > 1000
    assert all(rejection is None for _, rejection in verdicts)
    assert all(r["page_url"].startswith("https://shop.example.com/") for r in records(path))


def test_every_order_of_the_day_ends_a_session_on_its_confirmation(week):
    db, orders, _clicks = week
    ordered = {line["order_id"] for path in orders for line in json.loads(path.read_text(encoding="utf-8"))}
    purchased = {order_id for (order_id,) in rows(db, "select order_id from fact_sessions"
                                                      " where reached_purchase = 1")}
    assert purchased == ordered
    # each with its order's net revenue, to the cent
    assert rows(db, """select count(*) from fact_sessions as s
                       where s.reached_purchase = 1 and s.revenue_cents <> (
                           select coalesce(sum(total_amount_cents), 0) from fact_orders as o
                           where o.order_id = s.order_id and o.status = 'completed')""") == [(0,)]
    assert rows(db, "select count(*) from fact_sessions where order_id is not null and reached_purchase = 0") \
        == [(0,)]


def test_the_week_has_what_the_lessons_need(week):
    db, _orders, clicks = week
    counts = dict(rows(db, """select channel.channel, count(*) from fact_sessions as s
                              inner join dim_channel as channel on channel.channel_key = s.channel_key
                              group by channel.channel"""))
    assert set(counts) == {"direct", "organic_search", "paid", "social", "email", "referral"}
    sessions, bounces, buyers = rows(db, "select count(*), sum(is_bounce), sum(reached_purchase)"
                                         " from fact_sessions")[0]
    assert 0.25 < bounces / sessions < 0.45 and 0.1 < buyers / sessions < 0.3      # most never buy
    funnel = rows(db, "select step, sum(sessions) from gold_funnel_daily group by step, step_number"
                      " order by step_number")
    assert [n for _, n in funnel] == sorted((n for _, n in funnel), reverse=True)
    # logins mid-session, and earlier anonymous sessions stitched to the buyer
    assert rows(db, "select count(*) from fact_page_views where user_key <> -1")[0][0] > 0
    assert rows(db, "select count(*) from fact_sessions where is_logged_in = 0 and user_key <> -1")[0][0] > 0
    # robots, id-less events, repeats (skipped as duplicates), sessions of the day before
    assert rows(db, "select count(*) from silver_page_views where is_bot = 1")[0][0] > 0
    assert rows(db, "select count(*) from silver_page_views where event_id_derived = 1")[0][0] > 0
    assert rows(db, "select sum(duplicates_skipped) from etl_files where source = 'events'")[0][0] > 0
    late = rows(db, """select count(*) from raw_events as raw inner join etl_files as f on f.file_id = raw.batch_id
                       where raw.event_date < substr(f.path, length(f.path) - 13, 4) || '-'
                             || substr(f.path, length(f.path) - 9, 2) || '-' || substr(f.path, length(f.path) - 7, 2)""")
    assert late[0][0] > 0
    # sessions across midnight, some of them across two files
    assert rows(db, "select count(*) from fact_sessions"
                    " where substr(started_at, 1, 10) <> substr(ended_at, 1, 10)")[0][0] > 0
    assert rows(db, """select count(*) from (select session_id from fact_page_views group by session_id
                                             having count(distinct batch_id) > 1)""")[0][0] > 0
    assert len(clicks) == 7


def test_dirty_rate_breaks_page_views_in_several_ways(tmp_path):
    (path, count), = events.generate(START, START, 300, 4, tmp_path, dirty_rate=0.05)
    db = tmp_path / "w.db"
    result = load_files(db, path)
    assert result.files[0].records_rejected > 0.03 * count
    reasons = Counter(code for (code,) in rows(db, "select reason_code from rejected_records"))
    assert {"bad_timestamp", "missing_field", "bad_url", "bad_ip", "wrong_type", "not_an_object",
            "conflicting_duplicate"} <= set(reasons)


def test_orders_are_read_from_the_transactions_files_own_draws(tmp_path):
    catalogue = build_catalogue(9)
    for dirty in (0.0, 0.1):
        written = transactions.day_records(catalogue, START, 150, dirty)
        file_orders = []
        for line in written:
            if isinstance(line.get("order_id"), str) and line["order_id"] not in file_orders:
                file_orders.append(line["order_id"])
        drawn = [order.order_id for order in events.day_orders(catalogue, START, 150, dirty)]
        assert set(drawn) <= set(file_orders) and len(drawn) >= 0.95 * len(file_orders)
        assert len(drawn) == len(set(drawn))


def test_memory_does_not_grow_with_the_size_of_a_day(tmp_path):
    catalogue = build_catalogue(3)

    def peak(lines: int) -> int:
        tracemalloc.start()
        try:
            events.write_day(catalogue, date(2025, 3, 6), lines, tmp_path / str(lines))
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    small, large = peak(200), peak(1_000)
    assert large - small < 1_500_000, (small, large)
