select
    source_id,
    source_type,
    kind as source_kind,
    family,
    publisher,
    dataset,
    estimator,
    location,
    url,
    licence,
    citation
from {{ source('lake', 'source_registry') }}
