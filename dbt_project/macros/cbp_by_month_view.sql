{#- One analyst view of CBP's monthly series from fct_seizures, by family, fiscal year, month,
    component, region, area, substance and form: ``measure`` summed as ``measure_column`` over
    the rows that ``rows_where`` keeps. Both CBP views share this grain and its fiscal-year label
    (`2026 (FYTD)` for a fiscal year to date); only what they sum and which rows differ. -#}
{% macro cbp_by_month_view(measure, measure_column, rows_where) %}
with seizures as (
    select * from {{ ref('fct_seizures') }}
)

select
    family,
    fiscal_year,
    case when bool_or(is_partial_period) then fiscal_year || ' (FYTD)' else cast(fiscal_year as varchar) end
        as fiscal_year_label,
    bool_or(is_partial_period) as is_partial_year,
    period_start as month_start,
    component,
    region,
    area,
    substance,
    form,
    sum({{ measure }}) as {{ measure_column }},
    string_agg(distinct release, ', ' order by release) as release,
    bool_or(is_revised) as is_revised
from seizures
where {{ rows_where }}
group by family, fiscal_year, period_start, component, region, area, substance, form
{% endmacro %}
