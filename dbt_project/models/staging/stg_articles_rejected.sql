select
    source_id,
    url,
    reason,
    raw_path,
    retrieved_at,
    ingest_date
from {{ source('lake', 'articles_rejected') }}
