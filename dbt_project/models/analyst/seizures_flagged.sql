-- Grain: one implausible seizure figure: kept as published in fct_seizures, left out of every
-- analyst total, listed here with the reason.
with seizures as (
    select * from {{ ref('fct_seizures') }}
),

countries as (
    select * from {{ ref('dim_country') }}
)

select
    seizures.seizure_key,
    seizures.family,
    seizures.country_iso3,
    countries.name as country_name,
    year(seizures.period_start) as year,
    seizures.drug_label,
    seizures.substance,
    seizures.form,
    seizures.measured_as,
    coalesce(seizures.quantity_kg, seizures.plant_material_kg_equivalent) as quantity_kg,
    seizures.implausible_reason as reason,
    seizures.source_id,
    seizures.file_name,
    seizures.source_row
from seizures
left join countries on seizures.country_iso3 = countries.iso3
where seizures.is_implausible
