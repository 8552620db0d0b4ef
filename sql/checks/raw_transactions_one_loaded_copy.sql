-- raw_transactions_one_loaded_copy: at most one loaded record per transaction_id in Bronze
-- severity: error
-- grain of failing rows: one row per transaction_id loaded more than once
-- reads: raw_transactions
-- scope: the Bronze rows of this run (raw_id in (:from_raw_id, :to_raw_id]); `warehouse check`
--        passes the whole range, so on demand it covers everything.
select transaction_id, count(*) as loaded_copies
from raw_transactions
where load_status = 'loaded'
  and transaction_id in (
      select staged.transaction_id
      from raw_transactions as staged
      where staged.raw_id > :from_raw_id
        and staged.raw_id <= :to_raw_id
        and staged.load_status = 'loaded'
  )
group by transaction_id
having count(*) > 1
