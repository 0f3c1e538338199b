-- ISO 3166 countries with their UN M49 region and subregion, plus one row for figures whose
-- country is not known (key 'UNK').
select
    {{ surrogate_key(['iso3']) }} as country_key,
    iso3,
    iso2,
    name,
    region,
    subregion,
    coalesce(region = 'Americas', false) as is_americas
from {{ ref('countries') }}
union all
select {{ surrogate_key(["'UNK'"]) }}, 'UNK', null, 'Unknown', null, null, false
