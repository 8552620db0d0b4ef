-- stage_product_versions: every version of each product the run's change events name (grain: one row per product_id and version)
-- keys: (product_id, version_ts_ms, version_position), the event that opened the version
-- reads: raw_changes (the products named by loaded events staged in this run, raw_id in
--        (:from_raw_id, :to_raw_id]; then all their loaded events, in event-time order)
-- Rule (SCD type 2): walking a product's events by source_ts_ms, then source_position, a
-- create, update or snapshot read opens a version when name, category or unit price
-- differ from the event before it, or when the event before was a delete (or there was
-- none). A version is valid from its event's time until the next version opens or the
-- product is deleted; the last one, if the product is not deleted, is current and valid
-- until 9999-12-31T23:59:59.999999Z. Built from all the events every time, so a late
-- event splits the version it falls into, whatever order files arrive in.
delete from stage_product_versions;

insert into stage_product_versions (
    product_id, version_ts_ms, version_position, valid_from, valid_to, is_current,
    product_name, category, unit_price_cents
)
with touched as (
    select distinct row_key
    from raw_changes
    where raw_id > :from_raw_id
      and raw_id <= :to_raw_id
      and load_status = 'loaded'
      and table_name = 'products'
),

product_event as (
    select
        event.row_key as product_id,
        event.op,
        event.source_ts_ms,
        event.source_position,
        event.change_ts,
        event.product_name,
        event.category,
        event.unit_price_cents,
        lag(event.op) over by_time as previous_op,
        lag(event.product_name) over by_time as previous_name,
        lag(event.category) over by_time as previous_category,
        lag(event.unit_price_cents) over by_time as previous_price
    from raw_changes as event
    where event.load_status = 'loaded'
      and event.table_name = 'products'
      and event.row_key in (select row_key from touched)
    window by_time as (partition by event.row_key order by event.source_ts_ms, event.source_position)
),

boundary as (
    -- the events that open a version, and the deletes that end one
    select
        product_id,
        op,
        source_ts_ms,
        source_position,
        change_ts,
        product_name,
        category,
        unit_price_cents,
        lead(change_ts) over (
            partition by product_id order by source_ts_ms, source_position
        ) as next_boundary_ts
    from product_event
    where op = 'd'
       or previous_op is null
       or previous_op = 'd'
       or coalesce(product_name, '') <> coalesce(previous_name, '')
       or coalesce(category, '') <> coalesce(previous_category, '')
       or coalesce(unit_price_cents, -1) <> coalesce(previous_price, -1)
)

select
    product_id,
    source_ts_ms,
    source_position,
    change_ts,
    coalesce(next_boundary_ts, '9999-12-31T23:59:59.999999Z'),
    case when next_boundary_ts is null then 1 else 0 end,
    product_name,
    category,
    unit_price_cents
from boundary
where op <> 'd'
