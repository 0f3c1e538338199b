select
    source_id,
    {{ relative_path('url') }} as url,
    reason,
    {{ relative_path('raw_path') }} as raw_path,
    retrieved_at,
    ingest_date
from {{ source('lake', 'articles_rejected') }}
