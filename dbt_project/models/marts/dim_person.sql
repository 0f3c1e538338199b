-- Speakers as a type-2 slowly changing dimension: one row per person and term in office
-- (officials seed), so a statement joins to the role its speaker held on the day it was
-- published. Speakers found in articles but not in the seed get one open-ended row with the
-- role the article gave them.
with terms as (
    select
        person_name,
        role,
        upper(country_iso3) as country_iso3,
        affiliation,
        cast(valid_from as date) as valid_from,
        cast(valid_to as date) as valid_to,
        source_url,
        'officials seed' as role_source
    from {{ ref('officials') }}
),

unseeded as (
    select
        speaker as person_name,
        any_value(speaker_role order by published_date desc nulls last) as role,
        any_value(speaker_country_iso3 order by published_date desc nulls last) as country_iso3,
        cast(null as varchar) as affiliation,
        cast('1900-01-01' as date) as valid_from,
        cast(null as date) as valid_to,
        cast(null as varchar) as source_url,
        'article text' as role_source
    from {{ ref('int_statements_current') }}
    where speaker is not null
        and speaker_match_name not in (select lower(strip_accents(person_name)) from terms)
    group by speaker
),

all_terms as (
    select * from terms
    union all
    select * from unseeded
    union all
    -- Quotes no rule could attribute: kept, with the speaker unknown, never guessed.
    select 'Unknown speaker', null, null, null, cast('1900-01-01' as date), null, null, 'unattributed'
)

select
    {{ surrogate_key(['person_name', 'valid_from']) }} as person_key,
    {{ surrogate_key(['person_name']) }} as person_id,
    person_name,
    lower(strip_accents(person_name)) as person_match_name,
    role,
    country_iso3,
    affiliation,
    valid_from,
    valid_to,
    valid_to is null as is_current,
    role_source,
    source_url
from all_terms
