{% test non_negative(model, column_name) %}
-- Quantities, hectares and counts are never negative; a negative figure is a parsing error.
select {{ column_name }} as failing_value
from {{ model }}
where {{ column_name }} < 0
{% endtest %}
