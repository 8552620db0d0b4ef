-- raw_change_schemas: Bronze, each distinct Kafka Connect wrapper schema of the change events, kept once (grain: one row per distinct schema text)
-- keys: schema_key, a digest (BLAKE2b, 16 bytes, hex) of the schema's exact text
-- load: `warehouse ingest` adds a schema the first time a file's record of the exact shape
--       {"schema":<S>,"payload":<P>} names it (sql/ingest/store_raw_change_schema.sql); that
--       record's raw_changes row then keeps only P's text and this key, and the view
--       raw_changes_received puts the two together again, byte for byte. Never updated.
create table if not exists raw_change_schemas (
    schema_key          text    primary key,
    schema_text         text    not null
);
