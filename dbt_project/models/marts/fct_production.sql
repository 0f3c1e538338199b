-- Grain: one row per country, year, crop or drug, measure and estimator.
-- UNODC and the US government (ONDCP) estimate coca differently; both are kept, side by side,
-- with the estimator as a column: never add them up.
select
    {{ surrogate_key(['country_iso3', 'year', 'drug', 'measure', 'estimator']) }} as production_key,
    {{ surrogate_key(['country_iso3']) }} as country_key,
    cast(strftime(period_start, '%Y%m%d') as integer) as date_key,
    {{ surrogate_key(['drug']) }} as drug_key,
    {{ surrogate_key(['source_id']) }} as source_key,
    year,
    country_iso3,
    drug,
    measure,
    value,
    unit,
    estimator,
    sources_agreeing,
    other_published_values,
    notes,
    source_id,
    family,
    file_name,
    file_sha256,
    sheet,
    source_row,
    value_as_published,
    retrieved_at
from {{ ref('int_production') }}
