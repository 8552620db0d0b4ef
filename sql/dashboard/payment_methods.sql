-- payment_methods: payment attempts made in one period, by method
-- (grain: one row per method with a payment)
-- reads: fact_payments, dim_date
select
    payment.method,
    count(*) as payments,
    sum(case when payment.status = 'failed' then 1 else 0 end) as failed,
    cast(sum(case when payment.status = 'captured' then payment.amount_cents else 0 end) as bigint)
        as captured_cents
from fact_payments as payment
inner join dim_date as calendar
    on calendar.date_key = payment.date_key
where calendar.full_date between :date_from and :date_to
group by payment.method
order by payments desc, payment.method
