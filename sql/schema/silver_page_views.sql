-- silver_page_views: clean, typed page views with the rules applied (grain: one row per loaded page view: event_id)
-- keys: raw_id PK, the record's row in raw_events; event_id unique by construction (the
--       ingest loads each event_id once; later copies are 'duplicate' or 'rejected' and
--       never come here; no index of its own: nothing looks a page view up by it here)
-- load: sql/transform/silver_page_views.sql appends the page views staged in each run.
--       A table, not a view as silver_transactions is: its rules (page type, bots) are
--       lookups that every later step would otherwise repeat for every page view.
--       visitor_id = anonymous_id, else user_id. page_type from page_type_rules;
--       product_id for a product page, order_id for the confirmation page; ref_domain is
--       the referrer's host without a leading 'www.', null when there is no referrer or
--       it is the page's own site (internal navigation); is_bot from bot_rules. Bots stay
--       here, flagged; the facts, the sessions and Gold leave them out. What the model
--       does not read (the full page URL and referrer, the address, the user agent) stays
--       in Bronze, a join away (raw_id).
create table if not exists silver_page_views (
    raw_id              integer primary key,
    batch_id            integer not null references etl_files (file_id),
    event_id            text    not null,
    event_id_derived    integer not null check (event_id_derived = 0 or event_id_derived = 1),
    event_ts            text    not null,
    event_date          text    not null,
    date_key            integer not null,
    event_epoch_us      integer not null,
    visitor_id          text    not null,
    anonymous_id        text,
    user_id             text,
    session_id          text,
    page_host           text    not null,
    page_path           text    not null,
    page_type           text    not null,
    product_id          text,
    order_id            text,
    ref_domain          text,
    utm_source          text,
    utm_medium          text,
    utm_campaign        text,
    is_bot              integer not null check (is_bot = 0 or is_bot = 1)
);
