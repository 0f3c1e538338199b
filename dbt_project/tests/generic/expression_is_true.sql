{#- Every row must satisfy the expression (a null result fails). Usable on a model or on a column:
    on a column the expression still names the column itself, column_name is only accepted. -#}
{% test expression_is_true(model, expression, column_name=none) %}
select *
from {{ model }}
where not coalesce(({{ expression }}), false)
{% endtest %}
