"""The ``transactions`` kind: order lines, one JSON object per line of an order.

Files ``transactions_YYYYMMDD.json`` (a JSON array) or ``.jsonl``; the contract is
``contract.py`` (docs/CONTRACT.md). Bronze is ``raw_transactions``; the star is the
order-line fact ``fact_orders`` with the conformed ``dim_users``, ``dim_products`` and
``dim_date`` (SCD type 1), and the Gold views of sales.
"""

from ecommerce_warehouse.sources.declaration import IngestSql, Source, TransformStep
from ecommerce_warehouse.sources.transactions import contract

SOURCE = Source(
    name="transactions",
    title="order lines (one JSON object per line of an order)",
    contract=contract,
    bronze="raw_transactions",
    high_water="transform/raw_transactions_high_water",
    ingest=IngestSql(
        insert="ingest/insert_raw_transaction",
        set_reject_reason="ingest/set_reject_reason",
        later_copies="ingest/later_copies",
        set_record_hash="ingest/set_record_hash",
        mark_later_copies="ingest/mark_later_copies",
        copy_rejects="ingest/copy_rejects",
        last_raw_id="ingest/last_raw_id",
    ),
    # tables and indexes, each after the tables it references
    schema=(
        "schema/raw_transactions",
        "schema/fact_orders",
        "schema/fact_orders_indexes",
    ),
    # views, each after the views it reads
    views=(
        "bronze/rejected_transactions",
        "silver/silver_transactions",
        "silver/silver_users_latest",
        "silver/silver_products_latest",
        "gold/gold_daily_sales",
        "gold/gold_top_products",
        "gold/gold_category_sales_monthly",
        "gold/gold_customer_lifetime_value",
        "gold/gold_monthly_cohort_retention",
        "gold/gold_order_status",
        "gold/gold_order_lines",
    ),
    # dimensions first (the fact looks their keys up), then the fact
    transform=(
        TransformStep("transform/dim_users"),
        TransformStep("transform/dim_products"),
        TransformStep("transform/dim_date", bind="transform/transactions_date_range"),
        TransformStep("transform/fact_orders",
                      bulk_before="transform/fact_orders_drop_indexes",
                      bulk_after="schema/fact_orders_indexes"),
    ),
    # each returns its failing rows; its header gives its severity
    checks=(
        "checks/fact_orders_keys",
        "checks/fact_orders_foreign_keys",
        "checks/fact_orders_status_values",
        "checks/fact_orders_money_non_negative",
        "checks/fact_orders_total_amount",
        "checks/raw_transactions_one_loaded_copy",
        "checks/etl_files_counts_reconcile",
        "checks/silver_fact_reconcile",
        "checks/daily_volume_anomaly",
        "checks/fact_orders_freshness",
    ),
    checks_beside=(
        "checks/raw_transactions_one_loaded_copy",
        "checks/etl_files_counts_reconcile",
    ),
    scope={"from_order_key": "transform/fact_size"},
    bulk_size="from_order_key",
    counts="runs/transactions_counts",
)
