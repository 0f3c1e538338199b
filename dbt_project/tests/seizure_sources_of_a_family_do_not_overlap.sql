-- The analyst views add up the sources of one family (CBP publishes FY2019-FY2022 and FY2023
-- onwards as two files, two sources): that is only right while no two sources of a family
-- publish the same month, place and drug. A source whose file starts repeating another's
-- months must be made a release of that source instead. Returns the overlapping keys.
select
    family,
    period_start,
    component,
    area,
    drug_label,
    list(distinct source_id order by source_id) as sources
from {{ ref('fct_seizures') }}
where family != 'unodc_seizures'
group by family, period_start, component, area, drug_label
having count(distinct source_id) > 1
