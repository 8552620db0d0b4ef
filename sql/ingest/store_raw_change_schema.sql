-- store_raw_change_schema: keep one wrapper schema of the change events, once (grain: one raw_change_schemas row)
-- reads: raw_change_schemas (is the key there already?)
-- Run by the ingest before the rows that name it (schema_key), for each schema a file's
-- records name; a schema an earlier file stored stays as it is (the same key is the same
-- exact text).
insert into raw_change_schemas (schema_key, schema_text)
select :schema_key, :schema_text
where not exists (
    select 1
    from raw_change_schemas
    where schema_key = :schema_key
)
