-- gold_payment_methods: how customers pay and how often it fails (grain: one row per method)
-- keys: method (card, paypal, gift_card, ...)
-- reads: fact_payments
-- payments counts attempts (a failed attempt retried is two payments); failure_rate is
-- failed attempts / attempts, a double-precision division (every engine gives the same
-- digits); captured_cents the money taken and kept, refunded_cents the money given back.
create view gold_payment_methods as
select
    method,
    count(*) as payments,
    sum(case when status = 'captured' then 1 else 0 end) as captured,
    sum(case when status = 'failed' then 1 else 0 end) as failed,
    sum(case when status = 'refunded' then 1 else 0 end) as refunded,
    sum(case when status = 'authorised' then 1 else 0 end) as authorised,
    cast(sum(case when status = 'captured' then amount_cents else 0 end) as bigint) as captured_cents,
    cast(sum(case when status = 'refunded' then amount_cents else 0 end) as bigint) as refunded_cents,
    cast(sum(case when status = 'failed' then 1 else 0 end) as double precision) / count(*) as failure_rate
from fact_payments
group by method
