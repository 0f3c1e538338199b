{{ config(materialized='table') }}
-- A table: fct_seizures and its tests read it, and the plausibility check compares every
-- annual figure with the same country's other years (a self-join worth doing once).
-- Every seizure figure gets its drug form (UNODC group / drug name as published -> substance,
-- form and what the quantity measures), the release it comes from, and a plausibility flag.
with seizures as (
    select * from {{ ref('int_seizures') }}
),

forms as (
    select * from {{ ref('drug_forms') }}
),

releases as (
    select
        file_sha256,
        any_value(release) as release
    from {{ ref('stg_loads') }}
    group by file_sha256
),

classified as (
    select
        seizures.*,
        {{ surrogate_key(['lower(seizures.drug_label)']) }} as drug_form_key,
        forms.drug_group,
        coalesce(forms.substance, seizures.drug) as substance,
        coalesce(forms.form, 'not classified') as form,
        -- A label the forms seed does not know is kept but summed nowhere until it is classified.
        coalesce(forms.measured_as, 'unclassified') as measured_as,
        releases.release
    from seizures
    left join forms on lower(seizures.drug_label) = forms.drug_label
    left join releases on seizures.file_sha256 = releases.file_sha256
),

-- Annual figures (UNODC) against the other years the same country reported for the same drug
-- as published: a figure three orders of magnitude above their median is implausible (Egypt
-- 1996, poppy plants: 363,932,083 kg against a median near 62 t).
yearly as (
    select
        family,
        source_id,
        country_iso3,
        drug_label,
        year(period_start) as year,
        sum(quantity_kg) as year_kg
    from classified
    where family = 'unodc_seizures' and quantity_kg > 0
    group by all
),

other_years as (
    select
        this_year.family,
        this_year.source_id,
        this_year.country_iso3,
        this_year.drug_label,
        this_year.year,
        median(other_year.year_kg) as other_years_median_kg,
        count(*) as other_years
    from yearly as this_year
    inner join yearly as other_year
        on this_year.family = other_year.family
        and this_year.source_id = other_year.source_id
        and this_year.country_iso3 = other_year.country_iso3
        and this_year.drug_label = other_year.drug_label
        and this_year.year != other_year.year
    group by all
),

checked as (
    select
        classified.*,
        coalesce(
            classified.quantity_kg >= {{ var('implausible_min_kg') }}
            and other_years.other_years >= {{ var('implausible_min_other_years') }}
            and classified.quantity_kg > {{ var('implausible_ratio') }} * other_years.other_years_median_kg,
            false
        ) as is_implausible,
        other_years.other_years_median_kg,
        other_years.other_years
    from classified
    left join other_years
        on classified.source_id = other_years.source_id
        and classified.country_iso3 = other_years.country_iso3
        and classified.drug_label = other_years.drug_label
        and year(classified.period_start) = other_years.year
        -- An equality with the other side (always 'unodc_seizures' there), not a filter on
        -- this side alone: such a filter in a left join's condition makes DuckDB fall back to a
        -- nested-loop join (71,226 x 41,478 rows, 7 s of CPU on the bundled sample).
        and classified.family = other_years.family
)

select
    * exclude (other_years_median_kg, other_years),
    case
        when is_implausible
            then printf(
                    'implausible: %.0f kg is %.0f times the median (%.3f kg) of the %d other years '
                    || '%s reported for %s; kept, but out of every total',
                    quantity_kg,
                    quantity_kg / other_years_median_kg,
                    other_years_median_kg,
                    other_years,
                    country_iso3,
                    drug_label
                )
    end as implausible_reason
from checked
