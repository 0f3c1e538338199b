-- Grain: CBP family x month x component x area x substance x form (CBP's drug types name no
-- form). The nationwide family (OFO field offices and Border Patrol sectors) and Air and Marine
-- Operations are separate series: never add them.
with seizures as (
    select * from {{ ref('fct_seizures') }}
)

select
    family,
    fiscal_year,
    -- the year as CBP labels it, e.g. `2026 (FYTD)` for a fiscal year to date
    case when bool_or(is_partial_period) then fiscal_year || ' (FYTD)' else cast(fiscal_year as varchar) end
        as fiscal_year_label,
    bool_or(is_partial_period) as is_partial_year,
    period_start as month_start,
    component,
    region,
    area,
    substance,
    form,
    sum(quantity_kg) as seized_kg,
    string_agg(distinct release, ', ' order by release) as release,
    bool_or(is_revised) as is_revised
from seizures
where starts_with(family, 'cbp_')
    and measured_as = 'drug_weight'
    and quantity_kg is not null
    and not is_implausible
group by family, fiscal_year, period_start, component, region, area, substance, form
