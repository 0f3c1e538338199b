-- Grain: country x year x estimator. UNODC and the US government (ONDCP) measure coca
-- differently: the estimator is part of the grain and a chart must split or filter on it.
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
    production.value as cultivation_ha,
    production.source_id,
    production.notes
from production
left join countries on production.country_iso3 = countries.iso3
where production.measure = 'cultivation' and production.drug = 'coca bush' and production.unit = 'ha'
