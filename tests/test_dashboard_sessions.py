"""The dashboard's Sessions page: the funnel and the channels of the period, checked against
SQL written here from fact_sessions (not the dashboard's own queries), and their drill-down
to the sessions behind a bar. Streamlit is an optional extra: without it these are skipped."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from conftest import rows
from ecommerce_warehouse.generate import events, transactions
from events_helpers import load_files

pytest.importorskip("streamlit", reason="the dashboard is an optional extra: pip install -e '.[dashboard]'")
from streamlit.testing.v1 import AppTest

FIRST, LAST = date(2025, 3, 1), date(2025, 3, 7)


@pytest.fixture(scope="module")
def week(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("dashboard_sessions")
    files = [path for generate in (transactions.generate, events.generate)
             for path, _ in generate(FIRST, LAST, 60, 8, folder / "raw")]
    db = folder / "week.db"
    assert load_files(db, *files).status == "succeeded"
    return db


def sessions_page(db: Path) -> AppTest:
    script = f"from ecommerce_warehouse.dashboard.board import main\nmain({str(db)!r}, 'USD')\n"
    at = AppTest.from_string(script, default_timeout=120)
    at.run()
    at.sidebar.radio(key="page").set_value("Sessions").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def expected(db: Path, start: date, end: date) -> tuple[list[int], dict[str, tuple[int, int, int]]]:
    where = "from fact_sessions s join dim_date d on d.date_key = s.date_key where d.full_date between ? and ?"
    params = [start.isoformat(), end.isoformat()]
    (total, product, cart, checkout, purchase), = rows(db, f"""select count(*), sum(s.reached_product_view),
        sum(s.reached_cart), sum(s.reached_checkout), sum(s.reached_purchase) {where}""", params)
    channels = {channel: (n, bought, cents) for channel, n, bought, cents in rows(db, f"""
        select c.channel, count(*), sum(s.reached_purchase), sum(s.revenue_cents)
        {where.replace('where', 'join dim_channel c on c.channel_key = s.channel_key where')}
        group by c.channel""", params)}
    return [total, product, cart, checkout, purchase], channels


def order_days(db: Path) -> tuple[date, date]:
    """The dashboard's whole period: the first and last day of an order line."""
    (first, last), = rows(db, "select min(d.full_date), max(d.full_date) from fact_orders f "
                              "join dim_date d on d.date_key = f.date_key")
    return date.fromisoformat(first), date.fromisoformat(last)


def table_with(at: AppTest, column: str):
    return next(frame.value for frame in at.dataframe if column in frame.value.columns)


def test_the_funnel_and_channels_of_the_period(week):
    at = sessions_page(week)
    assert "Warehouse dashboard · Sessions" in at.title[0].value
    steps, channels = expected(week, *order_days(week))
    funnel = at.selectbox(key="funnel_drill").options[1:]
    assert [int(option.split(" · ")[1].split()[0].replace(",", "")) for option in funnel] == steps
    assert steps[0] > steps[4] > 0
    shown = table_with(at, "conversion")
    assert {row["channel"]: row["sessions"] for _, row in shown.iterrows()} == {
        channel: n for channel, (n, _, _) in channels.items()}
    assert {row["channel"]: row["revenue"] for _, row in shown.iterrows()} == {
        channel: f"USD {cents // 100:,}.{cents % 100:02d}" for channel, (_, _, cents) in channels.items()}


def test_the_period_cuts_the_sessions_and_a_bar_drills_down(week):
    at = sessions_page(week)
    at.date_input(key="dates").set_value((date(2025, 3, 2), date(2025, 3, 3))).run()
    steps, _ = expected(week, date(2025, 3, 2), date(2025, 3, 3))
    funnel = at.selectbox(key="funnel_drill").options[1:]
    assert [int(option.split(" · ")[1].split()[0].replace(",", "")) for option in funnel] == steps
    at.selectbox(key="funnel_drill").select(funnel[4]).run()          # the purchases
    assert any(c.value.startswith(f"{steps[4]:,} sessions behind") for c in at.caption)
    drilled = table_with(at, "order_id")
    assert len(drilled) == steps[4] and drilled["order_id"].notna().all()
