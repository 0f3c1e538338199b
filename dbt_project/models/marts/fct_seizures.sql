{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='source_id',
        on_schema_change='append_new_columns'
    )
}}
-- depends_on: {{ ref('stg_loads') }}
-- Grain: one row per reported seizure figure (source, period, country or US area of
-- responsibility, drug as published). Incremental: only sources with a release newer than
-- what the table holds are rebuilt, and a rebuilt source is replaced whole, so a revised
-- release never leaves the figures it revised behind.
with seizures as (
    select *
    from {{ ref('int_seizures_classified') }}
    {% if is_incremental() %}
    {#- A table built before the drug-form and release columns existed is rebuilt whole once. -#}
    {%- set held = adapter.get_columns_in_relation(this) | map(attribute='name') | list %}
    {% if 'drug_form_key' in held and 'is_revised' in held %}
    where source_id in (
        select source_id
        from {{ ref('stg_loads') }}
        where retrieved_at > (select coalesce(max(retrieved_at), timestamptz '1900-01-01 00:00:00+00') from {{ this }})
        union
        select source_id from {{ ref('stg_loads') }}
        where source_id not in (select distinct source_id from {{ this }})
    )
    {% endif %}
    {% endif %}
)

select
    {{ surrogate_key([
        'source_id', 'period_start', 'period_end', 'country_iso3', 'area', 'component', 'drug_label',
        'duplicate_ordinal'
    ]) }} as seizure_key,
    cast(strftime(period_start, '%Y%m%d') as integer) as date_key,
    cast(strftime(period_end, '%Y%m%d') as integer) as period_end_date_key,
    {{ surrogate_key(['country_iso3']) }} as country_key,
    {{ surrogate_key(['drug']) }} as drug_key,
    drug_form_key,
    {{ surrogate_key(['source_id']) }} as source_key,
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
    drug_group,
    substance,
    form,
    measured_as,
    -- Drug weights and plant material are two measures, never one column: a SUM over drugs
    -- can then not add cannabis plants to cannabis herb.
    case when measured_as = 'drug_weight' then quantity_kg end as quantity_kg,
    case when measured_as = 'plant_material' then quantity_kg end as plant_material_kg_equivalent,
    case when measured_as = 'unclassified' then quantity_kg end as unclassified_kg,
    is_implausible,
    implausible_reason,
    cast(events as bigint) as events,
    quantity_as_published,
    unit_as_published,
    estimator,
    source_id,
    family,
    file_name,
    file_sha256,
    sheet,
    source_row,
    retrieved_at,
    release,
    is_revised,
    quantity_kg_first_published,
    notes
from seizures
