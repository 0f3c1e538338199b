{{ config(materialized='table') }}
-- A table, not a view: it ranks every observation, and the facts and its data tests read
-- it; as a view each of them would rank all of them again (minutes at millions of rows). Its
-- contract makes DuckDB refuse a null in its required columns as the rows are written.
-- A new release of a file replaces the figures it revises; older releases stay in the lake
-- (and in stg_observations, which reads every release) as the revision history. A figure is identified by what
-- it measures, not by its row number, so a release that inserts a row still lines up.
with numbered as (
    select
        *,
        -- Some files publish several rows for one key (UNODC annual seizures): keep each,
        -- told apart by their order within the release.
        row_number() over (
            partition by
                source_id, file_sha256, period_start, period_end, country_iso3, area,
                component, drug_label, measure, estimator
            order by source_row
        ) as duplicate_ordinal
    from {{ ref('stg_observations') }}
),

ranked as (
    select
        *,
        row_number() over (
            partition by
                source_id, period_start, period_end, country_iso3, area, component,
                drug_label, measure, estimator, duplicate_ordinal
            order by retrieved_at desc, file_sha256 desc
        ) as release_rank,
        count(*) over (
            partition by
                source_id, period_start, period_end, country_iso3, area, component,
                drug_label, measure, estimator, duplicate_ordinal
        ) as releases_seen,
        -- The value the oldest loaded release published: a newer release that changes it is a
        -- revision, visible as such (is_revised) rather than silently replacing it.
        first_value(value) over (
            partition by
                source_id, period_start, period_end, country_iso3, area, component,
                drug_label, measure, estimator, duplicate_ordinal
            order by retrieved_at, file_sha256
            rows between unbounded preceding and unbounded following
        ) as first_published_value
    from numbered
)

select
    * exclude (release_rank),
    -- Parenthesised: sqlfluff's DuckDB grammar cannot parse IS DISTINCT FROM before an alias.
    (value is distinct from first_published_value) as is_revised
from ranked
where release_rank = 1
