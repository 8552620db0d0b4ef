-- fact_page_views: append the run's page views (grain: one row per page view: event_id)
-- keys: page_view_key surrogate: the next keys after the highest so far, in raw_id (load)
--       order, the same on every engine; event_id unique; visitor_key, user_key,
--       page_type_key, product_key looked up in the dimensions by natural key
-- reads: silver_page_views (the run's page views, bots left out), dim_visitors, dim_users,
--        dim_page_type, dim_products (filled first; dim_date too: its foreign key fails
--        loudly if not)
-- The session columns stay empty here: the next steps cut the sessions the run touched
-- and fill them (transform/fact_page_views_sessions.sql, fact_page_views_resessioned.sql). A view with a tracker's
-- session_id is cut within that session ('session:<id>'), any other within its visitor's
-- page views ('visitor:<visitor_id>'), by 30 minutes of inactivity.
insert into fact_page_views (
    page_view_key, event_id, visitor_key, user_key, date_key, page_type_key, product_key,
    session_scope, session_id, view_number, time_on_page_seconds, viewed_at, viewed_at_us,
    page_path, ref_domain, utm_source, utm_medium, utm_campaign, order_id, batch_id, loaded_at
)
select
    (select coalesce(max(page_view_key), 0) from fact_page_views)
        + row_number() over (order by view.raw_id) as page_view_key,
    view.event_id,
    visitor.visitor_key,
    coalesce(login_user.user_key, -1) as user_key,
    view.date_key,
    coalesce(page_type.page_type_key, -1) as page_type_key,
    coalesce(product.product_key, -1) as product_key,
    case when view.session_id is not null then 'session:' || view.session_id
         else 'visitor:' || view.visitor_id end as session_scope,
    null as session_id,
    null as view_number,
    null as time_on_page_seconds,
    view.event_ts as viewed_at,
    view.event_epoch_us as viewed_at_us,
    view.page_path,
    view.ref_domain,
    view.utm_source,
    view.utm_medium,
    view.utm_campaign,
    view.order_id,
    view.batch_id,
    :now as loaded_at
from silver_page_views as view
inner join dim_visitors as visitor
    on visitor.visitor_id = view.visitor_id
left join dim_users as login_user
    on login_user.user_id = view.user_id
left join dim_page_type as page_type
    on page_type.page_type = view.page_type
left join dim_products as product
    on product.product_id = view.product_id
where view.raw_id > :from_raw_id
  and view.raw_id <= :to_raw_id
  and view.is_bot = 0
on conflict (event_id) do nothing
