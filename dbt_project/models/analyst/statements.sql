-- Grain: one direct quotation (fct_statements) with the names an analyst reads: speaker, the
-- role held that day, country, topics, article.
with statements as (
    select * from {{ ref('fct_statements') }}
),

people as (
    select * from {{ ref('dim_person') }}
),

countries as (
    select * from {{ ref('dim_country') }}
),

articles as (
    select * from {{ ref('dim_article') }}
),

topic_names as (
    select
        bridge.statement_key,
        string_agg(topics.label, ', ' order by topics.label) as topic_names
    from {{ ref('bridge_statement_topics') }} as bridge
    inner join {{ ref('dim_topic') }} as topics on bridge.topic_key = topics.topic_key
    group by bridge.statement_key
)

select
    statements.statement_key,
    statements.published_date,
    coalesce(people.person_name, statements.speaker) as speaker_name,
    coalesce(people.role, statements.speaker_role) as speaker_role,
    statements.country_iso3 as speaker_country_iso3,
    countries.name as speaker_country_name,
    topic_names.topic_names,
    statements.quote,
    articles.title as article_title,
    statements.url as article_url,
    statements.source_id
from statements
left join people on statements.person_key = people.person_key
left join countries on statements.country_iso3 = countries.iso3
left join articles on statements.article_key = articles.article_key
left join topic_names on statements.statement_key = topic_names.statement_key
