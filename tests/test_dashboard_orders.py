"""The dashboard's Orders page: statuses day by day, delivery lead times and payment methods
of the period, checked against SQL written here from the facts (not the dashboard's own
queries). Streamlit is an optional extra: without it these are skipped."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from conftest import rows
from ecommerce_warehouse.generate import changes, transactions
from events_helpers import load_files

pytest.importorskip("streamlit", reason="the dashboard is an optional extra: pip install -e '.[dashboard]'")
from streamlit.testing.v1 import AppTest

FIRST, LAST = date(2025, 3, 1), date(2025, 3, 10)


@pytest.fixture(scope="module")
def days(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dashboard_orders")
    files = [path for generate in (transactions.generate, changes.generate)
             for path, _ in generate(FIRST, LAST, 60, 8, folder / "raw")]
    db = folder / "days.db"
    assert load_files(db, *files).status == "succeeded"
    return db


def orders_page(db: Path, period: tuple[date, date] | None = None) -> AppTest:
    script = f"from ecommerce_warehouse.dashboard.board import main\nmain({str(db)!r}, 'USD')\n"
    at = AppTest.from_string(script, default_timeout=120)
    at.run()
    at.sidebar.radio(key="page").set_value("Orders").run()
    if period:
        at.date_input(key="dates").set_value(period).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def table_with(at: AppTest, column: str):
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def test_statuses_lead_times_and_payments_of_the_period(days):
    start, end = date(2025, 3, 3), date(2025, 3, 8)
    at = orders_page(days, (start, end))
    assert "Warehouse dashboard · Orders" in at.title[0].value
    # the statuses at the end of the period's last day: every order placed by then, once
    shown = table_with(at, "status")
    placed_by_then = rows(days, "select count(*) from fact_order_lifecycle where placed_date_key <= 20250308")[0][0]
    assert shown["orders"].sum() == placed_by_then
    by_status = dict(rows(days, """
        select case when l.refunded_date_key between 1 and 20250308 then 'refunded'
                    when l.cancelled_date_key between 1 and 20250308 then 'cancelled'
                    when l.delivered_date_key between 1 and 20250308 then 'delivered'
                    when l.shipped_date_key between 1 and 20250308 then 'shipped'
                    when l.paid_date_key between 1 and 20250308 then 'paid' else 'placed' end as status,
               count(*)
        from fact_order_lifecycle as l where l.placed_date_key <= 20250308 group by 1"""))
    assert {row["status"]: row["orders"] for _, row in shown.iterrows() if row["orders"]} == by_status
    assert {"paid", "shipped", "delivered"} <= set(by_status)
    # lead times: orders placed in the period and delivered, by carrier
    lead = table_with(at, "median hours")
    hours: dict[str, list[float]] = {}
    for carrier, value in rows(days, "select carrier, placed_to_delivered_hours from fact_order_lifecycle "
                                     "where placed_date_key between 20250303 and 20250308 "
                                     "and placed_to_delivered_hours is not null"):
        hours.setdefault(carrier, []).append(value)
    assert {row["carrier"]: row["orders"] for _, row in lead.iterrows()} == {c: len(v) for c, v in hours.items()}
    assert len(hours) >= 3, "orders of the period were delivered by several carriers"
    for _, row in lead.iterrows():
        ordered = sorted(hours[row["carrier"]])
        median = ordered[(len(ordered) + 1) // 2 - 1]          # nearest rank
        assert row["median hours"] == round(median, 1)
    # payments made in the period, by method
    payments = table_with(at, "attempts")
    expected = {method: (n, cents) for method, n, cents in rows(days, """
        select method, count(*), sum(case when status = 'captured' then amount_cents else 0 end)
        from fact_payments where date_key between 20250303 and 20250308 group by method""")}
    assert {row["method"]: row["attempts"] for _, row in payments.iterrows()} == {
        m: n for m, (n, _) in expected.items()}
    assert len(expected) == 3
    assert {row["method"]: row["captured"] for _, row in payments.iterrows()} == {
        m: f"USD {cents // 100:,}.{cents % 100:02d}" for m, (_, cents) in expected.items()}
