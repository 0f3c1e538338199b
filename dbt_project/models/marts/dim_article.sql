{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='article_id',
        on_schema_change='append_new_columns'
    )
}}
-- One row per article (its newest version), with provenance back to the page it came from.
-- Incremental like fct_statements: a run takes the articles whose newest version was ingested
-- on the days it is given (ingest_days_to_process) and replaces their rows, so a day copies the
-- text of its own articles, not of every article. A new version is always the newest, so an
-- article whose row is not replaced kept its version and its count of versions.
with articles as (
    select *
    from {{ ref('int_articles_current') }}
    {{ ingest_days_to_process() }}
),

versions as (
    select
        article_id,
        count(*) as versions_seen,
        min(retrieved_at) as first_retrieved_at
    from {{ ref('stg_articles') }}
    {% if is_incremental() -%}
    where article_id in (select articles.article_id from articles)
    {%- endif %}
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
    articles.retrieved_at as last_retrieved_at,
    articles.ingest_date
from articles
inner join versions on articles.article_id = versions.article_id
