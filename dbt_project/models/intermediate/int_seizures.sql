{{ config(materialized='table') }}
-- A table, not a view: it pivots every current observation, and fct_seizures and its data
-- tests read it; as a view each of them would redo the work (minutes at millions of rows).
-- One row per reported seizure figure: the quantity (kg) and the number of events that a
-- source row publishes together are brought back onto one row.
select
    source_id,
    family,
    estimator,
    period_start,
    period_end,
    period_label,
    is_partial_period,
    fiscal_year,
    country_iso3,
    area,
    component,
    region,
    drug,
    drug_label,
    duplicate_ordinal,
    max(value) filter (where measure = 'seized_quantity') as quantity_kg,
    max(value) filter (where measure = 'seizure_events') as events,
    max(value_as_published) filter (where measure = 'seized_quantity') as quantity_as_published,
    max(unit_as_published) filter (where measure = 'seized_quantity') as unit_as_published,
    any_value(file_name) as file_name,
    any_value(file_sha256) as file_sha256,
    any_value(sheet) as sheet,
    min(source_row) as source_row,
    max(retrieved_at) as retrieved_at,
    any_value(notes) as notes,
    -- A newer release that changed the quantity or the event count of the row revised it.
    coalesce(bool_or(is_revised), false) as is_revised,
    max(first_published_value) filter (where measure = 'seized_quantity') as quantity_kg_first_published
from {{ ref('int_observations_current') }}
where measure in ('seized_quantity', 'seizure_events')
group by all
