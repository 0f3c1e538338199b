"""What the serving warehouse covers, per source and measure (the table analyst.coverage), as
lines for `drugtrade summary`: a thin last year or a source that stopped shows up here before
it shows up as a NULL in a query."""

from __future__ import annotations

import duckdb

from drugtrade.warehouse.publish import ANALYST_SCHEMA


def coverage_lines(connection: duckdb.DuckDBPyConnection) -> list[str]:
    """One line per source and measure: periods, rows, the last year's rows and countries,
    release and load time."""
    rows = connection.execute(
        f"""
        select source_id, measure, unit, first_period_start, last_period_end, rows, countries,
               last_year, rows_in_last_year, countries_in_last_year, release, loaded_at
        from {ANALYST_SCHEMA}.coverage
        order by source_id, measure
        """
    ).fetchall()
    lines = []
    for (
        source_id,
        measure,
        unit,
        first,
        last,
        count,
        countries,
        last_year,
        last_rows,
        last_countries,
        release,
        loaded_at,
    ) in rows:
        lines.append(
            f"{source_id:<40} {measure + ' (' + unit + ')':<30} {first} .. {last} {count:>8,} rows "
            f"{countries:>4} countries; {last_year}: {last_rows:,} rows, {last_countries} countries; "
            f"release {release or 'not named'}; loaded {loaded_at:%Y-%m-%d %H:%M} UTC"
        )
    return lines
