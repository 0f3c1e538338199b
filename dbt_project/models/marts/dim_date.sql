-- Day grain. US sources count fiscal years from October (FY2019 = 2018-10-01 .. 2019-09-30).
with days as (
    select cast(day as date) as date_day
    from
        generate_series(
            cast('{{ var("date_spine_start") }}' as date),
            cast('{{ var("date_spine_end") }}' as date),
            interval 1 day
        ) as spine (day)
)

select
    cast(strftime(date_day, '%Y%m%d') as integer) as date_key,
    date_day as date,
    year(date_day) as year,
    quarter(date_day) as quarter,
    month(date_day) as month,
    monthname(date_day) as month_name,
    day(date_day) as day_of_month,
    isodow(date_day) as iso_day_of_week,
    {{ us_fiscal_year('date_day') }} as us_fiscal_year,
    case when month(date_day) >= 10 then month(date_day) - 9 else month(date_day) + 3 end as us_fiscal_month,
    date_trunc('month', date_day) = date_day as is_month_start,
    last_day(date_day) = date_day as is_month_end
from days
