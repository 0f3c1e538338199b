-- UNODC and US government (ONDCP) coca cultivation estimates side by side, by country and year:
-- two methods, two columns, never one sum.
select
    country_iso3,
    year,
    any_value(cultivation_ha) filter (where estimator = 'UNODC') as unodc_ha,
    any_value(cultivation_ha) filter (where estimator like 'US government%') as us_government_ha
from analyst.coca_cultivation_ha
group by country_iso3, year
having unodc_ha is not null and us_government_ha is not null
order by country_iso3, year
