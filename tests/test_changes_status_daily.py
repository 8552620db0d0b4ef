"""The daily order-status snapshot's SQLite twin counts what the portable file counts.

``transform/fact_order_status_daily.sqlite.sql`` takes each milestone's next one from the
order's own lifecycle row (the smallest greater key of time, then step) instead of the
portable file's ``lead()`` window. Hypothesis draws lifecycle rows whose milestones come in
any order in time (a refund before the payment, two milestones in the same minute, days
skipped), and both files fill the snapshot from empty and then again from a later day.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import depth
from ecommerce_warehouse import sqlfiles

STEPS = ("placed", "paid", "shipped", "delivered", "cancelled", "refunded")
FIRST_DAY = date(2025, 3, 1)
DAYS = 6
FIRST_US = 1_740_787_200_000_000        # 2025-03-01T00:00:00Z
MINUTE_US = 60_000_000


def day_key(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def warehouse() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:", isolation_level=None)
    for name in ("schema/dim_date", "schema/fact_order_lifecycle", "schema/fact_order_status_daily"):
        for statement in sqlfiles.statements(name, "sqlite"):
            connection.execute(statement)
    for offset in range(DAYS):
        day = FIRST_DAY + timedelta(days=offset)
        connection.execute("insert into dim_date values (?, ?, ?, 1, 3, ?, 'March', ?, 1, 'Monday', 0)",
                           (day_key(day), day.isoformat(), day.year, day.isoformat()[:7], day.day))
    return connection


def lifecycle_row(number: int, minutes: list) -> tuple:
    at = [None if minute is None else FIRST_US + minute * MINUTE_US for minute in minutes]
    days = [-1 if minute is None else day_key(FIRST_DAY + timedelta(days=minute // 1440))
            for minute in minutes]
    texts = [None if us is None else f"t{us}" for us in at]
    return (f"ORD-{number}", -1, "placed", *texts, *days, *at, None, None, None, None, None,
            0, 0, 0, 0, "now")


def snapshot(connection: sqlite3.Connection, engine: str, from_date_key: int) -> list:
    for statement in sqlfiles.statements("transform/fact_order_status_daily", engine):
        names = set(re.findall(r":([a-z_]+)", statement))
        connection.execute(statement, {name: from_date_key for name in names})
    return connection.execute("select date_key, status, orders from fact_order_status_daily "
                              "order by date_key, status").fetchall()


MINUTES = st.integers(0, DAYS * 1440 - 1)
ORDERS = st.lists(st.tuples(MINUTES, st.lists(st.one_of(st.none(), MINUTES, st.sampled_from((0, 1439, 1440))),
                                               min_size=5, max_size=5)),
                  min_size=1, max_size=12)


@settings(max_examples=depth(80, 800), deadline=None)
@given(ORDERS, st.sampled_from([day_key(FIRST_DAY + timedelta(days=n)) for n in range(DAYS)]))
def test_the_sqlite_twin_counts_what_the_window_counts(orders, again_from):
    found = {}
    for engine in ("sqlite", "portable"):
        connection = warehouse()
        for number, (placed, others) in enumerate(orders):
            connection.execute(f"insert into fact_order_lifecycle values ({', '.join('?' * 31)})",
                               lifecycle_row(number, [placed, *others]))
        found[engine] = (snapshot(connection, engine, 0), snapshot(connection, engine, again_from))
        connection.close()
    assert found["sqlite"] == found["portable"]
    assert found["sqlite"][0]
