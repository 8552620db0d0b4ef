"""Every teaching query in sql/examples/ runs through `warehouse query --file`, and most
answers are checked against the same question answered independently in Python, from
the base tables read row by row (no SQL logic shared with the examples)."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import SQL_DIR, rows
from ecommerce_warehouse.cli import warehouse
from ecommerce_warehouse.pipeline import PipelineOptions, run_pipeline

EXAMPLES = SQL_DIR / "examples"
EXAMPLE_NAMES = sorted(path.stem for path in EXAMPLES.glob("*.sql"))
CHECKED = set()  # filled by @checks below: the examples with an independent Python answer


def checks(name: str):
    def register(function):
        CHECKED.add(name)
        return function
    return register


@pytest.fixture(scope="module")
def warehouse_db(tmp_path_factory) -> Path:
    """A small warehouse over two calendar months, with dirty records and late lines."""
    folder = tmp_path_factory.mktemp("examples")
    db = folder / "warehouse.db"
    run_pipeline(PipelineOptions(db=str(db), start=date(2025, 2, 10), end=date(2025, 3, 12),
                                 seed=11, transactions=40, raw_dir=folder / "raw", dirty_rate=0.05))
    return db


def run_example(db: Path, name: str) -> list[dict]:
    result = CliRunner().invoke(warehouse, ["query", "--db", str(db), "--file",
                                            str(EXAMPLES / f"{name}.sql"), "--format", "json",
                                            "--limit", "0"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- the base tables, read plainly ------------------------------------------------------------

def key_date(date_key: int) -> date:
    return date(date_key // 10000, date_key // 100 % 100, date_key % 100)


def fact_lines(db: Path) -> list[dict]:
    """Every fact line with its product, user and date looked up in Python."""
    products = {key: {"product_id": pid, "product_name": name, "category": category}
                for key, pid, name, category in rows(
                    db, "select product_key, product_id, product_name, category from dim_products")}
    users = {key: user_id for key, user_id in rows(db, "select user_key, user_id from dim_users")}
    lines = []
    for (order_id, user_key, product_key, date_key, quantity, total, status, timestamp,
         batch_id) in rows(db, "select order_id, user_key, product_key, date_key, quantity, "
                               "total_amount_cents, status, order_timestamp, batch_id from fact_orders"):
        lines.append({"order_id": order_id, "user_key": user_key, "user_id": users[user_key],
                      "date": key_date(date_key), "quantity": quantity, "cents": total,
                      "status": status, "timestamp": timestamp, "batch_id": batch_id,
                      **products[product_key]})
    return lines


def completed(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["status"] == "completed"]


def calendar(lines: list[dict], db: Path) -> list[date]:
    """Every day from the first to the last day the warehouse knows: of its order lines, and
    of its page views, which share the calendar (dim_date) and may reach a day further."""
    (first_view, last_view), = rows(db, "select min(event_date), max(event_date) from silver_page_views"
                                        " where is_bot = 0")
    days = [line["date"] for line in lines]
    days += [date.fromisoformat(d) for d in (first_view, last_view) if d]
    first, last = min(days), max(days)
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def half_up(total: int, count: int) -> int:
    """total / count rounded half up (for non-negative totals), as the SQL computes it."""
    return (2 * total + count) // (2 * count)


# --- every example ----------------------------------------------------------------------------

def test_there_are_at_least_twelve_examples():
    assert len(EXAMPLE_NAMES) >= 12


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_states_its_question_grain_and_sources(name):
    text = (EXAMPLES / f"{name}.sql").read_text(encoding="utf-8")
    header = text.split("\nwith ", 1)[0].split("\nselect", 1)[0]
    for label in ("-- Question:", "-- Grain:", "-- Reads:"):
        assert label in header, f"{name}.sql has no {label!r} line in its header"
    body = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("--"))
    assert body == body.lower(), f"{name}.sql: SQL is written in lowercase"


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_example_runs_and_answers(warehouse_db, name):
    assert run_example(warehouse_db, name), f"{name}.sql returned no row"


def test_at_least_half_of_the_examples_are_checked_independently():
    assert CHECKED <= set(EXAMPLE_NAMES)
    assert len(CHECKED) * 2 >= len(EXAMPLE_NAMES)


# --- independent answers -----------------------------------------------------------------------

@checks("top_products_by_revenue")
def test_top_products_by_revenue(warehouse_db):
    revenue = Counter()
    units = Counter()
    orders = defaultdict(set)
    for line in completed(fact_lines(warehouse_db)):
        revenue[line["product_id"]] += line["cents"]
        units[line["product_id"]] += line["quantity"]
        orders[line["product_id"]].add(line["order_id"])
    tenth = sorted(revenue.values(), reverse=True)[9]
    expected = {pid for pid, cents in revenue.items() if cents >= tenth}

    answer = run_example(warehouse_db, "top_products_by_revenue")
    assert {row["product_id"] for row in answer} == expected
    for row in answer:
        pid = row["product_id"]
        assert row["revenue_cents"] == revenue[pid]
        assert row["revenue"] == pytest.approx(revenue[pid] / 100)
        assert row["units"] == units[pid]
        assert row["orders"] == len(orders[pid])
        assert row["revenue_rank"] == 1 + sum(1 for cents in revenue.values() if cents > revenue[pid])
    assert [row["revenue_cents"] for row in answer] == sorted(
        (row["revenue_cents"] for row in answer), reverse=True)


@checks("category_growth_month_over_month")
def test_category_growth_month_over_month(warehouse_db):
    lines = fact_lines(warehouse_db)
    months = sorted({day.strftime("%Y-%m") for day in calendar(lines, warehouse_db)})
    assert len(months) == 2, "the test warehouse spans two months"
    categories = sorted({c for (c,) in rows(warehouse_db, "select category from dim_products "
                                                          "where product_key <> -1")} - {None})
    revenue = Counter()
    for line in completed(lines):
        revenue[line["date"].strftime("%Y-%m"), line["category"]] += line["cents"]

    answer = run_example(warehouse_db, "category_growth_month_over_month")
    assert [(row["month"], row["category"]) for row in answer] == [
        (month, category) for month in months for category in categories]
    for row in answer:
        now = revenue[row["month"], row["category"]]
        assert row["revenue_cents"] == now
        if row["month"] == months[0]:
            assert row["previous_revenue_cents"] is None and row["grew"] is None
            continue
        before = revenue[months[months.index(row["month"]) - 1], row["category"]]
        assert row["previous_revenue_cents"] == before
        assert row["change_cents"] == now - before
        assert row["grew"] == (1 if now > before else 0)
        if before:
            assert row["growth_rate"] == pytest.approx((now - before) / before, abs=1e-4)
        else:
            assert row["growth_rate"] is None


@checks("one_time_customers")
def test_one_time_customers(warehouse_db):
    lines = fact_lines(warehouse_db)
    orders = defaultdict(lambda: defaultdict(list))
    for line in lines:
        if line["user_key"] != -1:
            orders[line["user_id"]][line["order_id"]].append(line)
    last_day = max(line["date"] for line in lines)
    expected = {}
    for user_id, by_order in orders.items():
        if len(by_order) == 1:
            ((order_id, order_lines),) = by_order.items()
            if all(line["status"] == "completed" for line in order_lines):
                expected[user_id] = (order_id, sum(line["cents"] for line in order_lines),
                                     (last_day - order_lines[0]["date"]).days)

    answer = run_example(warehouse_db, "one_time_customers")
    assert expected
    assert {row["user_id"]: (row["order_id"], row["order_cents"], row["days_since_order"])
            for row in answer} == expected
    assert len(answer) == len(expected)


@checks("scd1_overwrites_vs_scd2")
def test_scd1_overwrites_vs_scd2(warehouse_db):
    snapshots = defaultdict(list)
    for user_id, event_ts, transaction_id, name, email, registered in rows(
        warehouse_db, "select user_id, event_ts, transaction_id, user_name, user_email, "
                      "user_registration_date from raw_transactions "
                      "where load_status = 'loaded' and user_id is not null"):
        snapshots[user_id].append((event_ts, transaction_id, (name, email, registered)))
    expected = {}
    for user_id, seen in snapshots.items():
        versions = []  # (values, valid_from, snapshots)
        for event_ts, _, values in sorted(seen):
            if versions and versions[-1][0] == values:
                versions[-1][2] += 1
            else:
                versions.append([values, event_ts, 1])
        if len(versions) > 1:
            expected[user_id] = versions
    current = {user_id: (name, email, registered) for user_id, name, email, registered in rows(
        warehouse_db, "select user_id, name, email, registration_date from dim_users")}

    answer = run_example(warehouse_db, "scd1_overwrites_vs_scd2")
    assert expected, "the test warehouse has users whose attributes changed"
    by_user = defaultdict(list)
    for row in answer:
        by_user[row["user_id"]].append(row)
    assert set(by_user) == set(expected)
    for user_id, versions in expected.items():
        got = by_user[user_id]
        assert [row["version"] for row in got] == list(range(1, len(versions) + 1))
        for number, (row, (values, valid_from, count)) in enumerate(zip(got, versions)):
            assert (row["name"], row["email"], row["registration_date"]) == values
            assert row["valid_from"] == valid_from
            assert row["snapshots"] == count
            assert row["versions"] == len(versions)
            following = versions[number + 1][1] if number + 1 < len(versions) else None
            assert row["valid_to"] == following
            assert row["kept_in_dim_users"] == (1 if current[user_id] == values else 0)
        # SCD1 keeps exactly the newest version
        assert got[-1]["kept_in_dim_users"] == 1


@checks("average_basket_size")
def test_average_basket_size(warehouse_db):
    baskets = defaultdict(lambda: defaultdict(lambda: [0, 0, 0]))
    for line in completed(fact_lines(warehouse_db)):
        basket = baskets[line["date"].strftime("%Y-%m")][line["order_id"]]
        basket[0] += 1
        basket[1] += line["quantity"]
        basket[2] += line["cents"]

    answer = run_example(warehouse_db, "average_basket_size")
    assert [row["month"] for row in answer] == sorted(baskets)
    for row in answer:
        month = baskets[row["month"]]
        orders = len(month)
        assert row["orders"] == orders
        assert row["avg_lines_per_order"] == pytest.approx(
            sum(b[0] for b in month.values()) / orders, abs=0.006)
        assert row["avg_units_per_order"] == pytest.approx(
            sum(b[1] for b in month.values()) / orders, abs=0.006)
        assert row["avg_order_value_cents"] == half_up(sum(b[2] for b in month.values()), orders)


@checks("revenue_by_weekday")
def test_revenue_by_weekday(warehouse_db):
    lines = fact_lines(warehouse_db)
    days = Counter(day.isoweekday() for day in calendar(lines, warehouse_db))
    revenue = Counter()
    orders = defaultdict(set)
    for line in completed(lines):
        revenue[line["date"].isoweekday()] += line["cents"]
        orders[line["date"].isoweekday()].add(line["order_id"])
    total = sum(revenue.values())

    answer = run_example(warehouse_db, "revenue_by_weekday")
    assert [row["day_of_week"] for row in answer] == list(range(1, 8))
    for row in answer:
        weekday = row["day_of_week"]
        assert row["day_name"] == date(2025, 3, 2 + weekday).strftime("%A")
        assert row["days"] == days[weekday]
        assert row["orders"] == len(orders[weekday])
        assert row["revenue_cents"] == revenue[weekday]
        assert row["avg_revenue_per_day_cents"] == half_up(revenue[weekday], days[weekday])
        assert row["share_of_revenue"] == pytest.approx(revenue[weekday] / total, abs=1e-4)


@checks("guest_vs_known_customers")
def test_guest_vs_known_customers(warehouse_db):
    orders = defaultdict(set)
    revenue = Counter()
    for line in completed(fact_lines(warehouse_db)):
        kind = "guest" if line["user_key"] == -1 else "known"
        orders[kind].add(line["order_id"])
        revenue[kind] += line["cents"]
    all_orders = sum(len(o) for o in orders.values())

    answer = run_example(warehouse_db, "guest_vs_known_customers")
    assert [row["customer_type"] for row in answer] == ["guest", "known"]
    for row in answer:
        kind = row["customer_type"]
        assert row["orders"] == len(orders[kind])
        assert row["revenue_cents"] == revenue[kind]
        assert row["share_of_orders"] == pytest.approx(len(orders[kind]) / all_orders, abs=1e-4)
        assert row["share_of_revenue"] == pytest.approx(revenue[kind] / sum(revenue.values()), abs=1e-4)


@checks("late_arriving_lines")
def test_late_arriving_lines(warehouse_db):
    by_batch = defaultdict(list)
    for line in fact_lines(warehouse_db):
        by_batch[line["batch_id"]].append(line["date"])
    expected = {}
    for batch_id, dates in by_batch.items():
        newest = max(dates)
        late = [(newest - day).days for day in dates if day < newest]
        if late:
            expected[batch_id] = (newest.isoformat(), len(dates), len(late), max(late))
    paths = dict(rows(warehouse_db, "select file_id, path from etl_files"))

    answer = run_example(warehouse_db, "late_arriving_lines")
    assert expected, "the test warehouse has late lines"
    assert {row["batch_id"]: (row["batch_date"], row["lines"], row["late_lines"], row["max_days_late"])
            for row in answer} == expected
    for row in answer:
        assert row["path"] == paths[row["batch_id"]]
        # the generated files are daily: a batch's newest date is the date in its name
        assert re.search(r"transactions_(\d{8})\.json$", row["path"]).group(1) == \
            row["batch_date"].replace("-", "")


@checks("rejects_by_reason")
def test_rejects_by_reason(warehouse_db):
    rejects = rows(warehouse_db, "select raw_id, reason_code, field, message, batch_id "
                                 "from rejected_transactions")
    groups = defaultdict(list)
    for raw_id, reason, field, message, batch_id in sorted(rejects):
        groups[reason, field].append((message, batch_id))

    answer = run_example(warehouse_db, "rejects_by_reason")
    assert rejects
    assert {(row["reason_code"], row["field"]) for row in answer} == set(groups)
    for row in answer:
        group = groups[row["reason_code"], row["field"]]
        assert row["rejects"] == len(group)
        assert row["files"] == len({batch for _, batch in group})
        assert row["example_message"] == group[0][0]
        assert row["share_of_rejects"] == pytest.approx(len(group) / len(rejects), abs=1e-4)
    assert sum(row["rejects"] for row in answer) == len(rejects)


@checks("daily_revenue_moving_average")
def test_daily_revenue_moving_average(warehouse_db):
    lines = fact_lines(warehouse_db)
    revenue = Counter()
    for line in completed(lines):
        revenue[line["date"]] += line["cents"]
    days = calendar(lines, warehouse_db)

    answer = run_example(warehouse_db, "daily_revenue_moving_average")
    assert [row["sales_date"] for row in answer] == [day.isoformat() for day in days]
    for index, (row, day) in enumerate(zip(answer, days)):
        window = [revenue[d] for d in days[max(0, index - 6): index + 1]]
        assert row["revenue_cents"] == revenue[day]
        assert row["days_in_window"] == len(window)
        assert row["moving_avg_7d_cents"] == half_up(sum(window), len(window))
        assert row["moving_avg_7d"] == pytest.approx(sum(window) / len(window) / 100, abs=0.006)


@checks("refund_rate_by_category")
def test_refund_rate_by_category(warehouse_db):
    statuses = defaultdict(Counter)
    refunded_cents = Counter()
    for line in fact_lines(warehouse_db):
        statuses[line["category"]][line["status"]] += 1
        if line["status"] == "refunded":
            refunded_cents[line["category"]] += line["cents"]

    answer = run_example(warehouse_db, "refund_rate_by_category")
    assert {row["category"] for row in answer} == set(statuses)
    for row in answer:
        counts = statuses[row["category"]]
        lines = sum(counts.values())
        assert row["lines"] == lines
        assert row["refunded_lines"] == counts["refunded"]
        assert row["cancelled_lines"] == counts["cancelled"]
        assert row["refund_rate"] == pytest.approx(counts["refunded"] / lines, abs=1e-4)
        assert row["refunded_cents"] == refunded_cents[row["category"]]
    rates = [row["refund_rate"] for row in answer]
    assert rates == sorted(rates, reverse=True)


@checks("repeat_purchase_rate")
def test_repeat_purchase_rate(warehouse_db):
    order_dates = defaultdict(dict)
    for line in completed(fact_lines(warehouse_db)):
        if line["user_key"] != -1:
            order_dates[line["user_id"]][line["order_id"]] = line["date"]
    cohorts = defaultdict(list)
    for orders in order_dates.values():
        ordered = sorted((day, order_id) for order_id, day in orders.items())
        gap = (ordered[1][0] - ordered[0][0]).days if len(ordered) > 1 else None
        cohorts[ordered[0][0].strftime("%Y-%m")].append(gap)

    answer = run_example(warehouse_db, "repeat_purchase_rate")
    assert [row["cohort_month"] for row in answer] == sorted(cohorts)
    for row in answer:
        gaps = cohorts[row["cohort_month"]]
        repeat = [gap for gap in gaps if gap is not None]
        assert row["customers"] == len(gaps)
        assert row["repeat_customers"] == len(repeat)
        assert row["repeat_rate"] == pytest.approx(len(repeat) / len(gaps), abs=1e-4)
        if repeat:
            assert row["avg_days_to_second_order"] == pytest.approx(sum(repeat) / len(repeat), abs=0.06)


@checks("orders_by_hour")
def test_orders_by_hour(warehouse_db):
    order_hour = {}
    for line in completed(fact_lines(warehouse_db)):
        order_hour[line["order_id"]] = int(line["timestamp"][11:13])
    per_hour = Counter(order_hour.values())

    answer = run_example(warehouse_db, "orders_by_hour")
    assert {row["hour_utc"]: row["orders"] for row in answer} == dict(per_hour)
    assert sum(row["share_of_orders"] for row in answer) == pytest.approx(1, abs=1e-3)


# --- the page views' examples, checked against the facts read plainly --------------------------------

@checks("conversion_by_channel")
def test_conversion_by_channel(warehouse_db):
    channels = dict(rows(warehouse_db, "select channel_key, channel from dim_channel"))
    totals: dict[str, list[int]] = {}
    for channel_key, bounce, purchase, cents in rows(
            warehouse_db, "select channel_key, is_bounce, reached_purchase, revenue_cents from fact_sessions"):
        total = totals.setdefault(channels[channel_key], [0, 0, 0, 0])
        for i, value in enumerate((1, bounce, purchase, cents)):
            total[i] += value
    answer = run_example(warehouse_db, "conversion_by_channel")
    assert [row["channel"] for row in answer] == sorted(totals, key=lambda c: (-totals[c][0], c))
    assert len(answer) >= 5, "the generated shop has sessions from every channel"
    for row in answer:
        sessions, bounces, purchases, cents = totals[row["channel"]]
        assert (row["sessions"], row["purchases"], row["revenue_cents"]) == (sessions, purchases, cents)
        assert row["bounce_rate"] == pytest.approx(bounces / sessions)
        assert row["conversion_rate"] == pytest.approx(purchases / sessions)
        assert row["revenue_per_session_cents"] == half_up(cents, sessions)
    assert sum(row["revenue_cents"] for row in answer) > 0


@checks("time_on_page_by_page_type")
def test_time_on_page_by_page_type(warehouse_db):
    types = dict(rows(warehouse_db, "select page_type_key, page_type from dim_page_type"))
    seen: dict[str, list] = {}
    for page_type_key, seconds in rows(warehouse_db, "select page_type_key, time_on_page_seconds"
                                                     " from fact_page_views"):
        seen.setdefault(types[page_type_key], []).append(seconds)
    answer = run_example(warehouse_db, "time_on_page_by_page_type")
    assert {row["page_type"] for row in answer} == set(seen)
    for row in answer:
        views = seen[row["page_type"]]
        timed = [s for s in views if s is not None]
        assert (row["views"], row["timed_views"]) == (len(views), len(timed))
        assert row["avg_seconds"] == (half_up(sum(timed), len(timed)) if timed else None)
        assert row["exit_share"] == pytest.approx((len(views) - len(timed)) / len(views))
    # a purchase (the confirmation) ends its session: it is never followed in the generated shop
    assert next(row for row in answer if row["page_type"] == "purchase")["exit_share"] == 1.0


@checks("stitched_sessions")
def test_stitched_sessions(warehouse_db):
    visitors = {key: (visitor_id, user_key) for key, visitor_id, user_key in rows(
        warehouse_db, "select visitor_key, visitor_id, user_key from dim_visitors")}
    users = dict(rows(warehouse_db, "select user_key, user_id from dim_users"))
    expected = sorted(
        (started, session_id, visitors[visitor_key][0], users[user_key])
        for session_id, visitor_key, user_key, logged_in, started in rows(
            warehouse_db, "select session_id, visitor_key, user_key, is_logged_in, started_at from fact_sessions")
        if not logged_in and user_key != -1)
    answer = run_example(warehouse_db, "stitched_sessions")
    assert [(r["started_at"], r["session_id"], r["visitor_id"], r["user_id"]) for r in answer] == expected
    assert answer, "the generated shop has buyers who browsed anonymously first"
    # each is linked to the user its visitor logged in as
    assert all(visitors_user == r["user_id"] for r in answer
               for visitors_user in [users[next(u for v, u in visitors.values() if v == r["visitor_id"])]])


# --- the change events' example, checked against the facts and the versions read plainly -------------

@checks("revenue_by_category_now_vs_when_sold")
def test_revenue_by_category_now_vs_when_sold(warehouse_db):
    versions: dict[str, list[tuple]] = {}
    for product_id, valid_from, valid_to, category in rows(
            warehouse_db, "select product_id, valid_from, valid_to, category from dim_products_history"):
        versions.setdefault(product_id, []).append((valid_from, valid_to, category))
    now: dict[str, int] = {}
    then: dict[str, int] = {}
    for line in completed(fact_lines(warehouse_db)):
        now[line["category"]] = now.get(line["category"], 0) + line["cents"]
        found = [c for start, end, c in versions.get(line["product_id"], [])
                 if start <= line["timestamp"] < end]
        assert len(found) <= 1, "versions never overlap"
        sold_as = found[0] if found else "(no version)"
        then[sold_as] = then.get(sold_as, 0) + line["cents"]
    answer = run_example(warehouse_db, "revenue_by_category_now_vs_when_sold")
    assert [row["category"] for row in answer] == sorted(set(now) | set(then))
    for row in answer:
        assert row["revenue_now_cents"] == now.get(row["category"], 0)
        assert row["revenue_when_sold_cents"] == then.get(row["category"], 0)
        assert row["moved_cents"] == row["revenue_now_cents"] - row["revenue_when_sold_cents"]
    assert sum(r["revenue_now_cents"] for r in answer) == sum(r["revenue_when_sold_cents"] for r in answer)
    assert any(row["moved_cents"] != 0 for row in answer), "some product changed category over the weeks"
