select
    fact_id,
    article_id,
    cast(version as integer) as article_version,
    source_id,
    {{ relative_path('url') }} as url,
    content_hash,
    retrieved_at,
    ingest_date,
    kind as fact_kind,
    value,
    unit,
    drug,
    upper(country) as country_iso3,
    year as fact_year,
    text as fact_text,
    cast("start" as integer) as start_offset,
    cast("end" as integer) as end_offset
from {{ source('lake', 'text_facts') }}
