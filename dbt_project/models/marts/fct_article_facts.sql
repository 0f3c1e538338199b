-- Grain: one numeric fact stated in an article ("seized 2.3 tons of cocaine"), with the
-- offsets of the passage in the article body.
with

facts as (
    select * from {{ ref('stg_text_facts') }}
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
    facts.ingest_date
from facts
inner join articles
    on facts.article_id = articles.article_id
    and facts.article_version = articles.article_version
