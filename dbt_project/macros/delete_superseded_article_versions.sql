{#- Post-hook of an incremental model keyed on article_id whose rows carry article_version:
    deletes every row of an article version that is no longer the article's newest
    (int_articles_current). Why a hook: delete+insert replaces only the articles the run brings
    rows for, and a new version with none (its quotations all removed) brings none, so the old
    version's rows would stay. The model must also declare
    `-- depends_on: {{ ref('int_articles_current') }}` so dbt builds that model first. -#}
{% macro delete_superseded_article_versions() %}
delete from {{ this }} as kept
where not exists (
    select 1
    from {{ ref('int_articles_current') }} as current_versions
    where current_versions.article_id = kept.article_id
        and current_versions.article_version = kept.article_version
)
{% endmacro %}
