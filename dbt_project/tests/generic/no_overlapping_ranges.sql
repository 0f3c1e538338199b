{% test no_overlapping_ranges(model, partition_by, lower_bound, upper_bound) %}
-- Type-2 validity ranges of one entity must not overlap, or a date could match two versions.
-- Ranges are inclusive at both ends and a null upper bound is open-ended; a handover day (one
-- range ending on the day the next begins) is allowed, as officials' terms are published that way.
with ranges as (
    select
        {{ partition_by | join(', ') }},
        {{ lower_bound }} as range_lower,
        {{ upper_bound }} as range_upper,
        lead({{ lower_bound }}) over (
            partition by {{ partition_by | join(', ') }}
            order by {{ lower_bound }}, {{ upper_bound }} nulls last
        ) as next_lower
    from {{ model }}
)

select *
from ranges
where next_lower is not null
    and (range_upper is null or next_lower < range_upper)
{% endtest %}
