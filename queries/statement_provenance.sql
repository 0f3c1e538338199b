-- Every quote traced back to the exact passage: the article URL, when it was retrieved, and the
-- character offsets of the quote in the article body. URLs of bundled sample pages are paths
-- relative to the project root.
select
    statements.speaker,
    statements.quote,
    articles.url,
    statements.retrieved_at,
    statements.start_offset,
    statements.end_offset,
    substr(articles.body, statements.start_offset + 1, statements.end_offset - statements.start_offset) = statements.quote
        as offsets_match_body
from marts.fct_statements as statements
inner join marts.dim_article as articles on statements.article_key = articles.article_key
order by articles.url, statements.start_offset
