-- Nothing is lost: for every statistical file load, rows read = rows loaded + rows
-- quarantined, and the lake holds exactly the quarantined rows the ledger counts.
select loads.source_id, loads.file_sha256, loads.rows_read, loads.rows_loaded, loads.rows_quarantined,
       coalesce(quarantine.rows_in_lake, 0) as quarantine_rows_in_lake
from {{ ref('stg_loads') }} as loads
left join (
    select source_id, file_sha256, count(*) as rows_in_lake
    from {{ ref('stg_quarantine') }}
    group by all
) as quarantine using (source_id, file_sha256)
where loads.rows_read <> loads.rows_loaded + loads.rows_quarantined
   or loads.rows_quarantined <> coalesce(quarantine.rows_in_lake, 0)
