-- fact_page_views: page-view fact, factless (grain: one row per page view: event_id; bots left out)
-- keys: page_view_key surrogate PK, given by sql/transform/fact_page_views.sql (from 1, in
--       load order); event_id unique; session_id degenerate dimension (the session the
--       view belongs to: fact_sessions.session_id); visitor_key, user_key (who was logged
--       in at this view, -1 nobody), date_key, page_type_key, product_key (-1 when the
--       page shows no product) reference the dimensions
-- measures: none but the count of rows (a factless fact: the event itself is the fact),
--       and time_on_page_seconds, the seconds to the next view of the same session (null
--       for a session's last view: the time on it is not known)
-- load: sql/transform/fact_page_views.sql appends the run's page views; the session columns
--       (session_id, view_number, time_on_page_seconds) are then (re)computed for the
--       sessions the run touched (transform/fact_page_views_sessions.sql for the run's own,
--       transform/fact_page_views_resessioned.sql for earlier ones), so they may change
--       when a later file brings page views of the same session. session_scope is what
--       sessions are cut within: 'session:' and a tracker's session_id, or 'visitor:' and
--       the visitor_id (cut by 30 minutes of inactivity). viewed_at_us: viewed_at in
--       microseconds since 1970.
create table if not exists fact_page_views (
    page_view_key           integer primary key,
    event_id                text    not null unique,
    visitor_key             integer not null references dim_visitors (visitor_key),
    user_key                integer not null references dim_users (user_key),
    date_key                integer not null references dim_date (date_key),
    page_type_key           integer not null references dim_page_type (page_type_key),
    product_key             integer not null references dim_products (product_key),
    session_scope           text    not null,
    session_id              text,
    view_number             integer check (view_number >= 1),
    time_on_page_seconds    integer check (time_on_page_seconds >= 0),
    viewed_at               text    not null,
    viewed_at_us            integer not null,
    page_path               text    not null,
    ref_domain              text,
    utm_source              text,
    utm_medium              text,
    utm_campaign            text,
    order_id                text,
    batch_id                integer not null references etl_files (file_id),
    loaded_at               text    not null
);
