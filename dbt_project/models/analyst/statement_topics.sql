-- Grain: statement x topic: count statements by topic (a statement on two topics counts once
-- under each, so do not add the topics' counts up).
with bridge as (
    select * from {{ ref('bridge_statement_topics') }}
),

topics as (
    select * from {{ ref('dim_topic') }}
),

statements as (
    select * from {{ ref('fct_statements') }}
),

people as (
    select * from {{ ref('dim_person') }}
),

countries as (
    select * from {{ ref('dim_country') }}
)

select
    bridge.statement_key,
    bridge.topic,
    topics.label as topic_name,
    statements.published_date,
    coalesce(people.person_name, statements.speaker) as speaker_name,
    coalesce(people.role, statements.speaker_role) as speaker_role,
    countries.name as speaker_country_name
from bridge
inner join topics on bridge.topic_key = topics.topic_key
inner join statements on bridge.statement_key = statements.statement_key
left join people on statements.person_key = people.person_key
left join countries on statements.country_iso3 = countries.iso3
