-- stage_session_windows (DuckDB dialect): the stretches of time whose sessions the last events transform recomputed (grain: as in stage_session_windows.sql)
-- keys, load: as in stage_session_windows.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents and
--       epoch microseconds.
create table if not exists stage_session_windows (
    session_scope   text    primary key,
    from_us         bigint not null,
    to_us           bigint not null
);
