{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='article_id',
        on_schema_change='append_new_columns',
        post_hook="{{ delete_superseded_article_versions() }}"
    )
}}
-- depends_on: {{ ref('int_articles_current') }}
-- Grain: one row per direct quotation in the newest version of an article. Incremental: a
-- run processes the articles ingested on the days it is given (env DRUGTRADE_INGEST_DATES, comma-
-- separated: an env var, not a --vars value, so a new day keeps dbt's partial parse) or, without
-- them, from the newest day already loaded; every statement of those articles is replaced,
-- so a re-run of a day or a new version of an article never leaves stale rows. A new version
-- with no quotations at all brings no rows to replace the old ones by, so the post-hook drops
-- every row whose version is no longer the article's newest. A first build takes every day.
with statements as (
    select *
    from {{ ref('int_statements_current') }}
    {{ ingest_days_to_process() }}
),

people as (
    select * from {{ ref('dim_person') }}
),

-- The speaker's row on the day of publication: a term in office, or the out-of-office row
-- between terms (dim_person covers every day). Should the seed leave a hole, the nearest row.
speaker_terms as (
    select
        statements.statement_id,
        people.person_key
    from statements
    inner join people
        on coalesce(statements.speaker_match_name, 'unknown speaker') = people.person_match_name
    qualify
        row_number() over (
            partition by statements.statement_id
            order by
                (
                    coalesce(statements.published_date, statements.ingest_date)
                    between people.valid_from and coalesce(people.valid_to, date '9999-12-31')
                ) desc,
                abs(datediff('day', people.valid_from, coalesce(statements.published_date, statements.ingest_date)))
        ) = 1
)

select
    {{ surrogate_key(['statements.statement_id']) }} as statement_key,
    statements.statement_id,
    {{ surrogate_key(['statements.article_id']) }} as article_key,
    speaker_terms.person_key,
    cast(strftime(coalesce(statements.published_date, statements.ingest_date), '%Y%m%d') as integer) as date_key,
    {{ surrogate_key(["coalesce(statements.speaker_country_iso3, 'UNK')"]) }} as country_key,
    statements.article_id,
    statements.article_version,
    statements.quote,
    statements.start_offset,
    statements.end_offset,
    statements.speaker,
    statements.speaker_role,
    coalesce(statements.speaker_country_iso3, 'UNK') as country_iso3,
    statements.attribution,
    len(statements.topics) as topic_count,
    statements.published_date,
    statements.source_id,
    statements.url,
    statements.content_hash,
    statements.retrieved_at,
    statements.ingest_date
from statements
inner join speaker_terms on statements.statement_id = speaker_terms.statement_id
