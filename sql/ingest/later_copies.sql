-- later_copies: this batch's valid records whose transaction_id was loaded before them,
-- each with the first loaded version (grain: one raw_transactions row of this batch)
-- reads: raw_transactions (this batch, and earlier loaded rows with the same ids)
-- The ingest computes record_hash for just these pairs (sql/ingest/set_record_hash.sql)
-- before sql/ingest/mark_later_copies.sql compares them. This batch's rows are the ones
-- after :after_raw_id (the highest raw_id before the file's rows went in; the ingest
-- holds the write lock), read in raw_id order in pages of :page_size, so memory stays
-- flat however many copies a file holds.
select
    copy.raw_id,
    copy.raw_text,
    original.raw_id as original_raw_id,
    original.raw_text as original_raw_text,
    original.record_hash as original_record_hash
from raw_transactions as copy
inner join raw_transactions as original
    on original.raw_id = (
        select min(earliest.raw_id)
        from raw_transactions as earliest
        where earliest.transaction_id = copy.transaction_id
          and earliest.load_status = 'loaded'
    )
where copy.raw_id > :after_raw_id
  and copy.load_status = 'loaded'
  -- answered from the partial index alone, before the first version is looked up: on a
  -- file without copies this is the only work per record
  and exists (
      select 1
      from raw_transactions as earlier
      where earlier.transaction_id = copy.transaction_id
        and earlier.load_status = 'loaded'
        and earlier.raw_id < copy.raw_id
  )
order by copy.raw_id
limit :page_size
