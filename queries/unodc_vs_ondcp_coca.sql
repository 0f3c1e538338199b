-- UNODC and US government (ONDCP) coca cultivation estimates side by side, by country and year.
select
    country_iso3,
    year,
    any_value(value) filter (where estimator = 'UNODC') as unodc_hectares,
    any_value(value) filter (where estimator like 'US government%') as us_government_hectares
from fct_production
where measure = 'cultivation' and drug = 'coca bush'
group by country_iso3, year
having unodc_hectares is not null and us_government_hectares is not null
order by country_iso3, year
