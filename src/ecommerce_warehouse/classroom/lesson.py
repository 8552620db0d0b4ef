"""The walkthrough's lesson: its fourteen steps, what each says, runs and shows.

Each step is a ``Step``: a title, the explanation, the SQL file it shows, and either an
action (it does its work and returns the lines of its effect) or, for day 1's transform,
the transform step it watches and the effect it shows once that step has run. The
``Lesson`` methods use the walkthrough's own helpers (counts, a few rows, text that fits
the screen), which ``walkthrough.Walkthrough`` provides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, select, table

from ecommerce_warehouse import sqlfiles
from ecommerce_warehouse.classroom import scenario
from ecommerce_warehouse.classroom.screen import clip
from ecommerce_warehouse.db import open_read_only, write_transaction
from ecommerce_warehouse.errors import WarehouseError
from ecommerce_warehouse.load.ingest import FileResult, ingest_file
from ecommerce_warehouse.model import schema
from ecommerce_warehouse.model.checks import CheckResult
from ecommerce_warehouse.model.transform import transform
from ecommerce_warehouse.sources import transactions
from ecommerce_warehouse.sources.declaration import Source

SOURCE = transactions.SOURCE     # the scenario's input kind
UNKNOWN_MEMBERS = "schema/dim_unknown_members"
# The step title of day 1's checks and commit (its transform steps are named by table).
CHECKS = "checks"


class WalkthroughError(WarehouseError):
    """The walkthrough cannot start (a --db it must not overwrite) or a step failed."""


# --- one step -------------------------------------------------------------------------

@dataclass(frozen=True)
class SqlShown:
    """The SQL file a step shows: all of it, or the lines from ``start`` to ``end`` markers."""

    name: str
    start: str | None = None      # the excerpt begins at the first line starting with this
    end: str | None = None        # ... and stops before the first later line starting with this
    note: str | None = None

    def shown_path(self, engine: str) -> str:
        return sqlfiles.shown_path(self.name, engine)

    def lines(self, engine: str) -> tuple[int, list[str]]:
        """(number of the first line shown, the lines shown)."""
        text = sqlfiles.read_text(self.name, engine).splitlines()
        first, last = 0, len(text)
        if self.start:
            first = next((i for i, line in enumerate(text) if line.strip().startswith(self.start)), 0)
        if self.end:
            last = next((i for i in range(first + 1, len(text))
                         if text[i].strip().startswith(self.end)), len(text))
        while last > first and not text[last - 1].strip():
            last -= 1
        return first + 1, text[first:last]


@dataclass
class Step:
    """One step. ``action`` does its work and returns the lines of its effect; a step of
    day 1's transform has none: ``in_transform`` names the transform step it shows (a
    table, or CHECKS), and ``effect`` turns the counts from before into its lines."""

    title: str
    explain: str
    sql: SqlShown | None
    action: Callable[[], list[str]] | None = None
    in_transform: str | None = None
    effect: Callable[..., list[str]] | None = None


@dataclass
class Counts:
    """Row counts of some tables and views (None: the object does not exist yet)."""

    rows: dict[str, int | None] = field(default_factory=dict)



class Lesson:
    """The steps, in order (``build_steps``), and what each does."""

    def build_steps(self) -> list[Step]:
        schema_files = [name for name in schema.table_files() if name != UNKNOWN_MEMBERS]
        return [
            Step("A small shop, three days of orders",
                 "A shop sends us one JSON file of order lines per day. This scenario has three "
                 "days, 1 to 3 March 2025: a few hundred lines made by the generator with a fixed "
                 "seed, plus a few lines written by hand so that each idea has an example. Ada "
                 "changes her name and email, a guest buys without an account, a line arrives two "
                 "days late, and some records are broken.",
                 None, self.step_files),
            Step("Bronze, Silver, Gold: create the tables",
                 "Bronze keeps every record exactly as it arrived, Silver cleans and types it, and "
                 "Gold answers business questions; in between sits a star schema, a fact table of "
                 "order lines surrounded by dimension tables (users, products, dates). This step "
                 f"runs the {len(schema_files)} files of sql/schema/; below is the fact table's. "
                 "Its grain is one row per order line; order_key is a surrogate key (a number the "
                 "warehouse makes up), and user_key, product_key and date_key point at the "
                 "dimensions.",
                 SqlShown("schema/fact_orders"), lambda: self.step_schema(schema_files)),
            Step("The unknown member: key -1",
                 "Every fact row must point at a dimension row, even when we do not know who "
                 "bought. So each dimension gets a reserved unknown member with key -1 (a Kimball "
                 "convention); real members' keys start at 1. A guest checkout will point at "
                 "user_key -1 instead of at nothing: no sale is dropped and no key is null.",
                 SqlShown(UNKNOWN_MEMBERS), self.step_unknown_members),
            Step("Day 1 lands in Bronze",
                 "Ingest appends every record of the day's file to raw_transactions, exactly as "
                 "received (raw_text), with typed columns filled when the record passes the input "
                 "contract. The file is registered in etl_files and loads in one transaction: all "
                 "of it or nothing. raw_id grows with every record; the transform uses it as its "
                 "bookmark, the watermark.",
                 SqlShown("ingest/insert_raw_transaction"), self.step_ingest_day_1),
            Step("Silver: clean, typed lines",
                 "Silver is a view over Bronze, not a copy: it keeps the valid lines once each, "
                 "with times in UTC and money in whole cents, and fills in defaults (order_id, "
                 "status). The pipeline creates the views together with the tables; here they are "
                 "created now, so you can see what they read.",
                 SqlShown("silver/silver_transactions"), self.step_silver),
            Step("dim_users: surrogate keys and SCD type 1",
                 "Day 1's transform starts here and stays in one open transaction until step 10. "
                 "dim_users has one row per customer (grain: user_id); user_key is a surrogate key, "
                 "given once and never changed. The table is SCD type 1: a changed name or email "
                 "overwrites the row in place, keeping no history; the *_version columns remember "
                 "which line each value came from, so an older line never overwrites a newer one.",
                 SqlShown("transform/dim_users"), in_transform="dim_users", effect=self.effect_dim_users),
            Step("dim_products: the same rule for products",
                 "Products load like users: one row per product_id, a surrogate product_key, and "
                 "attributes overwritten by newer values (SCD type 1). Below is how the file "
                 "starts; the rest is the same merge as dim_users.sql, for products.",
                 SqlShown("transform/dim_products", end="newest_version as (",
                          note="The file goes on with the newest-version merge of dim_users.sql."),
                 in_transform="dim_products", effect=self.effect_dim_products),
            Step("dim_date: the calendar",
                 "The date dimension has one row per calendar day, keyed by date_key = YYYYMMDD, "
                 "with the month, weekday and a weekend flag ready to group by. It fills every day "
                 "from the first to the last order date, so a day without sales still appears. "
                 "SQLite has no date type, so this is the file's SQLite twin.",
                 SqlShown("transform/dim_date"), in_transform="dim_date", effect=self.effect_dim_date),
            Step("fact_orders: one row per order line",
                 "The fact table holds one row per order line, the grain we chose: the measures "
                 "(quantity, price, total in cents) and the keys of its dimension rows. A join "
                 "swaps each natural key (user_id, product_id) for its surrogate key; a line "
                 "without a user gets -1, the unknown member. Only lines after the watermark are "
                 "read, so each line goes in once.",
                 SqlShown("transform/fact_orders"), in_transform="fact_orders",
                 effect=self.effect_fact_orders),
            Step("Write-audit-publish: check, then commit",
                 "Steps 6 to 9 are written but not published: no other reader sees them yet. Now "
                 "every quality check in sql/checks/ runs on the result, each returning its failing "
                 "rows (below, one of them); if an error check fails, everything rolls back and "
                 "the warehouse stays as it was. Only then does the watermark move and the "
                 "transaction commit, and readers see day 1 all at once.",
                 SqlShown("checks/fact_orders_foreign_keys"), in_transform=CHECKS,
                 effect=self.effect_publish),
            Step("Day 2: quarantine and duplicates",
                 "Day 2's file holds broken records. A record that breaks the input contract stays "
                 "in Bronze marked 'rejected' and is copied to the quarantine, "
                 "rejected_transactions, with a reason code; the rest of the file still loads. A "
                 "line whose transaction_id was loaded before is an identical copy (skipped as a "
                 "duplicate) or a conflicting one (rejected); this file finds them.",
                 SqlShown("ingest/mark_later_copies"), self.step_ingest_day_2),
            Step("Day 2 transform: an SCD1 overwrite and a guest",
                 "Day 2 runs the whole transform in one go, as a daily job does: the four files of "
                 "steps 6 to 9, the checks, the commit. Ada's new name and email are newer than "
                 "those in dim_users, so SCD type 1 overwrites them in place: same user_key, old "
                 "values gone (SCD type 2 would add a row instead). The guest checkout has no user, "
                 "so its fact row points at the unknown member, user_key -1.",
                 SqlShown("transform/dim_users", start="on conflict (user_id)",
                          note="The merge at the end of the file (step 6 showed all of it)."),
                 self.step_transform_day_2),
            Step("Day 3: a late-arriving line",
                 "Day 3's file carries TX-LATE-1, an order of 1 March that reached us two days "
                 "late, still with Ada's old name and email. Its fact row goes to the day it was "
                 "ordered (date_key 20250301), not the day it arrived. Its snapshot of Ada is older "
                 "than the one in dim_users, so SCD type 1 keeps the newer values: the order in "
                 "which files arrive never changes the result.",
                 SqlShown("transform/dim_users", start="newest_version as (",
                          end="newest_attribute as (",
                          note="How dim_users.sql finds the newest version of each attribute."),
                 self.step_day_3),
            Step("Gold: answers for the business",
                 "Gold views turn the star into answers: daily sales, top products, category "
                 "shares, customer value, cohorts, order status. They read only the fact and the "
                 "dimensions, so they are as current as the last publish, and money stays in exact "
                 "integer cents. Here is the first of them and what it says about our three days.",
                 SqlShown("gold/gold_daily_sales"), self.step_gold),
        ]

    def step_files(self) -> list[str]:
        self.files = scenario.write_scenario(self.raw_dir)
        lines = self.table(["file", "lines"], [(p.name, n) for p, n in self.files])
        lines += ["", "  Written by hand (the rest is generated):"]
        shown = [(f"day {(item.day - scenario.FIRST_DAY).days + 1}", item.transaction_id or "(none)",
                  item.shows) for item in scenario.HAND_MADE]
        lines += self.table(["day", "transaction_id", "what it shows"], shown)
        return ["  batch files  0 → 3", ""] + lines

    def step_schema(self, names: list[str]) -> list[str]:
        with write_transaction(self.engine) as connection:
            before = len(self.objects(connection)[0])
            schema.create_tables(connection, names)
            schema.create_views(connection, views_of_layer(SOURCE, "bronze"))
            schema.record_version(connection, schema.VERSION, "created")
            tables = self.objects(connection)[0]
        lines = [f"  tables  {before} → {len(tables)}", ""]
        lines += self.text(", ".join(tables) + ".", indent="  ")
        lines += [""] + self.text("Every table is empty for now.")
        return lines

    def step_unknown_members(self) -> list[str]:
        names = ["dim_users", "dim_products", "dim_date"]
        before = self.counts(names)
        with write_transaction(self.engine) as connection:
            # the table files again after them: a member of another dimension that points at
            # these (the unknown visitor at the unknown user) waits for them
            schema.create_tables(connection, [UNKNOWN_MEMBERS, *schema.table_files()])
        lines = self.change_lines(before, self.counts(names)) + [""]
        lines += self.table(["user_key", "user_id", "name"],
                            self.peek("dim_users", ["user_key", "user_id", "name"]))
        lines += [""] + self.table(["product_key", "product_id", "product_name", "category"],
                                   self.peek("dim_products", ["product_key", "product_id",
                                                              "product_name", "category"]))
        lines += [""] + self.table(["date_key", "full_date", "day_name"],
                                   self.peek("dim_date", ["date_key", "full_date", "day_name"]))
        return lines

    def ingest_day(self, index: int) -> tuple[FileResult, list[str], list[str]]:
        """Ingest day ``index``'s file: its result, the count lines, the file's summary lines."""
        names = ["raw_transactions", "rejected_transactions", "etl_files"]
        before = self.counts(names)
        path = self.files[index][0]
        result = ingest_file(self.engine, path, SOURCE, self.run_record.run_id)
        self.run_record.step("ingest", str(path), result.records_loaded, result.seconds)
        if result.status != "loaded":
            raise WalkthroughError(f"{path.name} did not load: {result.error or result.status}")
        summary = self.text(f"{path.name}: {result.records_read} read = {result.records_loaded} "
                            f"loaded + {result.duplicates_skipped} duplicates + "
                            f"{result.records_rejected} rejected")
        return result, self.change_lines(before, self.counts(names)), summary

    def step_ingest_day_1(self) -> list[str]:
        self.start_run(scenario.days()[0])
        _, counted, summary = self.ingest_day(0)
        lines = counted + [""] + summary
        columns = ["raw_id", "transaction_id", "load_status", "event_date", "quantity", "price_cents"]
        shown = self.peek("raw_transactions", columns, order_by="raw_id", limit=2)
        shown += self.peek("raw_transactions", columns,
                           where=with_uses(lambda c: c.transaction_id == "TX-ADA-1", "transaction_id"))
        return lines + [""] + self.table(columns, shown)

    def step_silver(self) -> list[str]:
        before = self.counts(["silver_transactions"])
        with write_transaction(self.engine) as connection:
            views_before = len(self.objects(connection)[1])
            schema.create_views(connection, views_of_layer(SOURCE, "silver"))
            views = [view for view in self.objects(connection)[1] if view.startswith("silver_")]
        lines = [f"  views  {views_before} → {views_before + len(views)}: {', '.join(views)}"]
        lines = [clip(line, self.width) for line in lines]
        lines += self.change_lines(before, self.counts(["silver_transactions"]))
        columns = ["transaction_id", "quantity", "unit_price_cents", "total_amount_cents", "user_id"]
        shown = self.peek("silver_transactions", columns, order_by="raw_id", limit=2)
        shown += self.peek("silver_transactions", columns,
                           where=with_uses(lambda c: c.transaction_id == "TX-ADA-1", "transaction_id"))
        return lines + [""] + self.table(columns, shown)

    def effect_dim_users(self, before: Counts) -> list[str]:
        low, high = self.staged
        lines = self.text(f"Lines staged since the watermark: raw_id {low + 1} to {high}.")
        lines += self.change_lines(before, self.counts(["dim_users"]))
        columns = ["user_key", "user_id", "name", "email"]
        shown = self.peek("dim_users", columns, where=with_uses(lambda c: c.user_key >= 0, "user_key"),
                          order_by="user_key", limit=2)
        shown += self.peek("dim_users", columns, where=with_uses(lambda c: c.user_id == scenario.ADA_ID,
                                                                 "user_id"))
        return lines + [""] + self.table(columns, shown)

    def effect_dim_products(self, before: Counts) -> list[str]:
        lines = self.change_lines(before, self.counts(["dim_products"]))
        columns = ["product_key", "product_id", "product_name", "list_price_cents"]
        shown = self.peek("dim_products", columns,
                          where=with_uses(lambda c: c.product_key >= 0, "product_key"),
                          order_by="product_key", limit=2)
        shown += self.peek("dim_products", columns,
                           where=with_uses(lambda c: c.product_id == scenario.MUG["product_id"],
                                           "product_id"))
        return lines + [""] + self.table(columns, shown)

    def effect_dim_date(self, before: Counts) -> list[str]:
        lines = self.change_lines(before, self.counts(["dim_date"]))
        columns = ["date_key", "full_date", "month_name", "day_name", "is_weekend"]
        shown = self.peek("dim_date", columns, where=with_uses(lambda c: c.date_key > 0, "date_key"),
                          order_by="date_key", limit=None)
        lines += [""] + self.table(columns, shown)
        if any(row[1] < scenario.FIRST_DAY.isoformat() for row in shown):
            lines += [""] + self.text("Days before 1 March come from late lines the generator put "
                                      "in day 1's file.")
        return lines

    def effect_fact_orders(self, before: Counts) -> list[str]:
        lines = self.change_lines(before, self.counts(["fact_orders"]))
        columns = ["transaction_id", "user_key", "product_key", "date_key", "total_amount_cents"]
        shown = self.peek("fact_orders", columns, order_by="order_key", limit=2)
        shown += self.peek("fact_orders", columns,
                           where=with_uses(lambda c: c.transaction_id == "TX-ADA-1", "transaction_id"))
        return lines + [""] + self.table(columns, shown)

    def effect_publish(self, results: list[CheckResult], outside_before: int) -> list[str]:
        """Step 10's lines, once the transaction has committed."""
        lines = self.check_lines(results)
        lines += [""] + self.text("fact_orders as another connection sees it:")
        lines += [f"  before the commit {outside_before:>5,}",
                  f"  after the commit  {self.outside_count('fact_orders'):>5,}"]
        lines += [""] + self.text(f"The watermark (etl_watermarks.through_raw_id) is now "
                                  f"{self.staged[1]}: the next transform starts after it.")
        return lines

    def check_lines(self, results) -> list[str]:
        cells = [f"{r.status.upper():4}  {r.name}" for r in results]
        half = (len(cells) + 1) // 2
        column_width = (self.width - 4) // 2
        lines = []
        for left, right in zip(cells[:half], cells[half:] + [""]):
            lines.append(clip(f"  {clip(left, column_width).ljust(column_width)}  {right}", self.width))
        warned = [r for r in results if r.status == "warn"]
        for result in warned:
            lines += [""] + self.text(f"{result.name} warns: {result.failing_rows} row(s). A warning "
                                      "is recorded and shown but never stops a run"
                                      + (" (our data is from 2025, so it is not fresh)."
                                         if "freshness" in result.name else "."))
        return lines

    def outside_count(self, name: str) -> int:
        """Rows of ``name`` as a separate read-only connection sees them."""
        engine = open_read_only(str(self.db_path))
        try:
            with engine.connect() as connection:
                return connection.execute(select(func.count()).select_from(table(name))).scalar_one()
        finally:
            engine.dispose()

    def step_ingest_day_2(self) -> list[str]:
        self.start_run(scenario.days()[1])
        result, counted, summary = self.ingest_day(1)
        lines = counted + [""] + summary
        columns = ["record_number", "transaction_id", "load_status", "reject_reason"]
        batch = result.file_id
        shown = self.peek("raw_transactions", columns,
                          where=with_uses(lambda c: (c.batch_id == batch) & (c.load_status != "loaded"),
                                          "batch_id", "load_status"),
                          order_by="record_number", limit=None)
        lines += [""] + self.table(columns, shown)
        message = self.peek("rejected_transactions", ["message"],
                            where=with_uses(lambda c: (c.batch_id == batch)
                                            & (c.reason_code == "conflicting_duplicate"),
                                            "batch_id", "reason_code"), limit=1)
        if message:
            lines += [""] + self.text(f"conflicting_duplicate says: {message[0][0]}")
        return lines

    def dimension_state(self) -> dict[str, dict[str, dict]]:
        users = self.peek("dim_users", ["user_id", "user_key", "name", "email", "registration_date"],
                          limit=None)
        products = self.peek("dim_products", ["product_id", "product_key", "product_name", "category",
                                              "list_price_cents"], limit=None)
        return {
            "dim_users": {row[0]: {"key": row[1], "name": row[2], "email": row[3],
                                   "registration_date": row[4]} for row in users},
            "dim_products": {row[0]: {"key": row[1], "product_name": row[2], "category": row[3],
                                      "list_price_cents": row[4]} for row in products},
        }

    def scd1_lines(self, before: dict, after: dict) -> list[str]:
        """Each overwritten attribute as before → after, Ada first, a few of each dimension."""
        lines = []
        for dimension, key_name in (("dim_users", "user_key"), ("dim_products", "product_key")):
            changed = []
            for natural, old in before[dimension].items():
                new = after[dimension].get(natural)
                if new is None:
                    continue
                diffs = [(attr, old[attr], new[attr]) for attr in old if attr != "key"
                         and old[attr] != new[attr]]
                if diffs:
                    changed.append((natural != scenario.ADA_ID, natural, new["key"], diffs))
            changed.sort()
            lines += [""] + self.text(f"SCD1 overwrites in {dimension}: {len(changed)} row(s), each "
                                      "keeping its key" if changed else
                                      f"SCD1 overwrites in {dimension}: none")
            for _, natural, key, diffs in changed[:3]:
                lines.append(f"    {natural} ({key_name} {key})")
                for attr, old_value, new_value in diffs:
                    lines.append(clip(f"      {attr:<17} {old_value} → {new_value}", self.width))
            if len(changed) > 3:
                lines.append(f"    … and {len(changed) - 3} more")
        return lines

    def run_transform(self) -> None:
        transform(self.engine, self.run_record)      # raises QualityGateError if a check fails

    STAR = ("raw_transactions", "rejected_transactions", "dim_users", "dim_products", "dim_date",
            "fact_orders")

    def step_transform_day_2(self) -> list[str]:
        before_counts = self.counts(self.STAR[2:])
        before = self.dimension_state()
        self.run_transform()
        self.finish_run()
        after = self.dimension_state()
        lines = self.change_lines(before_counts, self.counts(self.STAR[2:]))
        lines += self.scd1_lines(before, after)
        columns = ["transaction_id", "user_key", "product_key", "date_key", "total_amount_cents"]
        guest = self.peek("fact_orders", columns,
                          where=with_uses(lambda c: c.transaction_id == "TX-GUEST-1", "transaction_id"))
        lines += [""] + self.text("The guest checkout in fact_orders:") + self.table(columns, guest)
        return lines

    def step_day_3(self) -> list[str]:
        before_counts = self.counts(self.STAR)
        ada_before = self.peek("dim_users", ["name", "email", "name_version"],
                               where=with_uses(lambda c: c.user_id == scenario.ADA_ID, "user_id"))
        self.start_run(scenario.days()[2])
        result, _, summary = self.ingest_day(2)
        self.run_transform()
        self.finish_run()
        lines = self.change_lines(before_counts, self.counts(self.STAR)) + [""] + summary
        columns = ["transaction_id", "order_timestamp", "date_key", "batch_id"]
        late = self.peek("fact_orders", columns,
                         where=with_uses(lambda c: c.transaction_id == "TX-LATE-1", "transaction_id"))
        lines += [""] + self.text("The late line in fact_orders (batch 3 is day 3's file):")
        lines += self.table(columns, late)
        ada_after = self.peek("dim_users", ["name", "email", "name_version"],
                              where=with_uses(lambda c: c.user_id == scenario.ADA_ID, "user_id"))
        late_line = self.peek("raw_transactions", ["event_ts", "transaction_id", "user_name"],
                              where=with_uses(lambda c: c.transaction_id == "TX-LATE-1", "transaction_id"))
        if ada_before and ada_after and late_line:
            (name_before, email_before, version), (name_after, email_after, _) = ada_before[0], ada_after[0]
            lines += [""] + self.text("Ada in dim_users, before → after day 3 (SCD1 kept the "
                                      "newer values):")
            lines.append(clip(f"    name   {name_before} → {name_after}", self.width))
            lines.append(clip(f"    email  {email_before} → {email_after}", self.width))
            lines += [""] + self.table(["version", "name"], [
                (version, name_after),
                (f"{late_line[0][0]} {late_line[0][1]}", late_line[0][2]),
            ])
            lines += [""] + self.text("dim_users' version is newer than the late line's, so the "
                                      "late line's name does not win.")
        rejects = self.peek("rejected_transactions", ["record_number", "reason_code", "field"],
                            where=with_uses(lambda c: c.batch_id == result.file_id, "batch_id"),
                            order_by="record_number", limit=None)
        if rejects:
            lines += [""] + self.text("Day 3's rejects:") + self.table(
                ["record_number", "reason_code", "field"], rejects)
        return lines

    def step_gold(self) -> list[str]:
        with write_transaction(self.engine) as connection:
            views_before = len(self.objects(connection)[1])
            schema.create_views(connection, views_of_layer(SOURCE, "gold"))
            views = self.objects(connection)[1]
        lines = [f"  views  {views_before} → {len(views)}", ""]
        lines += self.text(", ".join(v for v in views if v.startswith("gold_")) + ".")
        columns = ["sales_date", "orders", "units", "customers", "net_revenue"]
        lines += [""] + self.table(columns, self.peek("gold_daily_sales", columns,
                                                       order_by="sales_date", limit=None))
        lines += [""] + self.text("1 March includes the late line TX-LATE-1, which arrived on "
                                  "3 March: each sale counts on the day it was made.")
        return lines


def views_of_layer(source: Source, layer: str) -> list[str]:
    """The kind's view files of one layer (its folder: bronze, silver or gold), in order."""
    return [name for name in source.views if name.startswith(f"{layer}/")]


def with_uses(predicate, *names):
    """Tag a where-predicate with the columns it reads (so ``peek`` declares them)."""
    predicate.uses = names
    return predicate


