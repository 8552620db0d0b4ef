"""The order lines' steps of the walkthrough: fourteen screens, from three files to Gold.

Each step is a ``lesson.Step``: what it says (title, idea), the SQL file it runs, an
exercise, and a function of the walkthrough ``w`` that does its work and returns the
lines of its effect (``walkthrough.Walkthrough`` gives the helpers: counts, a few rows,
tables and text that fit the screen). A step's effect is at most 13 lines, so that with
its title, idea and prompt it fits an 80×24 screen (tests/test_walkthrough.py checks).
"""

from __future__ import annotations

from ecommerce_warehouse import sources
from ecommerce_warehouse.classroom import scenario
from ecommerce_warehouse.classroom.lesson import CHECKS, Counts, Exercise, SqlShown, Step, WalkthroughError
from ecommerce_warehouse.classroom.screen import clip
from ecommerce_warehouse.db import write_transaction
from ecommerce_warehouse.load.ingest import FileResult, ingest_file
from ecommerce_warehouse.model import core, schema
from ecommerce_warehouse.model.checks import CheckResult
from ecommerce_warehouse.sources import transactions
from ecommerce_warehouse.sources.declaration import Source

SOURCE = transactions.SOURCE     # the scenario's input kind
UNKNOWN_MEMBERS = "schema/dim_unknown_members"
STAR = ("raw_transactions", "rejected_transactions", "dim_users", "dim_products", "dim_date",
        "fact_orders")


def views_of_layer(source: Source, layer: str) -> list[str]:
    """The kind's view files of one layer (its folder: bronze, silver or gold), in order."""
    return [name for name in source.views if name.startswith(f"{layer}/")]


def where(predicate, *names):
    """Tag a where-predicate with the columns it reads (so ``peek`` declares them)."""
    predicate.uses = names
    return predicate


def ada(c):
    return c.user_id == scenario.ADA_ID


def tid(transaction_id: str):
    return where(lambda c: c.transaction_id == transaction_id, "transaction_id")


def schema_files() -> list[str]:
    return [name for name in schema.table_files() if name != UNKNOWN_MEMBERS]


# --- steps 1 to 5: files, tables, unknown members, Bronze, Silver ---------------------------

def files(w) -> list[str]:
    w.files = scenario.write_scenario(w.raw_dir)
    sizes = ", ".join(f"{n}" for _, n in w.files)
    lines = [f"  batch files  0 → {len(w.files)}", ""]
    lines += w.text(f"{', '.join(p.name for p, _ in w.files)}: {sizes} lines. Written by hand "
                    "among the generated lines, one for each idea:")
    shown: list[list[str]] = []
    for item in scenario.HAND_MADE:
        day = f"day {(item.day - scenario.FIRST_DAY).days + 1}"
        if shown and shown[-1][0] == day and shown[-1][2] == item.topic:
            if item.transaction_id not in shown[-1][1]:      # TX-BAD-1, -2, -3
                shown[-1][1] += ", " + item.transaction_id[item.transaction_id.rindex("-"):]
            continue
        shown.append([day, item.transaction_id, item.topic])
    return lines + w.table(["day", "transaction_id", "what it shows"], shown)


def tables(w) -> list[str]:
    names = schema_files()
    with write_transaction(w.engine) as connection:
        before = len(w.objects(connection)[0])
        schema.create_tables(connection, names)
        schema.create_views(connection, views_of_layer(SOURCE, "bronze"))
        schema.record_version(connection, schema.VERSION, "created")
        made = w.objects(connection)[0]
    lines = [f"  tables  {before} → {len(made)}   ({len(names)} files of sql/schema/)", ""]
    return lines + w.text(", ".join(made) + ". Every table is empty for now.")


def unknown_members(w) -> list[str]:
    names = ["dim_users", "dim_products", "dim_date"]
    before = w.counts(names)
    with write_transaction(w.engine) as connection:
        # the table files again after them: a member of another dimension that points at
        # these (the unknown visitor at the unknown user) waits for them
        schema.create_tables(connection, [UNKNOWN_MEMBERS, *schema.table_files()])
    lines = w.change_lines(before, w.counts(names)) + [""]
    rows = [("dim_users", *w.peek("dim_users", ["user_key", "user_id", "name"])[0]),
            ("dim_products", *w.peek("dim_products", ["product_key", "product_id", "product_name"])[0]),
            ("dim_date", *w.peek("dim_date", ["date_key", "full_date", "day_name"])[0])]
    return lines + w.table(["dimension", "key", "natural key", "name"], rows)


def ingest_day(w, index: int) -> tuple[FileResult, list[str], str]:
    """Ingest day ``index``'s file: its result, the count lines, the file's summary."""
    names = ["raw_transactions", "rejected_transactions", "etl_files"]
    before = w.counts(names)
    path = w.files[index][0]
    result = ingest_file(w.engine, path, SOURCE, w.run_record.run_id)
    w.run_record.step("ingest", str(path), result.records_loaded, result.seconds)
    if result.status != "loaded":
        raise WalkthroughError(f"{path.name} did not load: {result.error or result.status}")
    summary = (f"{path.name}: {result.records_read} read = {result.records_loaded} loaded + "
               f"{result.duplicates_skipped} duplicates + {result.records_rejected} rejected")
    return result, w.change_lines(before, w.counts(names)), summary


def ingest_day_1(w) -> list[str]:
    w.start_run(scenario.days()[0])
    _, counted, summary = ingest_day(w, 0)
    columns = ["raw_id", "transaction_id", "load_status", "event_date", "quantity", "price_cents"]
    shown = w.peek("raw_transactions", columns, order_by="raw_id", limit=2)
    shown += w.peek("raw_transactions", columns, where=tid("TX-ADA-1"))
    return counted + [""] + w.text(summary) + [""] + w.table(columns, shown)


def silver(w) -> list[str]:
    before = w.counts(["silver_transactions"])
    with write_transaction(w.engine) as connection:
        views_before = len(w.objects(connection)[1])
        schema.create_views(connection, views_of_layer(SOURCE, "silver"))
        views = [view for view in w.objects(connection)[1] if view.startswith("silver_")]
    lines = [clip(f"  views  {views_before} → {views_before + len(views)}: {', '.join(views)}", w.width)]
    lines += w.change_lines(before, w.counts(["silver_transactions"]))
    columns = ["transaction_id", "quantity", "unit_price_cents", "total_amount_cents", "user_id"]
    shown = w.peek("silver_transactions", columns, order_by="raw_id", limit=2)
    shown += w.peek("silver_transactions", columns, where=tid("TX-ADA-1"))
    return lines + [""] + w.table(columns, shown)


# --- steps 6 to 10: day 1's transform, watched step by step ---------------------------------

def dim_users_effect(w, before: Counts) -> list[str]:
    low, high = w.staged
    lines = w.text(f"Lines staged since the watermark: raw_id {low + 1} to {high}.")
    lines += w.change_lines(before, w.counts(["dim_users"]))
    columns = ["user_key", "user_id", "name", "email"]
    shown = w.peek("dim_users", columns, where=where(lambda c: c.user_key >= 0, "user_key"),
                   order_by="user_key", limit=2)
    shown += w.peek("dim_users", columns, where=where(ada, "user_id"))
    return lines + [""] + w.table(columns, shown)


def dim_products_effect(w, before: Counts) -> list[str]:
    lines = w.change_lines(before, w.counts(["dim_products"]))
    columns = ["product_key", "product_id", "product_name", "list_price_cents"]
    shown = w.peek("dim_products", columns, where=where(lambda c: c.product_key >= 0, "product_key"),
                   order_by="product_key", limit=2)
    shown += w.peek("dim_products", columns,
                    where=where(lambda c: c.product_id == scenario.MUG["product_id"], "product_id"))
    return lines + [""] + w.table(columns, shown)


def dim_date_effect(w, before: Counts) -> list[str]:
    lines = w.change_lines(before, w.counts(["dim_date"]))
    columns = ["date_key", "full_date", "month_name", "day_name", "is_weekend"]
    shown = w.peek("dim_date", columns, where=where(lambda c: c.date_key > 0, "date_key"),
                   order_by="date_key", limit=None)
    lines += [""] + w.table(columns, shown)
    if any(row[1] < scenario.FIRST_DAY.isoformat() for row in shown):
        lines += [""] + w.text("Days before 1 March come from late lines in day 1's file.")
    return lines


def fact_orders_effect(w, before: Counts) -> list[str]:
    lines = w.change_lines(before, w.counts(["fact_orders"]))
    columns = ["transaction_id", "user_key", "product_key", "date_key", "total_amount_cents"]
    shown = w.peek("fact_orders", columns, order_by="order_key", limit=2)
    shown += w.peek("fact_orders", columns, where=tid("TX-ADA-1"))
    return lines + [""] + w.table(columns, shown)


def publish_effect(w, results: list[CheckResult], outside_before: int) -> list[str]:
    """Step 10's lines, once the transaction has committed: the order lines' checks one by
    one, each other kind's in one line (its own steps show them)."""
    own = {name.split("/")[-1] for name in (*core.CHECKS, *SOURCE.checks)}
    cells = [f"{r.status.upper():4}  {r.name}" for r in results if r.name in own]
    half = (len(cells) + 1) // 2
    column = (w.width - 4) // 2
    lines = [clip(f"  {clip(left, column).ljust(column)}  {right}", w.width)
             for left, right in zip(cells[:half], cells[half:] + [""])]
    others = []
    for source in sources.SOURCES:
        names = {name.split("/")[-1] for name in source.checks}
        ran = [r for r in results if r.name in names and r.name not in own]
        if ran:
            passed = sum(r.status == "pass" for r in ran)
            others.append(f"{source.name} {passed} of {len(ran)} passed")
    if others:
        lines.append(clip("  and the other kinds' checks: " + ", ".join(others), w.width))
    for result in (r for r in results if r.status == "warn"):
        why = " (our data is from 2025)" if "freshness" in result.name else ""
        lines += w.text(f"{result.name} warns{why}: recorded, never stops a run.")
    lines.append(f"  fact_orders to another connection: before the commit {outside_before:,}, "
                 f"after the commit {w.outside_count('fact_orders'):,}")
    lines += w.text(f"The watermark is now raw_id {w.staged[1]}: the next transform starts after it.")
    return lines


# --- steps 11 to 14: days 2 and 3 as a daily job, and Gold ----------------------------------

def ingest_day_2(w) -> list[str]:
    w.start_run(scenario.days()[1])
    result, counted, summary = ingest_day(w, 1)
    columns = ["record_number", "transaction_id", "load_status", "reject_reason"]
    batch = result.file_id
    shown = w.peek("raw_transactions", columns,
                   where=where(lambda c: (c.batch_id == batch) & (c.load_status != "loaded"),
                               "batch_id", "load_status"),
                   order_by="record_number", limit=None)
    return counted + w.text(summary) + [""] + w.table(columns, shown)


def dimension_state(w) -> dict[str, dict[str, dict]]:
    users = w.peek("dim_users", ["user_id", "user_key", "name", "email", "registration_date"], limit=None)
    products = w.peek("dim_products", ["product_id", "product_key", "product_name", "category",
                                       "list_price_cents"], limit=None)
    return {
        "dim_users": {row[0]: {"key": row[1], "name": row[2], "email": row[3],
                               "registration_date": row[4]} for row in users},
        "dim_products": {row[0]: {"key": row[1], "product_name": row[2], "category": row[3],
                                  "list_price_cents": row[4]} for row in products},
    }


def overwrites(before: dict, after: dict, dimension: str) -> list[tuple]:
    """(natural key, key, [(attribute, old, new)]) of each overwritten row, Ada first."""
    changed = []
    for natural, old in before[dimension].items():
        new = after[dimension].get(natural)
        if new is None:
            continue
        diffs = [(attr, old[attr], new[attr]) for attr in old if attr != "key" and old[attr] != new[attr]]
        if diffs:
            changed.append((natural != scenario.ADA_ID, natural, new["key"], diffs))
    return [item[1:] for item in sorted(changed)]


def transform_day_2(w) -> list[str]:
    before_counts = w.counts(STAR[2:])
    before = dimension_state(w)
    w.run_transform()
    w.finish_run()
    after = dimension_state(w)
    lines = w.change_lines(before_counts, w.counts(STAR[2:]))
    users, products = overwrites(before, after, "dim_users"), overwrites(before, after, "dim_products")
    rows = "1 row" if len(users) == 1 else f"{len(users)} rows"
    lines += [""] + w.text(f"SCD1 overwrote {rows} of dim_users in place, keeping the key; "
                           f"dim_products: {len(products) or 'none'}.")
    for natural, key, diffs in users[:1]:
        lines.append(f"    {natural} (user_key {key})" + (f", and {len(users) - 1} more" if len(users) > 1 else ""))
        lines += [clip(f"      {attr:<6} {old} → {new}", w.width) for attr, old, new in diffs[:2]]
    columns = ["transaction_id", "user_key", "product_key", "date_key", "total_amount_cents"]
    return lines + [""] + w.table(columns, w.peek("fact_orders", columns, where=tid("TX-GUEST-1")))


def day_3(w) -> list[str]:
    names = ["raw_transactions", "rejected_transactions", "fact_orders"]
    before_counts = w.counts(names)
    w.start_run(scenario.days()[2])
    ingest_day(w, 2)
    w.run_transform()
    w.finish_run()
    lines = w.change_lines(before_counts, w.counts(names)) + [""]
    columns = ["transaction_id", "order_timestamp", "date_key", "batch_id"]
    lines += w.table(columns, w.peek("fact_orders", columns, where=tid("TX-LATE-1")))
    kept = w.peek("dim_users", ["name_version", "name"], where=where(ada, "user_id"))
    late = w.peek("raw_transactions", ["event_ts", "transaction_id", "user_name"], where=tid("TX-LATE-1"))
    if kept and late:
        lines += [""] + w.text("Ada in dim_users keeps the newer name: the late line's version is older.")
        lines += w.table(["version", "name", "from"], [
            (kept[0][0], kept[0][1], "dim_users"),
            (f"{late[0][0]} {late[0][1]}", late[0][2], "the late line")])
    return lines


def gold(w) -> list[str]:
    with write_transaction(w.engine) as connection:
        views_before = len(w.objects(connection)[1])
        schema.create_views(connection, views_of_layer(SOURCE, "gold"))
        views = w.objects(connection)[1]
    lines = [f"  views  {views_before} → {len(views)}"]
    lines += w.text(", ".join(v for v in views if v.startswith("gold_")) + ".")
    columns = ["sales_date", "orders", "units", "customers", "net_revenue"]
    lines += [""] + w.table(columns, w.peek("gold_daily_sales", columns, order_by="sales_date", limit=None))
    return lines + [""] + w.text("1 March includes the late line TX-LATE-1, which arrived on 3 March: "
                                 "each sale counts on the day it was made.")


STEPS = (
    Step("A small shop, three days of orders",
         "A shop sends one JSON file of order lines a day. Three days, 1 to 3 March 2025: a few "
         "hundred generated lines and a few written by hand, so that each idea has an example.",
         None,
         Exercise("How many records did each day's file bring? (From step 4 on, the files are "
                  "in the warehouse; at the end all three are.)",
                  "select path, records_read from etl_files order by file_id"),
         run=files),
    Step("Bronze, Silver, Gold: create the tables",
         "Bronze keeps each record as it arrived, Silver cleans it, Gold answers questions; in "
         "between, a star: a fact table of order lines (grain: one row per line) and the "
         "dimensions it points at. Below, the tables; s shows the fact table's SQL.",
         SqlShown("schema/fact_orders"),
         Exercise("Which columns of fact_orders point at another table, and at which?",
                  "pragma foreign_key_list(fact_orders)"),
         run=tables),
    Step("The unknown member: key -1",
         "Every fact row must point at a dimension row, even when we do not know who bought. So "
         "each dimension gets a reserved unknown member, key -1 (Kimball); real members start at "
         "1. A guest checkout points at user_key -1: no sale dropped, no key null.",
         SqlShown(UNKNOWN_MEMBERS),
         Exercise("At the end: how many fact lines point at the unknown user, and what did they pay?",
                  "select count(*) as lines, sum(total_amount_cents) as cents\n"
                  "from fact_orders where user_key = -1"),
         run=unknown_members),
    Step("Day 1 lands in Bronze",
         "Ingest appends every record of the file to raw_transactions as received (raw_text), with "
         "typed columns when it passes the contract, in one transaction. raw_id grows with every "
         "record: the transform's bookmark, the watermark.",
         SqlShown("ingest/insert_raw_transaction"),
         Exercise("How many of day 1's records are loaded, duplicate or rejected?",
                  "select load_status, count(*) as records\nfrom raw_transactions where batch_id = 1\n"
                  "group by load_status"),
         run=ingest_day_1),
    Step("Silver: clean, typed lines",
         "Silver is a view over Bronze, not a copy: the valid lines once each, times in UTC, money "
         "in whole cents, defaults filled in (order_id, status).",
         SqlShown("silver/silver_transactions"),
         Exercise("How many Silver lines does each day have, and what do they add up to in cents?",
                  "select event_date, count(*) as lines, sum(total_amount_cents) as cents\n"
                  "from silver_transactions group by event_date order by event_date"),
         run=silver),
    Step("dim_users: surrogate keys and SCD type 1",
         "Day 1's transform starts: one open transaction until step 10. dim_users has one row per "
         "customer; user_key is a surrogate key, given once. SCD type 1: a new name or email "
         "overwrites the row, keeping no history; an older line never overwrites a newer one.",
         SqlShown("transform/dim_users"),
         Exercise("Run it now, while day 1's transform is still open, and again after step 10: "
                  "how many customers does another connection see?",
                  "select count(*) as customers from dim_users where user_key <> -1"),
         in_transform="dim_users", effect=dim_users_effect),
    Step("dim_products: the same rule for products",
         "Products load like users: one row per product_id, a surrogate product_key, attributes "
         "overwritten by newer values (SCD type 1).",
         SqlShown("transform/dim_products"),
         Exercise("Which three products have the highest list price?",
                  "select product_id, product_name, list_price_cents from dim_products\n"
                  "where product_key <> -1 order by list_price_cents desc limit 3"),
         in_transform="dim_products", effect=dim_products_effect),
    Step("dim_date: the calendar",
         "One row per calendar day, keyed by date_key = YYYYMMDD, with month, weekday and a weekend "
         "flag to group by. Every day from the first order to the last is there, with or without "
         "sales.",
         SqlShown("transform/dim_date"),
         Exercise("Which days of dim_date fall on a weekend?",
                  "select date_key, full_date, day_name from dim_date\n"
                  "where is_weekend = 1 order by date_key"),
         in_transform="dim_date", effect=dim_date_effect),
    Step("fact_orders: one row per order line",
         "One row per order line, the grain: the measures (quantity, price, total in cents) and the "
         "keys of its dimension rows, looked up by natural key. A line without a user gets -1. Only "
         "lines after the watermark are read, so each goes in once.",
         SqlShown("transform/fact_orders"),
         Exercise("At the end: how many order lines and how many cents does each day hold?",
                  "select date_key, count(*) as lines, sum(total_amount_cents) as cents\n"
                  "from fact_orders group by date_key order by date_key"),
         in_transform="fact_orders", effect=fact_orders_effect),
    Step("Write-audit-publish: check, then commit",
         "Steps 6 to 9 are written, not published. Every check in sql/checks/ now runs on the "
         "result, returning its failing rows; if an error check fails, all rolls back. Then the "
         "watermark moves and the transaction commits: readers see day 1 at once.",
         SqlShown("checks/fact_orders_foreign_keys"),
         Exercise("Which checks did not pass in any run so far, and were they errors or warnings?",
                  "select run_id, check_name, severity, status, failing_rows\n"
                  "from dq_check_results where status <> 'pass' order by result_id"),
         in_transform=CHECKS, effect=publish_effect),
    Step("Day 2: quarantine and duplicates",
         "A record that breaks the contract stays in Bronze as 'rejected' and goes to the "
         "quarantine with a reason code; the rest of the file loads. A transaction_id seen before "
         "is an identical copy (a duplicate, skipped) or a conflicting one (rejected).",
         SqlShown("ingest/mark_later_copies"),
         Exercise("Which records sit in the quarantine, from which file, and why?",
                  "select source_file, record_number, transaction_id, reason_code, field\n"
                  "from rejected_transactions order by raw_id"),
         run=ingest_day_2),
    Step("Day 2 transform: an SCD1 overwrite and a guest",
         "Day 2's transform runs in one go, as a daily job: steps 6 to 9, the checks, the commit. "
         "Ada's new name and email are newer, so SCD1 overwrites them in place: same user_key "
         "(SCD2 would add a row). The guest's line points at user_key -1.",
         SqlShown("transform/dim_users", start="on conflict (user_id)",
                  note="the merge"),
         Exercise("What are Ada's key, name and email now, and which lines did they come from?",
                  f"select user_key, name, email, name_version, email_version\n"
                  f"from dim_users where user_id = '{scenario.ADA_ID}'"),
         run=transform_day_2),
    Step("Day 3: a late-arriving line",
         "TX-LATE-1, an order of 1 March, arrives two days late with Ada's old name. Its fact row "
         "goes to the day it was ordered (date_key 20250301), and SCD1 keeps Ada's newer values: "
         "the order in which files arrive never changes the result.",
         SqlShown("transform/dim_users", start="newest_version as (",
                  note="the newest versions"),
         Exercise("Which files brought lines that arrived late, and how late were they?",
                  example="examples/late_arriving_lines.sql"),
         run=day_3),
    Step("Gold: answers for the business",
         "Gold views turn the star into answers: daily sales, top products, category shares, "
         "customer value, cohorts, order status. They read the fact and the dimensions, so they "
         "are as current as the last publish; money stays in exact cents.",
         SqlShown("gold/gold_daily_sales"),
         Exercise("Which day had the highest net revenue, and what was its average order value?",
                  "select sales_date, net_revenue, avg_order_value_cents\n"
                  "from gold_daily_sales order by net_revenue_cents desc limit 1"),
         run=gold),
)
