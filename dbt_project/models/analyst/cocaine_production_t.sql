-- Grain: country x year x estimator: potential production of cocaine in tonnes. UNODC and
-- the US government estimate it differently: split or filter on the estimator.
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
    production.value as potential_production_t,
    production.source_id,
    production.notes
from production
left join countries on production.country_iso3 = countries.iso3
where production.measure = 'potential_production' and production.drug = 'cocaine' and production.unit = 't'
