-- Nothing is lost: for every statistical file load, rows read = rows loaded + rows
-- quarantined, and the lake holds exactly the quarantined rows the ledger counts.
with loads as (
    select * from {{ ref('stg_loads') }}
),

quarantine as (
    select
        source_id,
        file_sha256,
        count(*) as rows_in_lake
    from {{ ref('stg_quarantine') }}
    group by all
)

select
    loads.source_id,
    loads.file_sha256,
    loads.rows_read,
    loads.rows_loaded,
    loads.rows_quarantined,
    coalesce(quarantine.rows_in_lake, 0) as quarantine_rows_in_lake
from loads
left join quarantine
    on loads.source_id = quarantine.source_id
    and loads.file_sha256 = quarantine.file_sha256
where loads.rows_read != loads.rows_loaded + loads.rows_quarantined
    or loads.rows_quarantined != coalesce(quarantine.rows_in_lake, 0)
