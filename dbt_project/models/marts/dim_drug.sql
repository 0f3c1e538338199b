select
    {{ surrogate_key(['drug']) }} as drug_key,
    drug,
    drug_group,
    description
from {{ ref('drug_vocabulary') }}
