-- Statements of each article's newest version, with the speaker's name normalised for joining
-- to the officials' terms.
with

statements as (
    select * from {{ ref('stg_statements') }}
),

articles as (
    select * from {{ ref('int_articles_current') }}
)

select
    statements.*,
    lower(strip_accents(statements.speaker)) as speaker_match_name
from statements
inner join articles
    on statements.article_id = articles.article_id
    and statements.article_version = articles.article_version
