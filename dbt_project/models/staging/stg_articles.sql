select
    article_id,
    cast(version as integer) as article_version,
    source_id,
    {{ relative_path('url') }} as url,
    {{ relative_path('canonical_url') }} as canonical_url,
    title,
    author,
    published_date,
    language,
    body,
    content_hash,
    {{ relative_path('raw_path') }} as raw_path,
    retrieved_at,
    ingest_date
from {{ source('lake', 'articles') }}
