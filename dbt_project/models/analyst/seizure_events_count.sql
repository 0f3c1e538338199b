-- Grain: CBP family x month x component x area x substance x form: the number of seizure
-- events CBP counts (`Count of Event`), apart from any weight.
with seizures as (
    select * from {{ ref('fct_seizures') }}
)

select
    family,
    fiscal_year,
    case when bool_or(is_partial_period) then fiscal_year || ' (FYTD)' else cast(fiscal_year as varchar) end
        as fiscal_year_label,
    bool_or(is_partial_period) as is_partial_year,
    period_start as month_start,
    component,
    region,
    area,
    substance,
    form,
    sum(events) as seizure_events,
    string_agg(distinct release, ', ' order by release) as release,
    bool_or(is_revised) as is_revised
from seizures
where events is not null
group by family, fiscal_year, period_start, component, region, area, substance, form
