-- stage_page_view_sessions (PostgreSQL dialect): the session of every page view in the recomputed windows (grain: as in stage_page_view_sessions.sql)
-- keys and load: as schema/stage_page_view_sessions.sql (same columns, same order).
-- Why a twin: bigint keys and text compared byte-wise (collate "C"), as on SQLite.
create table if not exists stage_page_view_sessions (
    page_view_key           bigint  not null,
    old_session_id          text    collate "C",
    session_id              text    collate "C" not null,
    session_start_key       bigint  not null,
    view_number             integer not null,
    time_on_page_seconds    bigint,
    user_key                bigint  not null,
    funnel_step             integer
);
