select
    article_id,
    cast(version as integer) as article_version,
    source_id,
    url,
    canonical_url,
    title,
    author,
    published_date,
    language,
    body,
    content_hash,
    raw_path,
    retrieved_at,
    ingest_date
from {{ source('lake', 'articles') }}
