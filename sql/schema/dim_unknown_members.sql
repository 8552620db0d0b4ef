-- dim_unknown_members: the reserved Kimball "unknown" row of each dimension (key -1)
-- A guest checkout (no user) points at user_key -1, so no fact is dropped and no
-- foreign key is null; a milestone that has not happened yet points at date_key -1.
-- Real members' keys start at 1 on every engine. Inserted once; later runs leave them alone.
insert into dim_users (user_key, user_id, name, email, registration_date, is_inferred, created_at, updated_at)
values (-1, '', 'Unknown user (guest checkout)', null, null, 0, :now, :now)
on conflict (user_key) do nothing;

insert into dim_products (product_key, product_id, product_name, category, list_price_cents, is_inferred, created_at, updated_at)
values (-1, '', 'Unknown product', 'Unknown', null, 0, :now, :now)
on conflict (product_key) do nothing;

-- a date column cannot say "unknown": the far-future 9999-12-31 stands in, named 'Unknown',
-- and every statement that walks the calendar leaves date_key -1 out
insert into dim_date (
    date_key, full_date, year, quarter, month, year_month, month_name,
    day_of_month, day_of_week, day_name, is_weekend
)
values (-1, '9999-12-31', 9999, 4, 12, 'Unknown', 'Unknown', 31, 5, 'Unknown', 0)
on conflict (date_key) do nothing;
