-- Statements of each article's newest version, with the speaker's name normalised for joining
-- to the officials' terms.
select
    statements.*,
    lower(strip_accents(statements.speaker)) as speaker_match_name
from {{ ref('stg_statements') }} as statements
inner join {{ ref('int_articles_current') }} as articles
    on statements.article_id = articles.article_id
    and statements.article_version = articles.article_version
