-- dimension_counts: members of the conformed dimensions, for run summaries (grain: one row)
-- reads: dim_users, dim_products, dim_date
-- The unknown members (key -1) are not counted: they are no customer, product or day.
select
    (select count(*) from dim_users where user_key <> -1) as dim_users,
    (select count(*) from dim_products where product_key <> -1) as dim_products,
    (select count(*) from dim_date where date_key <> -1) as dim_date
