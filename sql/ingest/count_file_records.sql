-- count_file_records: close a file's registry row with counts taken from Bronze, so
-- records_read = records_loaded + duplicates_skipped + records_rejected by construction.
-- reads: raw_transactions (this batch)
update etl_files
set status = 'loaded',
    records_read = (
        select count(*) from raw_transactions
        where batch_id = :batch_id
    ),
    records_loaded = (
        select count(*) from raw_transactions
        where batch_id = :batch_id and load_status = 'loaded'
    ),
    duplicates_skipped = (
        select count(*) from raw_transactions
        where batch_id = :batch_id and load_status = 'duplicate'
    ),
    records_rejected = (
        select count(*) from raw_transactions
        where batch_id = :batch_id and load_status = 'rejected'
    )
where file_id = :batch_id
