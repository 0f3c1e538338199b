select
    source_id,
    family,
    file_name,
    file_sha256,
    location,
    raw_path,
    retrieved_at,
    rows_read,
    rows_loaded,
    rows_quarantined,
    observations as observations_loaded
from {{ source('lake', 'loads') }}
