-- Coca hectares (UNODC) next to cocaine seized (UNODC annual seizures, kg), Colombia, 2015-2020.
-- Estimators are kept apart (UNODC's cultivation with UNODC's seizure series), and so are the
-- forms: cocaine salts (hydrochloride) and coca paste / cocaine base are separate columns.
-- The UNODC seizure series bundled here ends in 2019 (analyst.coverage: 2020 has 3 rows, all
-- Peru), so 2020 has hectares and no seizure figure.
with cultivation as (
    select year, cultivation_ha
    from analyst.coca_cultivation_ha
    where country_iso3 = 'COL' and estimator = 'UNODC' and year between 2015 and 2020
),

seized as (
    select
        year,
        sum(seized_kg) filter (where form = 'salts') as cocaine_salts_kg,
        sum(seized_kg) filter (where form = 'paste and base') as coca_paste_and_base_kg
    from analyst.seizures_kg
    where family = 'unodc_seizures' and country_iso3 = 'COL' and substance = 'cocaine'
    group by year
)

select cultivation.year, cultivation.cultivation_ha, seized.cocaine_salts_kg, seized.coca_paste_and_base_kg
from cultivation
left join seized using (year)
order by cultivation.year
