"""Build (dbt), publish (serving copy and Parquet exports) and query the DuckDB warehouse."""
