{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='article_id',
        on_schema_change='append_new_columns',
        post_hook="{{ delete_superseded_article_versions() }}"
    )
}}
-- depends_on: {{ ref('int_articles_current') }}
-- Grain: one numeric fact stated in an article ("seized 2.3 tons of cocaine"), with the
-- offsets of the passage in the article body. Incremental like fct_statements: a run replaces
-- every fact of the articles ingested on the days it processes (macro ingest_days_to_process),
-- and the post-hook drops the facts of versions that are no longer an article's newest.
with

facts as (
    select * from {{ ref('stg_text_facts') }}
    {{ ingest_days_to_process() }}
),

articles as (
    select * from {{ ref('int_articles_current') }}
)

select
    {{ surrogate_key(['facts.fact_id']) }} as article_fact_key,
    {{ surrogate_key(['facts.article_id']) }} as article_key,
    {{ surrogate_key(["coalesce(facts.country_iso3, 'UNK')"]) }} as country_key,
    facts.fact_kind,
    facts.value,
    facts.unit,
    facts.drug,
    coalesce(facts.country_iso3, 'UNK') as country_iso3,
    facts.fact_year,
    facts.fact_text,
    facts.start_offset,
    facts.end_offset,
    facts.source_id,
    facts.url,
    facts.retrieved_at,
    facts.ingest_date,
    facts.article_id,
    facts.article_version
from facts
inner join articles
    on facts.article_id = articles.article_id
    and facts.article_version = articles.article_version
