-- dim_visitors: who browses, as the shop can tell them apart (grain: one row per visitor_id)
-- keys: visitor_key surrogate PK, given by sql/transform/dim_visitors.sql (real members
--       from 1, in order of first page view within a run) and never changed; visitor_id natural
--       key, unique: a page view's anonymous_id (the browser's cookie), else its user_id.
--       visitor_key -1 is the unknown member (visitor_id '', written by
--       schema/clickstream_seed_rows.sql). user_key references
--       dim_users: the user this visitor is stitched to, -1 while they never logged in.
-- load: sql/transform/dim_visitors.sql. Identity stitching: a visitor's user is the user
--       of their latest page view with a user_id (latest by event_epoch_us, then
--       event_id: login_epoch_us and login_event_id), whatever order the files came in;
--       a session without a login of its own takes this user (fact_sessions.user_key),
--       so logging in links the visitor's earlier sessions too (Snowplow's user mapping).
create table if not exists dim_visitors (
    visitor_key         integer primary key,
    visitor_id          text    not null unique,
    id_kind             text    not null
                        check (id_kind = 'anonymous_id' or id_kind = 'user_id' or id_kind = 'unknown'),
    user_key            integer not null default -1 references dim_users (user_key),
    login_epoch_us      integer,
    login_event_id      text,
    created_at          text    not null,
    updated_at          text    not null
);
