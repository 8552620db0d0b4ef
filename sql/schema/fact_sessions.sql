-- fact_sessions: session fact (grain: one row per session: session_id; bots left out)
-- keys: session_key surrogate PK, given by sql/transform/fact_sessions.sql (a new session
--       takes the next key after the highest, in session_id order; a session recomputed
--       under the same session_id keeps its key); session_id natural key, unique: the
--       tracker's session_id, or (session_id_derived = 1) the event_id of the session's
--       first page view; visitor_key, user_key, date_key (the start's UTC date),
--       channel_key, landing_page_type_key and exit_page_type_key reference the
--       dimensions; order_id degenerate dimension (the order the session placed)
-- measures: duration_seconds, page_views, revenue_cents (the order's net revenue: its
--       completed lines in fact_orders, exact cents; 0 without an order), is_bounce
--       (one page view), reached_* (the funnel steps reached, each after the one before)
-- load: sql/transform/fact_sessions.sql recomputes the sessions a run touches (their page
--       views, all of them) and replaces their rows; a session without a session_id
--       ends after 30 minutes without a page view. user_key is the user logged in during
--       the session (is_logged_in = 1), else the visitor's stitched user (dim_visitors).
--       channel from channel_rules, on the first page view. session_scope and the *_us
--       columns serve the recomputation (see fact_page_views).
create table if not exists fact_sessions (
    session_key             integer primary key,
    session_id              text    not null unique,
    session_id_derived      integer not null check (session_id_derived = 0 or session_id_derived = 1),
    session_scope           text    not null,
    visitor_key             integer not null references dim_visitors (visitor_key),
    user_key                integer not null references dim_users (user_key),
    is_logged_in            integer not null check (is_logged_in = 0 or is_logged_in = 1),
    date_key                integer not null references dim_date (date_key),
    channel_key             integer not null references dim_channel (channel_key),
    landing_page_type_key   integer not null references dim_page_type (page_type_key),
    exit_page_type_key      integer not null references dim_page_type (page_type_key),
    started_at              text    not null,
    ended_at                text    not null,
    started_at_us           integer not null,
    ended_at_us             integer not null,
    duration_seconds        integer not null check (duration_seconds >= 0),
    page_views              integer not null check (page_views >= 1),
    landing_page_path       text    not null,
    exit_page_path          text    not null,
    ref_domain              text,
    utm_source              text,
    utm_medium              text,
    utm_campaign            text,
    reached_product_view    integer not null check (reached_product_view = 0 or reached_product_view = 1),
    reached_cart            integer not null check (reached_cart = 0 or reached_cart = 1),
    reached_checkout        integer not null check (reached_checkout = 0 or reached_checkout = 1),
    reached_purchase        integer not null check (reached_purchase = 0 or reached_purchase = 1),
    order_id                text,
    revenue_cents           integer not null check (revenue_cents >= 0),
    is_bounce               integer not null check (is_bounce = 0 or is_bounce = 1)
);
