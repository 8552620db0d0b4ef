"""What the engine test files share (test_postgres.py, test_duckdb.py):
the rows compared across engines, the runs and tricky batches loaded on each, the bad input
corpus, the one-line error check and the documents that list the SQL twins.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from backends import Backend, open_backend
from conftest import SQL_DIR, VIEW_FILES
from ecommerce_warehouse import settings
from ecommerce_warehouse.cli import warehouse as warehouse_cli
from ecommerce_warehouse.generate import changes as changes_generator
from ecommerce_warehouse.generate import events as events_generator
from ecommerce_warehouse.generate import transactions as generator

GOLD_VIEWS = tuple(name.split("/")[-1] for name in VIEW_FILES if name.startswith("gold/"))
SILVER_VIEWS = tuple(name.split("/")[-1] for name in VIEW_FILES if name.startswith("silver/"))

# Every star table and view, as rows to compare across engines (load timestamps, loaded_at,
# created_at and updated_at, left out). The star's surrogate keys are given by the SQL, so
# they are the same numbers on every engine ("keys"); the run log's ids (batch_id, run_id)
# are the engine's own and are compared through what they stand for.
EQUIVALENT = {
    "keys": """
        select 'user' as kind, user_id as natural_key, user_key as surrogate_key from dim_users
        union all
        select 'product', product_id, product_key from dim_products
        union all
        select 'order line', transaction_id, order_key from fact_orders
        union all
        select 'order line user', transaction_id, user_key from fact_orders
        union all
        select 'order line product', transaction_id, product_key from fact_orders
        union all
        select 'visitor', visitor_id, visitor_key from dim_visitors
        union all
        select 'page view', event_id, page_view_key from fact_page_views
        union all
        select 'session', session_id, session_key from fact_sessions
        union all
        select 'payment', payment_id, payment_key from fact_payments
        union all
        select 'product version', product_id || ' ' || cast(version_ts_ms as text) || ' '
               || cast(version_position as text), product_version_key
        from dim_products_history
        order by 1, 2""",
    "dim_users": """
        select user_id, name, email, registration_date, is_inferred,
               name_version, email_version, registration_date_version, user_key = -1
        from dim_users order by user_id""",
    "dim_products": """
        select product_id, product_name, category, list_price_cents, is_inferred,
               product_name_version, category_version, list_price_cents_version, product_key = -1
        from dim_products order by product_id""",
    "dim_date": "select * from dim_date order by date_key",
    "fact_orders": """
        select fact.transaction_id, customer.user_id, product.product_id, fact.date_key,
               fact.order_id, fact.quantity, fact.unit_price_cents, fact.total_amount_cents,
               fact.status, fact.order_timestamp, batch.path
        from fact_orders as fact
        inner join dim_users as customer on customer.user_key = fact.user_key
        inner join dim_products as product on product.product_key = fact.product_key
        inner join etl_files as batch on batch.file_id = fact.batch_id
        order by fact.transaction_id""",
    "raw_transactions": """
        select files.path, raw.record_number, raw.raw_text, raw.record_hash, raw.load_status,
               raw.reject_reason, raw.reject_field, raw.reject_message, raw.transaction_id,
               raw.event_ts, raw.event_date, raw.date_key, raw.quantity, raw.price_cents,
               raw.user_registration_date, raw.product_unit_price_cents
        from raw_transactions as raw inner join etl_files as files on files.file_id = raw.batch_id
        order by files.path, raw.record_number""",
    "etl_files": """
        select path, status, records_read, records_loaded, duplicates_skipped, records_rejected, error
        from etl_files order by path, status""",
    "raw_events": """
        select files.path, raw.record_number, raw.raw_text, raw.record_hash, raw.load_status,
               raw.reject_reason, raw.reject_field, raw.reject_message, raw.event_id,
               raw.event_id_derived, raw.event_ts, raw.event_date, raw.date_key, raw.event_epoch_us,
               raw.page_host, raw.page_path, raw.utm_medium, raw.query_order_id, raw.referrer_host
        from raw_events as raw inner join etl_files as files on files.file_id = raw.batch_id
        order by files.path, raw.record_number""",
    "silver_page_views": """
        select files.path, raw.record_number, silver.event_id, silver.event_ts, silver.event_date,
               silver.visitor_id, silver.page_type, silver.product_id, silver.order_id,
               silver.ref_domain, silver.is_bot
        from silver_page_views as silver
        inner join raw_events as raw on raw.raw_id = silver.raw_id
        inner join etl_files as files on files.file_id = raw.batch_id
        order by files.path, raw.record_number""",
    "dim_visitors": """
        select visitor.visitor_id, visitor.id_kind, person.user_id, visitor.login_epoch_us,
               visitor.login_event_id
        from dim_visitors as visitor inner join dim_users as person on person.user_key = visitor.user_key
        order by visitor.visitor_id""",
    "fact_page_views": """
        select fact.event_id, visitor.visitor_id, person.user_id, fact.date_key, page.page_type,
               product.product_id, fact.session_id, fact.view_number, fact.time_on_page_seconds,
               fact.viewed_at, fact.page_path, fact.ref_domain, fact.order_id
        from fact_page_views as fact
        inner join dim_visitors as visitor on visitor.visitor_key = fact.visitor_key
        inner join dim_users as person on person.user_key = fact.user_key
        inner join dim_page_type as page on page.page_type_key = fact.page_type_key
        inner join dim_products as product on product.product_key = fact.product_key
        order by fact.event_id""",
    "fact_sessions": """
        select fact.session_id, fact.session_id_derived, visitor.visitor_id, person.user_id,
               fact.is_logged_in, fact.date_key, channel.channel, landing.page_type, leaving.page_type,
               fact.started_at, fact.ended_at, fact.duration_seconds, fact.page_views,
               fact.landing_page_path, fact.exit_page_path, fact.ref_domain, fact.utm_medium,
               fact.reached_product_view, fact.reached_cart, fact.reached_checkout,
               fact.reached_purchase, fact.order_id, fact.revenue_cents, fact.is_bounce
        from fact_sessions as fact
        inner join dim_visitors as visitor on visitor.visitor_key = fact.visitor_key
        inner join dim_users as person on person.user_key = fact.user_key
        inner join dim_channel as channel on channel.channel_key = fact.channel_key
        inner join dim_page_type as landing on landing.page_type_key = fact.landing_page_type_key
        inner join dim_page_type as leaving on leaving.page_type_key = fact.exit_page_type_key
        order by fact.session_id""",
    "raw_changes": """
        select files.path, raw.record_number, raw.raw_text, raw.record_hash, raw.load_status,
               raw.reject_reason, raw.reject_field, raw.reject_message, raw.table_name,
               raw.known_table, raw.op, raw.row_key, raw.source_ts_ms, raw.source_position,
               raw.change_ts, raw.change_date, raw.date_key, raw.order_created_at,
               raw.order_created_us, raw.order_updated_date_key, raw.amount_cents,
               raw.payment_created_at, raw.payment_created_us, raw.shipped_us, raw.delivered_at,
               raw.delivered_date_key, raw.unit_price_cents
        from raw_changes as raw inner join etl_files as files on files.file_id = raw.batch_id
        order by files.path, raw.record_number""",
    **{table: f"select * from {table} order by 1" for table in (
        "silver_orders_current", "silver_payments_current", "silver_shipments_current",
        "silver_products_current", "stage_lifecycle_orders")},
    "dim_products_history": """
        select product_id, version_ts_ms, version_position, valid_from, valid_to, is_current,
               product_name, category, unit_price_cents
        from dim_products_history order by product_id, version_ts_ms, version_position""",
    "fact_order_lifecycle": """
        select lifecycle.order_id, person.user_id, lifecycle.current_status, lifecycle.placed_at,
               lifecycle.paid_at, lifecycle.shipped_at, lifecycle.delivered_at, lifecycle.cancelled_at,
               lifecycle.refunded_at, lifecycle.placed_date_key, lifecycle.paid_date_key,
               lifecycle.shipped_date_key, lifecycle.delivered_date_key, lifecycle.cancelled_date_key,
               lifecycle.refunded_date_key, lifecycle.placed_us, lifecycle.delivered_us,
               lifecycle.placed_to_paid_hours, lifecycle.paid_to_shipped_hours,
               lifecycle.shipped_to_delivered_hours, lifecycle.placed_to_delivered_hours,
               lifecycle.carrier, lifecycle.items_total_cents, lifecycle.items_net_cents,
               lifecycle.captured_cents, lifecycle.refunded_cents
        from fact_order_lifecycle as lifecycle
        inner join dim_users as person on person.user_key = lifecycle.user_key
        order by lifecycle.order_id""",
    "fact_payments": """
        select payment_id, order_id, date_key, method, amount_cents, currency, status, created_at
        from fact_payments order by payment_id""",
    "fact_order_status_daily": "select * from fact_order_status_daily order by date_key, status",
    "silver_transactions": """
        select files.path, raw.record_number, silver.*
        from silver_transactions as silver
        inner join raw_transactions as raw on raw.raw_id = silver.raw_id
        inner join etl_files as files on files.file_id = raw.batch_id
        order by files.path, raw.record_number""",
    **{view: f"select * from {view} order by 1, 2, 3" for view in GOLD_VIEWS + SILVER_VIEWS
       if view != "silver_transactions"},
}
# silver_transactions.raw_id and batch_id are surrogate keys: compared through the
# (file, record number) they stand for
SURROGATE = {"silver_transactions": (2, 3)}


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def tricky_batch(folder: Path) -> Path:
    """Duplicates, a conflicting copy, offsets across midnight, guests, inferred members."""
    def record(tid, ts, quantity=1, price=9.99, user=None, product=None):
        return {"transaction_id": tid, "timestamp": ts, "quantity": quantity, "price": price,
                "user": user, "product": product or {"product_id": "P0001"}}
    records = [
        record("X-1", "2025-03-02T00:10:00+05:30", 2, 19.99, {"user_id": "U-late", "name": "Zoë"}),
        record("X-1", "2025-03-02T00:10:00+05:30", 2, 19.99, {"user_id": "U-late", "name": "Zoë"}),
        record("X-1", "2025-03-02T00:10:00+05:30", 3, 19.99, {"user_id": "U-late"}),
        record("X-2", "2025-03-03T23:59:59.999999-01:00", 1, 0.01, None,
               {"product_id": "P-new", "name": "Tea", "category": "Food", "unit_price": 0.01}),
        record("X-3", "2025-02-27T08:00:00Z", 4, 1000000.5, {"user_id": "U-only-id"}),
        record("X-4", "2025-03-01T10:00:00Z", 1, 5, {"user_id": "U-late", "email": "z@example.org"}),
    ]
    return write_jsonl(folder / "transactions_tricky.jsonl", records)


def tricky_events(folder: Path) -> Path:
    """Page views across midnight and offsets, a tracker's session, a login, a bot, an
    identical copy without an event_id, a conflicting copy, a bad URL."""
    def event(event_id, ts, path, visitor="V-1", **extra):
        record = {"timestamp": ts, "page_url": "https://shop.example.com" + path, "anonymous_id": visitor,
                  **extra}
        if event_id:
            record["event_id"] = event_id
        return record
    records = [
        event("K-1", "2025-03-01T23:50:00+00:00", "/?utm_medium=email"),
        event("K-2", "2025-03-02T05:40:00+05:30", "/p/P0001"),
        event("K-3", "2025-03-02T00:20:00Z", "/cart", user_id="U-late"),
        event("K-4", "2025-03-02T00:21:00Z", "/checkout", user_id="U-late"),
        event("K-5", "2025-03-02T00:22:00Z", "/checkout/confirmation?order_id=ORD-X", user_id="U-late"),
        event("K-6", "2025-03-02T01:00:00Z", "/p/P0001", session_id="S-1", visitor="V-2"),
        event("K-7", "2025-03-02T03:00:00Z", "/p/P-new", session_id="S-1", visitor="V-2"),
        event(None, "2025-03-02T03:00:00Z", "/search?q=tea", visitor="V-3", referrer="https://www.bing.com/"),
        event(None, "2025-03-02T03:00:00Z", "/search?q=tea", visitor="V-3", referrer="https://www.bing.com/"),
        event("K-8", "2025-03-02T03:00:00Z", "/p/P0002", visitor="V-4", user_agent="Googlebot/2.1"),
        event("K-1", "2025-03-01T23:50:00Z", "/other"),
        event("K-9", "2025-03-02T03:00:00Z", "p/P0001"),
    ]
    return write_jsonl(folder / "events_tricky.jsonl", records)


def load_runs(warehouse, runs):
    for files in runs:
        kinds = {f.name.split("_")[0] for f in files}
        source = kinds.pop() if len(kinds) == 1 and kinds <= {"events", "changes"} else "transactions"
        result = warehouse.load(*files, source=source)
        assert result.error is None or "refused" in result.error, result.error


CORPUS = Path(__file__).parent / "corpus"
# The one corpus file PostgreSQL cannot store: a name with "\u0000" (text cannot hold NUL).
NUL_FILE = "emoji_names.jsonl"


def corpus_files() -> list[Path]:
    return sorted(path for path in CORPUS.iterdir()
                  if path.suffix in (".json", ".jsonl", ".ndjson") and path.name != "expected.json")


def one_line_error(result, *fragments, exit_code: int = 1) -> str:
    """A one-line error; exit 1 for a problem with the SQL, 5 when the warehouse cannot be used."""
    assert result.exit_code == exit_code, result.output
    message = result.stderr.strip()
    assert message.startswith("Error: ") and "\n" not in message, message
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in message, message
    return message


def design_text() -> str:
    """DESIGN.md and docs/ENGINES.md, where the twins are listed."""
    return "\n".join((SQL_DIR.parent / name).read_text(encoding="utf-8")
                     for name in ("DESIGN.md", "docs/ENGINES.md"))


def generated_runs(folder: Path) -> list[list[Path]]:
    """Three generated days of each kind (4% dirty), loaded the way a careless operator
    would: out of order, one file twice, a refused file, page views before and after their
    orders, change events out of order (a day's lifecycle before the day it began)."""
    days = [p for p, _ in generator.generate(date(2025, 3, 1), date(2025, 3, 3), 120, 11,
                                             folder / "raw", dirty_rate=0.04)]
    clicks = [p for p, _ in events_generator.generate(date(2025, 3, 1), date(2025, 3, 3), 120, 11,
                                                      folder / "raw", dirty_rate=0.04)]
    changes = [p for p, _ in changes_generator.generate(date(2025, 3, 1), date(2025, 3, 3), 120, 11,
                                                        folder / "raw", dirty_rate=0.04)]
    broken = folder / "broken.json"
    broken.write_text('[{"transaction_id": "B1"', encoding="utf-8")
    return [[days[0], days[2]], [clicks[2], tricky_events(folder)], [changes[1]], [clicks[0]],
            [tricky_batch(folder), broken, days[1]], [changes[2], changes[0]], [days[0]], [clicks[1]]]


def sqlite_twin(folder: Path, name: str):
    """A SQLite warehouse to compare another engine's with."""
    return Backend("sqlite", folder / "lite", None).warehouse(name)


def assert_same(lite, other, engine: str, what: str, require_rows: bool = True) -> None:
    """Every EQUIVALENT query gives the same rows on SQLite and on ``other``."""
    for name, sql in EQUIVALENT.items():
        expected, found = lite.rows(sql), other.rows(sql)
        if require_rows:
            assert expected, f"{name} is empty: the comparison would prove nothing"
        if name in SURROGATE:
            expected, found = ([tuple(v for i, v in enumerate(row) if i not in SURROGATE[name])
                                for row in table] for table in (expected, found))
        assert found == expected, f"{name} differs between SQLite and {engine} ({what})"


def assert_real_members_start_at_one(warehouse) -> None:
    """Real members' keys start at 1; -1 is the unknown member, one row of it per dimension."""
    assert warehouse.rows("""select min(user_key), (select min(product_key) from dim_products
                                                    where product_key > 0),
                                    (select min(order_key) from fact_orders)
                             from dim_users where user_key > 0""") == [(1, 1, 1)]
    assert warehouse.rows("""select count(*) from dim_users where user_key = -1 union all
                             select count(*) from dim_products where product_key = -1 union all
                             select count(*) from dim_date where date_key = -1""") == [(1,), (1,), (1,)]


def five_lines_loaded(warehouse, folder: Path):
    """``warehouse`` with five order lines (quantities 1 to 5) loaded: what the query tests read."""
    path = write_jsonl(folder / "a.jsonl", [
        {"transaction_id": f"T{n}", "timestamp": "2025-03-01T10:00:00Z", "quantity": n, "price": 2.5,
         "user": {"user_id": f"U{n % 2}"}, "product": {"product_id": "P1"}} for n in range(1, 6)])
    assert warehouse.load(path).error is None
    return warehouse


@contextmanager
def five_lines_module_warehouse(engine: str, folder: Path) -> Iterator:
    """A warehouse of ``engine`` with five_lines_loaded, for a module fixture: opened with
    none of the test run's warehouse variables set (a module fixture has no monkeypatch of
    its own), closed when the block ends."""
    with pytest.MonkeyPatch.context() as patch:
        for name in (settings.DB_ENVVAR, settings.SCHEMA_ENVVAR, settings.WAIT_ENVVAR):
            patch.delenv(name, raising=False)
        backend = open_backend(engine, folder)
        try:
            yield five_lines_loaded(backend.warehouse(), folder)
        finally:
            backend.close()


def query(db: str, *args: str):
    """``warehouse query --db DB ARGS``, in-process."""
    return CliRunner().invoke(warehouse_cli, ["query", "--db", db, *args])


def assert_query_binds_params_and_limits_rows(loaded) -> None:
    """On five_lines_loaded: a bound parameter filters, --limit cuts and says so, and a text
    parameter full of SQL is only a value."""
    result = query(loaded.db, "select transaction_id, quantity from fact_orders"
                              " where quantity >= :least order by quantity", "-p", "least=2",
                   "--limit", "2", "--format", "csv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["transaction_id,quantity", "T2,2", "T3,3"]
    assert "showing the first 2 rows" in result.stderr
    text = query(loaded.db, "select :who as who", "-p", "who:text=Robert'); drop table fact_orders;--")
    assert text.exit_code == 0 and "Robert'); drop table fact_orders;--" in text.stdout
    assert loaded.rows("select count(*) from fact_orders") == [(5,)]
