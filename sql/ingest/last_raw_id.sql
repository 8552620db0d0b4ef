-- last_raw_id: the highest raw_id in Bronze so far, 0 when empty (grain: one value)
-- reads: raw_transactions. A file's records get the raw_ids after this one.
select coalesce(max(raw_id), 0) as last_raw_id
from raw_transactions
