-- promote_pending: every record of this batch still pending passed the contract and
-- the duplicate checks, so it is loaded. The partial unique index on
-- transaction_id (load_status = 'loaded') guards that no transaction loads twice.
update raw_transactions
set load_status = 'loaded'
where batch_id = :batch_id
  and load_status = 'pending'
