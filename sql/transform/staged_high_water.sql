-- staged_high_water: the newest raw_id in Bronze; a transform processes up to here
select coalesce(max(raw_id), 0) as high_water
from raw_transactions
