{#- One analyst view of fct_seizures by family, country, year, drug group, substance and form:
    the rows measured as ``measured_as`` (drug_weight or plant_material), summed in
    ``quantity_column`` as ``measure_column``, implausible figures left out (seizures_flagged).
    CBP counts by US fiscal year (October to September), UNODC by calendar year. -#}
{% macro seizures_by_year_view(measured_as, quantity_column, measure_column) %}
with seizures as (
    select * from {{ ref('fct_seizures') }}
),

countries as (
    select * from {{ ref('dim_country') }}
)

select
    seizures.family,
    seizures.country_iso3,
    countries.name as country_name,
    case when seizures.fiscal_year is not null then seizures.fiscal_year else year(seizures.period_start) end as year,
    case when seizures.fiscal_year is not null then 'us_fiscal' else 'calendar' end as year_basis,
    bool_or(seizures.is_partial_period) as is_partial_year,
    seizures.drug_group,
    seizures.substance,
    seizures.form,
    sum(seizures.{{ quantity_column }}) as {{ measure_column }},
    count(*) as figures,
    string_agg(distinct seizures.release, ', ' order by seizures.release) as release
from seizures
left join countries on seizures.country_iso3 = countries.iso3
where seizures.measured_as = '{{ measured_as }}'
    and seizures.{{ quantity_column }} is not null
    and not seizures.is_implausible
group by all
{% endmacro %}
