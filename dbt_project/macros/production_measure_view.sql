{#- One analyst view of fct_production: one measure of one drug in one unit, by country, year
    and estimator (the estimator is part of the grain: estimators never add up). The three
    production views differ only in these arguments. -#}
{% macro production_measure_view(measure, drug, unit, measure_column) %}
with production as (
    select * from {{ ref('fct_production') }}
),

countries as (
    select * from {{ ref('dim_country') }}
)

select
    production.country_iso3,
    countries.name as country_name,
    production.year,
    production.estimator,
    production.value as {{ measure_column }},
    production.source_id,
    production.notes
from production
left join countries on production.country_iso3 = countries.iso3
where production.measure = '{{ measure }}' and production.drug = '{{ drug }}' and production.unit = '{{ unit }}'
{% endmacro %}
