-- last_raw_id: the raw_id an order-line file's records come after (grain: one value)
-- reads: raw_transactions, etl_watermarks. A file's records get the raw_ids after this
-- one, one each in file order. It is the highest raw_id in Bronze, or the transform
-- watermark if that is higher (rows deleted by hand must not make new records reuse ids
-- at or below the watermark: the transform would never see them). 0 when both are empty.
select max(high) as last_raw_id
from (
    select coalesce(max(raw_id), 0) as high
    from raw_transactions
    union all
    select coalesce(max(through_raw_id), 0) as high
    from etl_watermarks
    where source = 'transactions'
) as candidate
