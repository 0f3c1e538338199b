{#- The where clause of an incremental article-side model: the rows ingested on the days the
    run is given (env DRUGTRADE_INGEST_DATES, comma-separated: an env var, not a --vars value, so
    a new day keeps dbt's partial parse) or, without them, from the newest day the model already
    holds. Empty on a first build or a full refresh, which take every day. -#}
{% macro ingest_days_to_process() %}
{%- if is_incremental() -%}
{%- set ingest_dates = env_var('DRUGTRADE_INGEST_DATES', '') | trim -%}
{%- if ingest_dates %}
where ingest_date in ({% for day in ingest_dates.split(',') %}date '{{ day | trim }}'{% if not loop.last %}, {% endif %}{% endfor %})
{%- else %}
where ingest_date >= (select coalesce(max(ingest_date), date '1900-01-01') from {{ this }})
{%- endif -%}
{%- endif -%}
{% endmacro %}
