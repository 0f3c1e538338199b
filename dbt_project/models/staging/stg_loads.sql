select
    source_id,
    family,
    file_name,
    file_sha256,
    location,
    {{ relative_path('raw_path') }} as raw_path,
    retrieved_at,
    rows_read,
    rows_loaded,
    rows_quarantined,
    observations as observations_loaded,
    publisher_release as release
from {{ source('lake', 'loads') }}
