{#- The US federal fiscal year runs from 1 October to 30 September and is named for the year
    it ends in: 2018-10-01 falls in FY2019. -#}
{% macro us_fiscal_year(date_column) -%}
    (year({{ date_column }}) + case when month({{ date_column }}) >= 10 then 1 else 0 end)
{%- endmacro %}
