select
    {{ surrogate_key(['topic']) }} as topic_key,
    topic,
    label,
    description
from {{ ref('topic_taxonomy') }}
