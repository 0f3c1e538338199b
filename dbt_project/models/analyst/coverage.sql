{{ config(materialized='table') }}
-- Grain: source x measure. What each source covers: first and last period, rows, countries,
-- how many rows and countries its last period has (UNODC's annual seizures end in 2019 in
-- practice: 2020 has three rows, all Peru), the release and when it was loaded.
with observations as (
    select * from {{ ref('int_observations_current') }}
),

loads as (
    select * from {{ ref('stg_loads') }}
),

statements as (
    select * from {{ ref('fct_statements') }}
),

figures as (
    select
        source_id,
        family,
        measure,
        unit,
        period_start,
        period_end,
        country_iso3,
        year(period_end) as last_year_of_row
    from observations
    union all
    select
        source_id,
        'articles',
        'statements',
        'quotations',
        coalesce(published_date, ingest_date),
        coalesce(published_date, ingest_date),
        country_iso3,
        year(coalesce(published_date, ingest_date))
    from statements
),

per_measure as (
    select
        source_id,
        any_value(family) as family,
        measure,
        any_value(unit) as unit,
        min(period_start) as first_period_start,
        max(period_end) as last_period_end,
        count(*) as rows,
        count(distinct country_iso3) as countries,
        max(last_year_of_row) as last_year
    from figures
    group by source_id, measure
),

last_year as (
    select
        figures.source_id,
        figures.measure,
        count(*) as rows_in_last_year,
        count(distinct figures.country_iso3) as countries_in_last_year
    from figures
    inner join per_measure
        on figures.source_id = per_measure.source_id
        and figures.measure = per_measure.measure
        and figures.last_year_of_row = per_measure.last_year
    group by figures.source_id, figures.measure
),

newest_load as (
    select
        source_id,
        arg_max(release, retrieved_at) as release,
        arg_max(file_name, retrieved_at) as file_name,
        max(retrieved_at) as loaded_at,
        -- a file loaded again (a rerun) is the same release
        count(distinct file_sha256) as releases_loaded
    from loads
    group by source_id
),

article_loads as (
    select
        source_id,
        max(retrieved_at) as loaded_at
    from statements
    group by source_id
)

select
    per_measure.source_id,
    per_measure.family,
    per_measure.measure,
    per_measure.unit,
    per_measure.first_period_start,
    per_measure.last_period_end,
    year(per_measure.first_period_start) as first_year,
    per_measure.last_year,
    per_measure.rows,
    per_measure.countries,
    last_year.rows_in_last_year,
    last_year.countries_in_last_year,
    newest_load.release,
    newest_load.file_name,
    coalesce(newest_load.releases_loaded, 0) as releases_loaded,
    coalesce(newest_load.loaded_at, article_loads.loaded_at) as loaded_at
from per_measure
inner join last_year
    on per_measure.source_id = last_year.source_id and per_measure.measure = last_year.measure
left join newest_load on per_measure.source_id = newest_load.source_id
left join article_loads on per_measure.source_id = article_loads.source_id
