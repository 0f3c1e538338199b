-- Cultivation, eradication and potential production figures, one per estimator: UNODC and
-- the US government publish different figures for the same country and year, and both are
-- kept side by side. The same figure quoted by two publications of one estimator is one fact.
with figures as (
    select
        *,
        year(period_start) as year,
        row_number() over (
            partition by country_iso3, year(period_start), drug, measure, estimator, value
            order by retrieved_at desc, source_id, source_row
        ) as copy_rank,
        count(*) over (
            partition by country_iso3, year(period_start), drug, measure, estimator, value
        ) as sources_agreeing
    from {{ ref('int_observations_current') }}
    where measure in ('cultivation', 'eradication', 'potential_production')
)

select * exclude (copy_rank)
from figures
where copy_rank = 1
