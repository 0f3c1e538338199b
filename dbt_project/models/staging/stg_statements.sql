select
    statement_id,
    article_id,
    cast(version as integer) as article_version,
    source_id,
    {{ relative_path('url') }} as url,
    content_hash,
    retrieved_at,
    ingest_date,
    published_date,
    quote,
    cast(start as integer) as start_offset,
    cast("end" as integer) as end_offset,
    nullif(trim(speaker), '') as speaker,
    nullif(trim(speaker_role), '') as speaker_role,
    upper(speaker_country) as speaker_country_iso3,
    attribution,
    coalesce(topics, cast([] as varchar[])) as topics
from {{ source('lake', 'statements') }}
