{{ config(materialized='table') }}
-- A table, not a view: its contract makes DuckDB refuse a null in its required columns as the
-- rows are written (a view's constraints are not enforced), and fct_production reads it once.
-- Cultivation, eradication and potential production: one figure per country, year, drug,
-- measure and estimator. UNODC and the US government publish different figures for the same
-- country and year, and both are kept side by side (the estimator is part of the grain).
-- One estimator can also be quoted with different values (a rounded press figure, a first
-- publication later revised): the figure kept is chosen by a fixed order of preference, and
-- the other values stay visible in other_published_values.
with figures as (
    select
        *,
        year(period_start) as year,
        coalesce(regexp_extract(notes, '(?:^|; )note: ([^;]*)', 1), '') as figure_note
    from {{ ref('int_observations_current') }}
    where measure in ('cultivation', 'eradication', 'potential_production')
),

-- The same value quoted by several publications of one estimator is one figure.
values_published as (
    select
        *,
        count(*) over (
            partition by country_iso3, year, drug, measure, estimator, value
        ) as sources_agreeing
    from figures
    qualify
        row_number() over (
            partition by country_iso3, year, drug, measure, estimator, value
            -- the estimator's own statistical table is the copy kept, then the newest retrieval
            order by (family = 'production_estimates'), retrieved_at desc, source_id asc, source_row asc
        ) = 1
),

ranked as (
    select
        *,
        row_number() over (
            partition by country_iso3, year, drug, measure, estimator
            order by
                -- 1. the estimator's own statistical table over a compilation of published figures
                (family = 'production_estimates'),
                -- 2. a figure marked as a revision over the one first published
                regexp_matches(figure_note, '\brevised\b') desc,
                -- 3. an exact figure over one marked as rounded
                regexp_matches(figure_note, '\brounded\b'),
                -- 4. the value most publications agree on, then file order
                sources_agreeing desc,
                source_id asc,
                source_row asc
        ) as preference_rank,
        list(value) over (
            partition by country_iso3, year, drug, measure, estimator
        ) as published_values
    from values_published
)

select
    * exclude (preference_rank, published_values, figure_note),
    list_sort(list_filter(published_values, lambda published: published != value)) as other_published_values
from ranked
where preference_rank = 1
