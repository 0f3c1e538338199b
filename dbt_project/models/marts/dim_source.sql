-- Every source in the registry, with what is needed to cite it.
select
    {{ surrogate_key(['source_id']) }} as source_key,
    source_id,
    source_type,
    source_kind,
    family,
    publisher,
    dataset,
    estimator,
    url,
    licence,
    citation
from {{ ref('stg_source_registry') }}
