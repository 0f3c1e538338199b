select
    mention_id,
    article_id,
    cast(version as integer) as article_version,
    source_id,
    {{ relative_path('url') }} as url,
    content_hash,
    retrieved_at,
    ingest_date,
    kind as mention_kind,
    text as mention_text,
    normalized as mention_normalized,
    cast(start as integer) as start_offset,
    cast("end" as integer) as end_offset
from {{ source('lake', 'mentions') }}
