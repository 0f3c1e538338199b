-- CBP nationwide seizures (Office of Field Operations + Border Patrol), kg and pounds, by drug and
-- US fiscal year (October to September). One family only: Air and Marine Operations is a separate
-- series (family 'cbp_air_marine') that must not be added to this one. FY2026 is a year to date.
select
    kg.fiscal_year_label,
    kg.substance,
    round(sum(kg.seized_kg), 1) as seized_kg,
    round(sum(kg.seized_kg) / 0.45359237, 2) as seized_lb,
    any_value(kg.release) as release
from analyst.cbp_seizures_kg_by_month as kg
where kg.family = 'cbp_nationwide' and kg.component in ('OFO', 'USBP')
group by kg.fiscal_year_label, kg.substance
order by kg.fiscal_year_label, seized_kg desc
