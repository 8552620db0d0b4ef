-- dim_unknown_members: the reserved Kimball "unknown" row of each dimension (key -1)
-- A guest checkout (no user) points at user_key -1, so no fact is dropped and no
-- foreign key is null. Inserted once; later runs leave them alone.
insert into dim_users (user_key, user_id, name, email, registration_date, is_inferred, created_at, updated_at)
values (-1, '', 'Unknown user (guest checkout)', null, null, 0, :now, :now)
on conflict (user_key) do nothing;

insert into dim_products (product_key, product_id, product_name, category, list_price_cents, is_inferred, created_at, updated_at)
values (-1, '', 'Unknown product', 'Unknown', null, 0, :now, :now)
on conflict (product_key) do nothing;
