"""`warehouse dashboard`: the Streamlit app over the Gold views, driven by Streamlit's AppTest.

The filters are set as a person would (dates, categories) and every number shown is
checked against SQL written here from the star tables (not the dashboard's own queries):
the key figures and their previous period, the drill-down's row counts, the partial
months, at most 8 categories plus Other, cohorts hidden below 3, the currency. The same
numbers on PostgreSQL. Then the real server, in headless Chromium: a screenshot with the
charts on it. Streamlit is an optional extra: without it these tests are skipped.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest

import browser
from backends import backend, duck, pg, warehouse  # noqa: F401  (fixtures)
from conftest import load, rows
from ecommerce_warehouse.cli import warehouse as warehouse_cli
from ecommerce_warehouse.generate import transactions as generator

pytest.importorskip("streamlit", reason="the dashboard is an optional extra: pip install -e '.[dashboard]'")
from streamlit.testing.v1 import AppTest

from ecommerce_warehouse.read import figures as data

FIRST, LAST = date(2025, 1, 1), date(2025, 3, 15)
TIMEOUT = 120


@pytest.fixture(scope="module")
def months(tmp_path_factory) -> Path:
    """Two and a half months (three cohorts, March partial), about 40 lines a day."""
    folder = tmp_path_factory.mktemp("dashboard")
    written = generator.generate(FIRST, LAST, 40, 5, folder / "raw", dirty_rate=0.01)
    db = folder / "months.db"
    load(db, *[path for path, _ in written])
    return db


def app(db: str, currency: str = "USD") -> AppTest:
    script = f"from ecommerce_warehouse.dashboard.board import main\nmain({db!r}, {currency!r})\n"
    at = AppTest.from_string(script, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def money(cents: int) -> str:
    return f"{cents // 100:,}.{cents % 100:02d}"


def expected_kpis(db: Path, start: date, end: date, categories: tuple[str, ...] = ()) -> dict[str, str]:
    """The six figures, from the star tables (fact, dimensions), in SQL of their own."""
    where = "d.full_date between ? and ?"
    params: list = [start.isoformat(), end.isoformat()]
    if categories:
        where += f" and coalesce(p.category, '(none)') in ({', '.join('?' * len(categories))})"
        params += list(categories)
    base = (f"from fact_orders f join dim_date d on d.date_key = f.date_key "
            f"join dim_products p on p.product_key = f.product_key where {where}")
    (lines, refunded, orders, net), = rows(db, f"""select count(*), sum(f.status = 'refunded'),
        count(distinct case when f.status = 'completed' then f.order_id end),
        coalesce(sum(case when f.status = 'completed' then f.total_amount_cents end), 0) {base}""", params)
    per_customer = rows(db, f"""select f.user_key, count(distinct f.order_id) {base}
        and f.status = 'completed' and f.user_key <> -1 group by f.user_key""", params)
    customers = len(per_customer)
    repeat = sum(1 for _, n in per_customer if n >= 2)
    return {
        "Net revenue (USD)": money(net),
        "Orders": f"{orders:,}",
        "Average order value (USD)": money((net + orders // 2) // orders) if orders else "–",
        "Customers": f"{customers:,}",
        "Repeat-purchase rate": f"{repeat / customers * 100:.1f}%" if customers else "–",
        "Refund rate": f"{(refunded or 0) / lines * 100:.1f}%" if lines else "–",
    }


# --- the app, through AppTest --------------------------------------------------------------------

def data_bounds(db: Path) -> tuple[date, date]:
    (first, last), = rows(db, "select min(d.full_date), max(d.full_date) from fact_orders f "
                              "join dim_date d on d.date_key = f.date_key")
    return date.fromisoformat(first), date.fromisoformat(last)


def test_key_figures_for_the_whole_range_and_the_previous_period(months):
    at = app(str(months))
    first, last = data_bounds(months)
    assert first < FIRST and last == LAST          # late lines in the first file: 30-31 Dec 2024
    assert at.date_input[0].value == (first, last)
    assert metrics(at) == expected_kpis(months, first, last)
    # beside each: the days just before, which hold no sale here
    days = (last - first).days + 1
    previous = data.Filters(first, last).previous()
    assert previous.days == days and previous.end == date(first.year, first.month, first.day - 1)
    assert (f"Beside each number, the previous {days} days ({previous.start:%d %b %Y} to "
            f"{previous.end:%d %b %Y}).") in " ".join(captions(at))
    assert all(c == "previous: –" or c in ("previous: 0.00", "previous: 0")
               for c in captions(at) if c.startswith("previous: "))


def test_the_date_range_and_categories_filter_every_number(months):
    at = app(str(months))
    start, end = date(2025, 2, 10), date(2025, 2, 23)
    at.date_input[0].set_value((start, end)).run()
    assert metrics(at) == expected_kpis(months, start, end)
    previous = expected_kpis(months, date(2025, 1, 27), date(2025, 2, 9))
    shown = [c for c in captions(at) if c.startswith("previous: ")]
    assert shown[0] == f"previous: {previous['Net revenue (USD)']}"     # beside the first card
    assert f"previous: {previous['Orders']}" in shown

    categories = tuple(at.multiselect[0].options[:2])
    for name in categories:
        at.multiselect[0].select(name)
    at.run()
    assert metrics(at) == expected_kpis(months, start, end, categories)


def test_the_drill_down_shows_the_lines_behind_a_day_and_a_product(months):
    at = app(str(months))
    at.date_input[0].set_value((date(2025, 3, 1), date(2025, 3, 7))).run()
    daily = at.selectbox(key="daily_drill")
    choice = daily.options[3]
    daily.select(choice).run()
    day = choice.split(" · ")[0]
    (count,), = rows(months, "select count(*) from fact_orders f join dim_date d on d.date_key = f.date_key "
                             "where d.full_date = ?", (day,))
    assert f"{count:,} order lines behind {choice}" in captions(at)
    table = at.dataframe[0].value
    assert len(table) == count and set(table["sales_date"]) == {day}

    top = at.selectbox(key="top_drill")
    first = top.options[1]
    top.select(first).run()
    product = first.split("(")[-1].split(")")[0]
    (count,), = rows(months, """select count(*) from fact_orders f join dim_date d on d.date_key = f.date_key
        join dim_products p on p.product_key = f.product_key
        where p.product_id = ? and d.full_date between '2025-03-01' and '2025-03-07'""", (product,))
    assert any(c.startswith(f"{count:,} order lines behind {first}") for c in captions(at))


def test_category_mix_keeps_8_categories_plus_other_and_marks_partial_months(months):
    at = app(str(months))
    # the data start on 31 Dec 2024 (late lines of 1 January's file) and end on 15 March
    assert "Partial months, marked with a star: 2024-12 (31 Dec only); 2025-03 (01 to 15 Mar only)" \
        in captions(at)
    options = at.selectbox(key="categories_drill").options[1:]
    months_shown = {option.split(" · ")[0] for option in options}
    assert months_shown == {"2024-12*", "2025-01", "2025-02", "2025-03*"}
    at.date_input[0].set_value((date(2025, 1, 1), date(2025, 2, 14))).run()
    assert "Partial months, marked with a star: 2025-02 (01 to 14 Feb only)" in captions(at)
    for month in months_shown:
        names = {option.split(" · ")[1] for option in options if option.startswith(month + " ")}
        assert len(names - {"Other"}) <= data.TOP_CATEGORIES
    (categories,), = rows(months, "select count(distinct category) from dim_products where product_key <> -1")
    assert categories > data.TOP_CATEGORIES + 1, "the sample must have more than 9 categories"
    assert any(" · Other · " in option for option in options)


def test_cohorts_are_shown_from_three_and_rejects_by_reason(months):
    at = app(str(months))
    cohort_options = at.selectbox(key="cohorts_drill").options[1:]
    assert {option.split(" ")[0] for option in cohort_options} == {"2025-01", "2025-02", "2025-03"}
    reasons = rows(months, "select reason_code, count(*) from rejected_records group by reason_code")
    options = at.selectbox(key="rejects_drill").options[1:]
    assert sorted(o.split(" (")[0] for o in options) == sorted(r for r, _ in reasons)
    at.selectbox(key="rejects_drill").select(options[0]).run()
    reason = options[0].split(" (")[0]
    assert any(c.startswith(f"{dict(reasons)[reason]:,} records behind") for c in captions(at))


def test_fewer_than_three_cohorts_hide_the_heatmap_with_a_note(tmp_path):
    (path, _), = generator.generate(date(2025, 3, 1), date(2025, 3, 1), 30, 2, tmp_path)
    db = tmp_path / "one.db"
    load(db, path)
    at = app(str(db))
    notes = [i.value for i in at.info]
    assert any("needs at least 3 monthly cohorts" in n and "has 1 (2025-03)" in n for n in notes), notes
    assert "cohorts_drill" not in [box.key for box in at.selectbox]


def test_the_currency_is_shown_beside_every_amount(months):
    at = app(str(months), "EUR")
    assert {"Net revenue (EUR)", "Average order value (EUR)"} <= set(metrics(at))
    assert any("amounts in EUR" in c for c in captions(at))
    assert all("EUR " in option for option in at.selectbox(key="top_drill").options[1:])


def test_the_dashboard_only_reads(months):
    before = hashlib.sha256(months.read_bytes()).hexdigest()
    at = app(str(months))
    at.date_input[0].set_value((date(2025, 2, 1), date(2025, 2, 28))).run()
    assert hashlib.sha256(months.read_bytes()).hexdigest() == before


def test_a_missing_warehouse_is_one_error_not_a_traceback(tmp_path):
    at = app(str(tmp_path / "none.db"))
    assert [e.value for e in at.error] == [(f"no warehouse at {tmp_path / 'none.db'}: the file does not exist "
                                            "(build one with `warehouse run`)")]


def test_the_same_numbers_on_postgresql(months, pg, tmp_path):  # noqa: F811
    """One warehouse on SQLite, the same files on PostgreSQL: the dashboard says the same."""
    same_numbers_as_on_sqlite(pg, tmp_path)


def test_the_same_numbers_on_duckdb(months, duck, tmp_path):  # noqa: F811
    """One warehouse on SQLite, the same files on DuckDB: the dashboard says the same."""
    same_numbers_as_on_sqlite(duck, tmp_path)


def same_numbers_as_on_sqlite(other_engine, tmp_path):
    written = generator.generate(date(2025, 2, 1), date(2025, 2, 10), 30, 9, tmp_path / "raw")
    files = [p for p, _ in written]
    lite = tmp_path / "lite.db"
    load(lite, *files)
    server = other_engine.warehouse("other")
    server.load(*files)
    shown = []
    for db in (str(lite), server.db):
        at = app(db)
        at.date_input[0].set_value((date(2025, 2, 3), date(2025, 2, 9))).run()
        shown.append((metrics(at), at.selectbox(key="top_drill").options))
    assert shown[0] == shown[1]
    assert shown[0][0] == expected_kpis(lite, date(2025, 2, 3), date(2025, 2, 9))


# --- the command -------------------------------------------------------------------------------------

def test_the_command_refuses_a_missing_warehouse_before_starting(cli, tmp_path):
    result = cli.invoke(warehouse_cli, ["dashboard", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 5
    assert "no warehouse at" in result.output and "Traceback" not in result.output


def test_without_streamlit_the_command_says_how_to_install_it(cli, months, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "streamlit" else real(name, *a))
    result = cli.invoke(warehouse_cli, ["dashboard", "--db", str(months)])
    assert result.exit_code == 2
    assert "pip install 'ecommerce-warehouse[dashboard]'" in result.output


def test_a_currency_that_is_no_code_is_a_usage_error(cli, months):
    result = cli.invoke(warehouse_cli, ["dashboard", "--db", str(months), "--currency", "dollars"])
    assert result.exit_code == 2 and "three letters" in result.output


# --- the real server, in a browser ---------------------------------------------------------------

@pytest.fixture
def served(months, tmp_path):
    port = browser.free_port()
    log = open(tmp_path / "server.log", "w")  # noqa: SIM115 - closed below
    process = subprocess.Popen([str(Path(sys.executable).with_name("warehouse")), "dashboard", "--db", str(months),
                                "--port", str(port), "--host", "127.0.0.1"],
                               stdout=log, stderr=subprocess.STDOUT,
                               env={**os.environ, "HOME": str(tmp_path)})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    break
        except OSError:
            pass
        assert process.poll() is None, (tmp_path / "server.log").read_text()
        assert time.monotonic() < deadline, "the dashboard did not start in 60 s"
        time.sleep(0.3)
    try:
        yield url
    finally:
        process.terminate()                        # the command stops Streamlit with it
        process.wait(timeout=30)
        log.close()
    assert_stopped(url)


def assert_stopped(url: str) -> None:
    """Nothing answers at ``url`` any more: the server stopped with its command."""
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=1)
        except OSError:
            return
        time.sleep(0.3)
    raise AssertionError(f"the dashboard still answers at {url} after its command ended")


@pytest.mark.skipif(browser.CHROMIUM is None,
                    reason="no chromium on this machine (Debian package `chromium`; .ci/run installs it)")
def test_the_server_draws_the_dashboard_in_headless_chromium(served, tmp_path):
    from test_report import colour_counts, hex_rgb, read_png

    shot = tmp_path / "dashboard.png"
    text = browser.capture(served, shot, width=1280, height=2200,
                           ready=("Rejects by reason", "Net revenue (USD)"))
    for words in ("Warehouse dashboard", "Key figures", "Daily revenue", "Top 10 products",
                  "Category mix by month", "Cohort retention", "Rejects by reason", "amounts in USD"):
        assert words in text, f"{words!r} is not on the page"
    width, height, pixels = read_png(shot)
    assert (width, height) == (1280, 2200)
    counts = colour_counts(pixels)
    assert len(counts) > 200, "the screenshot is nearly blank"
    for colour in ("#2b6cb0", "#2f855a"):          # daily revenue's bars, top products' bars
        painted = sum(n for rgb, n in counts.items()
                      if max(abs(a - b) for a, b in zip(rgb, hex_rgb(colour))) <= 24)
        assert painted >= 300, f"no {colour} bars on the screenshot ({painted} pixels)"
