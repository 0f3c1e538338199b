{% test unique_combination(model, combination) %}
-- The declared grain of a table: no two rows share these columns.
select {{ combination | join(', ') }}, count(*) as occurrences
from {{ model }}
group by {{ combination | join(', ') }}
having count(*) > 1
{% endtest %}
