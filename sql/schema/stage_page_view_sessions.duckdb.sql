-- stage_page_view_sessions (DuckDB dialect): the session of every page view in the recomputed windows (grain: as in stage_page_view_sessions.sql)
-- keys, load: as in stage_page_view_sessions.sql (same columns, same order)
-- Why a twin: DuckDB's integer is 32-bit (SQLite's holds 64 bits): bigint keys, counts, cents and
--       epoch microseconds.
create table if not exists stage_page_view_sessions (
    page_view_key           bigint not null,
    old_session_id          text,
    session_id              text    not null,
    session_start_key       bigint not null,
    view_number             bigint not null,
    time_on_page_seconds    bigint,
    user_key                bigint not null,
    funnel_step             bigint
);
