-- CBP seizures (kg and events) by drug and US fiscal year (October to September).
select
    fiscal_year,
    drug,
    round(sum(quantity_kg), 1) as seized_kg,
    sum(events) as seizure_events,
    bool_or(is_partial_period) as includes_partial_year
from fct_seizures
where estimator = 'CBP'
group by fiscal_year, drug
order by fiscal_year, seized_kg desc
