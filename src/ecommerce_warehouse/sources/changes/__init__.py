"""The ``changes`` kind: Debezium change events of the shop's database, one per record.

Files ``changes_YYYYMMDD.jsonl`` (JSON Lines) or ``.json`` (a JSON array); the contract is
``contract.py`` (docs/CHANGES.md): the bare payload or Kafka Connect's ``{"schema",
"payload"}`` wrapper, tables orders, payments, shipments and products. Bronze is
``raw_changes``; Silver holds each source table's current state (``silver_*_current``),
merged in event-time order (source ts_ms, then position) with deletes remembered; the
model adds SCD type 2 beside type 1 (``dim_products_history``) and the other two kinds of
fact table: the accumulating snapshot ``fact_order_lifecycle``, the transaction fact
``fact_payments`` and the periodic snapshot ``fact_order_status_daily``; Gold gives lead
times, refund rates, payment methods and GMV.
"""

from ecommerce_warehouse.sources.changes import contract
from ecommerce_warehouse.sources.declaration import IngestSql, Source, TransformStep

SOURCE = Source(
    name="changes",
    title="change events (Debezium: orders, payments, shipments and products as they change)",
    contract=contract,
    bronze="raw_changes",
    high_water="transform/raw_changes_high_water",
    ingest=IngestSql(
        insert="ingest/insert_raw_change",
        set_reject_reason="ingest/set_change_reject_reason",
        later_copies="ingest/later_change_copies",
        set_record_hash="ingest/set_change_record_hash",
        mark_later_copies="ingest/mark_later_change_copies",
        any_copies="ingest/any_change_copies",
        copy_rejects="ingest/copy_change_rejects",
        last_raw_id="ingest/last_change_raw_id",
        store_schema="ingest/store_raw_change_schema",
        bulk_before="ingest/raw_changes_drop_indexes",
        bulk_after="schema/raw_changes",
        insert_parts=tuple((table, f"ingest/insert_raw_change_{table}")
                           for table in ("orders", "payments", "shipments", "products")),
    ),
    # tables, each after the tables it references
    schema=(
        "schema/raw_change_schemas",
        "schema/raw_changes",
        "schema/silver_orders_current",
        "schema/silver_payments_current",
        "schema/silver_shipments_current",
        "schema/silver_products_current",
        "schema/stage_product_versions",
        "schema/dim_products_history",
        "schema/stage_lifecycle_orders",
        "schema/fact_order_lifecycle",
        "schema/fact_payments",
        "schema/fact_order_status_daily",
    ),
    views=(
        "bronze/raw_changes_received",
        "gold/gold_fulfilment_lead_times",
        "gold/gold_refund_rate",
        "gold/gold_payment_methods",
        "gold/gold_gmv_daily",
    ),
    # Silver's current state first, the calendar, the product versions, then the facts:
    # the lifecycle of every order the run touched, its payments, the daily snapshot
    transform=(
        TransformStep("transform/silver_orders_current"),
        TransformStep("transform/silver_payments_current"),
        TransformStep("transform/silver_shipments_current"),
        TransformStep("transform/silver_products_current"),
        TransformStep("transform/dim_date", bind="transform/changes_date_range"),
        TransformStep("transform/stage_product_versions", counted=False),
        TransformStep("transform/dim_products_history"),
        TransformStep("transform/stage_lifecycle_orders", counted=False),
        TransformStep("transform/fact_order_lifecycle"),
        # the run's own lifecycle rows are counted once, when inserted; their items totals
        # are filled in here (a run of order lines alone changes only totals: not counted)
        TransformStep("transform/fact_order_lifecycle_items", changes="fact_order_lifecycle",
                      counted=False),
        TransformStep("transform/fact_payments"),
        TransformStep("transform/fact_order_status_daily", bind="transform/lifecycle_affected_from"),
    ),
    checks=(
        "checks/raw_changes_one_loaded_copy",
        "checks/raw_changes_counts_reconcile",
        "checks/changes_unknown_tables",
        "checks/dim_products_history_versions",
        "checks/order_lifecycle_orders_exist",
        "checks/payments_match_order_revenue",
        "checks/order_status_daily_reconcile",
    ),
    checks_beside=(
        "checks/raw_changes_one_loaded_copy",
        "checks/raw_changes_counts_reconcile",
        "checks/changes_unknown_tables",
    ),
    # the order lines' highest key before the run: the lifecycle's items totals follow them
    scope={"from_order_key": "transform/fact_size"},
    counts="runs/changes_counts",
    # the lifecycle reads the order lines' totals: a run that brings only order lines still
    # runs this kind's steps (with no change events), so the totals follow
    follows=("transactions",),
    contract_doc="docs/CHANGES.md",
)
