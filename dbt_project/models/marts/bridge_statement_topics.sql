-- Many-to-many between statements and topics: a statement can speak to several topics.
select
    {{ surrogate_key(['statements.statement_id', 'topics.topic']) }} as statement_topic_key,
    statements.statement_key,
    {{ surrogate_key(['topics.topic']) }} as topic_key,
    topics.topic
from {{ ref('int_statement_topics') }} as topics
inner join {{ ref('fct_statements') }} as statements
    on topics.statement_id = statements.statement_id
