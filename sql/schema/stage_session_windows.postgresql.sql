-- stage_session_windows (PostgreSQL dialect): the stretches of time whose sessions the last events transform recomputed (grain: as in stage_session_windows.sql)
-- keys and load: as schema/stage_session_windows.sql (same columns, same order).
-- Why a twin: bigint epoch and text compared byte-wise (collate "C"), as on SQLite.
create table if not exists stage_session_windows (
    session_scope   text    collate "C" primary key,
    from_us         bigint  not null,
    to_us           bigint  not null
);
