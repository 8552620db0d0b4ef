"""The ``events`` kind: clickstream page views, one JSON object per page view.

Files ``events_YYYYMMDD.jsonl`` (JSON Lines) or ``.json`` (a JSON array); the contract is
``contract.py`` (docs/EVENTS.md). Bronze is ``raw_events``; Silver, ``silver_page_views``,
applies the rules tables (page types, bots); the star is the factless page-view fact
``fact_page_views`` and the session fact ``fact_sessions``, with the conformed
``dim_date``, ``dim_users`` and ``dim_products`` and its own ``dim_visitors``,
``dim_page_type`` and ``dim_channel``; Gold is the funnel, channels, landing pages and a
daily summary. Sessions the run touches are recomputed (their page views, all of them),
so they come out the same whatever the file boundaries and load order.
"""

from ecommerce_warehouse.sources.declaration import IngestSql, Source, TransformStep
from ecommerce_warehouse.sources.events import contract

SOURCE = Source(
    name="events",
    title="page views (one JSON object per page view of the shop's site)",
    contract=contract,
    bronze="raw_events",
    high_water="transform/raw_events_high_water",
    ingest=IngestSql(
        insert="ingest/insert_raw_event",
        set_reject_reason="ingest/set_event_reject_reason",
        later_copies="ingest/later_event_copies",
        set_record_hash="ingest/set_event_record_hash",
        mark_later_copies="ingest/mark_later_event_copies",
        copy_rejects="ingest/copy_event_rejects",
        last_raw_id="ingest/last_event_raw_id",
    ),
    # tables, each after the tables it references; then the model's own rows
    schema=(
        "schema/raw_events",
        "schema/dim_page_type",
        "schema/dim_channel",
        "schema/page_type_rules",
        "schema/channel_rules",
        "schema/bot_rules",
        "schema/silver_page_views",
        "schema/dim_visitors",
        "schema/fact_page_views",
        "schema/fact_page_views_indexes",
        "schema/fact_sessions",
        "schema/fact_sessions_indexes",
        "schema/stage_session_windows",
        "schema/stage_page_view_sessions",
        "schema/clickstream_seed_rows",
    ),
    views=(
        "gold/gold_funnel_daily",
        "gold/gold_channel_daily",
        "gold/gold_landing_pages",
        "gold/gold_session_daily",
    ),
    # Silver first (the rules run once per page view), the dimensions, the page views,
    # then the sessions the run touched, cut again from all their page views
    transform=(
        TransformStep("transform/silver_page_views"),
        TransformStep("transform/dim_users_from_page_views", changes="dim_users"),
        TransformStep("transform/dim_products_from_page_views", changes="dim_products"),
        TransformStep("transform/dim_date", bind="transform/page_views_date_range"),
        TransformStep("transform/dim_visitors"),
        TransformStep("transform/fact_page_views",
                      bulk_before="transform/fact_page_views_drop_indexes",
                      bulk_after="schema/fact_page_views_indexes"),
        # working tables (left out of the summary's rows changed), then the page views'
        # sessions: the run's own (already counted as added), the earlier ones that moved
        TransformStep("transform/stage_session_windows", bind="transform/session_timeout",
                      counted=False),
        TransformStep("transform/stage_page_view_sessions", bind="transform/session_timeout",
                      counted=False),
        TransformStep("transform/fact_page_views_sessions", changes="fact_page_views",
                      counted=False),
        TransformStep("transform/fact_page_views_resessioned", changes="fact_page_views"),
        TransformStep("transform/fact_sessions",
                      bulk_before="transform/fact_sessions_drop_indexes",
                      bulk_after="schema/fact_sessions_indexes"),
        TransformStep("transform/fact_sessions_refresh", changes="fact_sessions"),
    ),
    checks=(
        "checks/raw_events_one_loaded_copy",
        "checks/raw_events_counts_reconcile",
        "checks/page_views_reconcile",
        "checks/fact_sessions_no_overlap",
        "checks/funnel_counts_never_increase",
        "checks/fact_sessions_revenue_matches_orders",
        "checks/fact_sessions_orders_exist",
    ),
    checks_beside=(
        "checks/raw_events_one_loaded_copy",
        "checks/raw_events_counts_reconcile",
    ),
    # the fact's highest key before the run (its page views come after it), and the order
    # lines' (the orders this run brought, whose sessions' revenue may change)
    scope={"from_page_view_key": "transform/page_views_size", "from_order_key": "transform/fact_size"},
    bulk_size="from_page_view_key",
    counts="runs/events_counts",
    # sessions read the orders' revenue: a run that brings only order lines still runs
    # this kind's steps (with no page views), so the revenue follows
    follows=("transactions",),
    contract_doc="docs/EVENTS.md",
)
