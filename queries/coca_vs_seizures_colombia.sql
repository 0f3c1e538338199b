-- Coca hectares (UNODC) next to cocaine seized (UNODC annual seizures, kg), Colombia, 2015-2020.
-- Estimators are kept apart: this compares UNODC's cultivation with UNODC's seizure series.
with cultivation as (
    select year, value as coca_hectares
    from fct_production
    where country_iso3 = 'COL' and measure = 'cultivation' and estimator = 'UNODC'
      and year between 2015 and 2020
),
seized as (
    select year(period_start) as year, sum(quantity_kg) as cocaine_seized_kg
    from fct_seizures
    where country_iso3 = 'COL' and drug = 'cocaine' and family = 'unodc_seizures'
      and year(period_start) between 2015 and 2020
    group by all
)
select cultivation.year, cultivation.coca_hectares, seized.cocaine_seized_kg
from cultivation
left join seized using (year)
order by cultivation.year
