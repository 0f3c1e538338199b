-- One row per article (its newest version), with provenance back to the page it came from.
with versions as (
    select
        article_id,
        count(*) as versions_seen,
        min(retrieved_at) as first_retrieved_at
    from {{ ref('stg_articles') }}
    group by article_id
)

select
    {{ surrogate_key(['articles.article_id']) }} as article_key,
    articles.article_id,
    articles.article_version as current_version,
    versions.versions_seen,
    articles.source_id,
    articles.url,
    articles.canonical_url,
    articles.title,
    articles.author,
    articles.published_date,
    articles.language,
    length(articles.body) as body_characters,
    articles.body,
    articles.content_hash,
    articles.raw_path,
    versions.first_retrieved_at,
    articles.retrieved_at as last_retrieved_at
from {{ ref('int_articles_current') }} as articles
inner join versions on articles.article_id = versions.article_id
