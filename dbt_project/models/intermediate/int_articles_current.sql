-- The newest version of each article; earlier versions stay in dim_article's history columns.
select *
from {{ ref('stg_articles') }}
qualify row_number() over (partition by article_id order by article_version desc, retrieved_at desc) = 1
