-- raw_transactions_one_loaded_copy: at most one loaded record per transaction_id in Bronze
-- severity: error
-- grain of failing rows: one row per transaction_id loaded more than once
-- reads: raw_transactions
select transaction_id, count(*) as loaded_copies
from raw_transactions
where load_status = 'loaded'
group by transaction_id
having count(*) > 1
