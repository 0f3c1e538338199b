select
    source_id,
    source_type,
    kind as source_kind,
    family,
    publisher,
    dataset,
    estimator,
    {{ relative_path('location') }} as location,
    url,
    licence,
    citation
from {{ source('lake', 'source_registry') }}
