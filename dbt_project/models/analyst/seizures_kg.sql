-- Grain: family x country x year x drug group x substance x form. Drug weights only (plant
-- material is in plant_seizures_kg_equivalent), implausible figures left out (seizures_flagged).
-- Families are never added: UNODC's United States figures include what CBP seized.
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
    -- CBP counts by US fiscal year (October to September), UNODC by calendar year.
    case when seizures.fiscal_year is not null then seizures.fiscal_year else year(seizures.period_start) end as year,
    case when seizures.fiscal_year is not null then 'us_fiscal' else 'calendar' end as year_basis,
    bool_or(seizures.is_partial_period) as is_partial_year,
    seizures.drug_group,
    seizures.substance,
    seizures.form,
    sum(seizures.quantity_kg) as seized_kg,
    count(*) as figures,
    string_agg(distinct seizures.release, ', ' order by seizures.release) as release
from seizures
left join countries on seizures.country_iso3 = countries.iso3
where seizures.measured_as = 'drug_weight'
    and seizures.quantity_kg is not null
    and not seizures.is_implausible
group by all
