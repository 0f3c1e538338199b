-- Grain: family x country x year x drug group x substance x form, plant material only
-- (cannabis plants, coca bush and leaf, poppy plants, seeds) in UNODC's kilogram equivalents:
-- never in the same measure as drug weights. Implausible figures left out (seizures_flagged).
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
    sum(seizures.plant_material_kg_equivalent) as seized_kg_equivalent,
    count(*) as figures,
    string_agg(distinct seizures.release, ', ' order by seizures.release) as release
from seizures
left join countries on seizures.country_iso3 = countries.iso3
where seizures.measured_as = 'plant_material'
    and seizures.plant_material_kg_equivalent is not null
    and not seizures.is_implausible
group by all
