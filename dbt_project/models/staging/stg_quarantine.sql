select
    source_id,
    family,
    file_name,
    file_sha256,
    sheet,
    cast(source_row as integer) as source_row,
    raw as raw_values,
    reason,
    retrieved_at
from {{ source('lake', 'quarantine') }}
