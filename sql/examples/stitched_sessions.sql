-- Question: which anonymous sessions did a later login link to a customer (identity stitching)?
-- Grain: one row per session without a login of its own whose visitor is linked to a user.
-- Reads: fact_sessions, dim_visitors, dim_users.
-- A visitor (a browser's cookie) is linked to the user of their latest login; a session
-- with no login of its own takes that user, so what the shopper browsed before logging in
-- counts as theirs. login_event_id is the page view of that login.
select
    session_row.session_id,
    visitor.visitor_id,
    person.user_id,
    person.name,
    session_row.started_at,
    session_row.page_views,
    session_row.landing_page_path,
    visitor.login_event_id
from fact_sessions as session_row
inner join dim_visitors as visitor
    on visitor.visitor_key = session_row.visitor_key
inner join dim_users as person
    on person.user_key = session_row.user_key
where session_row.is_logged_in = 0
  and session_row.user_key <> -1
order by session_row.started_at, session_row.session_id
