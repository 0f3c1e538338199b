-- What each source covers, per measure: a thin last year (few rows, few countries) is a gap in
-- the publication, not a fall in seizures. UNODC's annual seizures: 2020 has 3 rows, all Peru.
select
    source_id,
    measure,
    unit,
    first_year,
    last_year,
    rows,
    countries,
    rows_in_last_year,
    countries_in_last_year,
    release,
    loaded_at
from analyst.coverage
order by source_id, measure
