select
    statement_id,
    unnest(topics) as topic
from {{ ref('int_statements_current') }}
