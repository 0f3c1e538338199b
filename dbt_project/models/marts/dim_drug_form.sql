-- Grain: one row per drug label as a publisher names it, mapped (seed drug_forms) to a
-- substance and the form it was seized in, following UNODC's drug group / drug name, and to
-- what its quantity measures: a drug weight, or plant material (kilogram equivalents of
-- plants, bushes, seeds, coca leaf), which is never summed with drug weights.
with forms as (
    select * from {{ ref('drug_forms') }}
)

select
    {{ surrogate_key(['drug_label']) }} as drug_form_key,
    drug_label,
    drug_group,
    substance,
    form,
    measured_as,
    case measured_as when 'drug_weight' then 'kg' when 'plant_material' then 'kg equivalent' end as unit
from forms
union all
-- Labels the seed does not classify yet still need a row to join to.
select distinct
    {{ surrogate_key(['lower(drug_label)']) }},
    lower(drug_label),
    cast(null as varchar),
    substance,
    form,
    measured_as,
    cast(null as varchar)
from {{ ref('int_seizures_classified') }}
where measured_as = 'unclassified'
