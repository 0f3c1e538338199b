-- Every source in the registry, with what is needed to cite it, and the estimators whose
-- figures it delivers (a compilation delivers several).
with estimators as (
    -- from staging, not int_observations_current: two columns of a plain scan, not the
    -- release ranking over every observation
    select
        source_id,
        string_agg(distinct estimator, '; ' order by estimator) as estimators
    from {{ ref('stg_observations') }}
    group by source_id
)

select
    {{ surrogate_key(['registry.source_id']) }} as source_key,
    registry.source_id,
    registry.source_type,
    registry.source_kind,
    registry.family,
    registry.publisher,
    registry.dataset,
    registry.estimator,
    coalesce(estimators.estimators, registry.estimator) as estimators,
    registry.url,
    registry.licence,
    registry.citation
from {{ ref('stg_source_registry') }} as registry
left join estimators on registry.source_id = estimators.source_id
