-- Speakers as a type-2 slowly changing dimension: one row per person and term in office
-- (officials seed), so a statement joins to the role its speaker held on the day it was
-- published. The time before, between and after a seeded person's terms is covered by rows
-- without a role, so a statement made out of office links to no office rather than to the
-- nearest one. Speakers found in articles but not in the seed get one open-ended row with the
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

ordered_terms as (
    select
        *,
        lag(valid_to) over (partition by person_name order by valid_from) as previous_valid_to,
        row_number() over (partition by person_name order by valid_from desc) as terms_after
    from terms
),

out_of_office as (
    -- before the first term and between terms
    select
        person_name,
        cast(null as varchar) as role,
        country_iso3,
        cast(null as varchar) as affiliation,
        coalesce(cast(previous_valid_to + interval 1 day as date), cast('1900-01-01' as date)) as valid_from,
        cast(valid_from - interval 1 day as date) as valid_to,
        cast(null as varchar) as source_url,
        'out of office' as role_source
    from ordered_terms
    where coalesce(cast(previous_valid_to + interval 1 day as date), cast('1900-01-01' as date)) < valid_from
    union all
    -- after the last term, open-ended
    select
        person_name,
        cast(null as varchar),
        country_iso3,
        cast(null as varchar),
        cast(valid_to + interval 1 day as date),
        cast(null as date),
        cast(null as varchar),
        'out of office'
    from ordered_terms
    where terms_after = 1 and valid_to is not null
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
        and speaker_match_name not in (select lower(strip_accents(terms.person_name)) from terms)
    group by speaker
),

all_terms as (
    select * from terms
    union all
    select * from out_of_office
    union all
    select * from unseeded
    union all
    -- Quotes no rule could attribute: kept, with the speaker unknown, never guessed.
    select
        'Unknown speaker',
        null,
        null,
        null,
        cast('1900-01-01' as date),
        null,
        null,
        'unattributed'
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
