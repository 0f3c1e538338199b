-- Many-to-many between statements and topics: a statement can speak to several topics.
with

topics as (
    select * from {{ ref('int_statement_topics') }}
),

statements as (
    select * from {{ ref('fct_statements') }}
)

select
    {{ surrogate_key(['statements.statement_id', 'topics.topic']) }} as statement_topic_key,
    statements.statement_key,
    {{ surrogate_key(['topics.topic']) }} as topic_key,
    topics.topic
from topics
inner join statements
    on topics.statement_id = statements.statement_id
