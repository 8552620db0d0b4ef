-- raw_changes_high_water: the newest raw_id in the change events' Bronze; a transform
-- processes up to here
-- reads: raw_changes (its integer primary key, so this is instant)
select coalesce(max(raw_id), 0) as high_water
from raw_changes
