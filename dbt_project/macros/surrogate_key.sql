{#- A stable surrogate key: md5 of the natural key columns, nulls made explicit so that
    (a, null) and (null, a) never collide. -#}
{% macro surrogate_key(columns) -%}
    md5(concat_ws('|', {% for column in columns -%}
        coalesce(cast({{ column }} as varchar), '<null>'){% if not loop.last %}, {% endif %}
    {%- endfor %}))
{%- endmacro %}
