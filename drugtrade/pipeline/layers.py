"""What each stage of the transform validates and reports: the lake datasets of the raw gate and
the dbt models of the staging and marts gates, one suite each in expectations/<stage>/.

The one home of these lists: the transform DAG imports them at parse time, so this module
imports nothing (no dbt, GX, DuckDB or pyarrow). Tests check them against their sources of truth:
the lake contract (drugtrade.schemas.DATASETS), the dbt project's staging models and the
expectation suites kept in expectations/.
"""

from __future__ import annotations

# Every dataset of the lake contract, in its order.
RAW_DATASETS = (
    "articles",
    "statements",
    "mentions",
    "text_facts",
    "articles_rejected",
    "observations",
    "quarantine",
    "loads",
    "source_registry",
)
# Every staging model (one per lake dataset).
STAGING_MODELS = (
    "stg_articles",
    "stg_statements",
    "stg_mentions",
    "stg_text_facts",
    "stg_observations",
    "stg_quarantine",
    "stg_loads",
    "stg_articles_rejected",
    "stg_source_registry",
)
# The marts with a GX suite: dimensions first, facts after the dimensions they key into.
MART_MODELS = (
    "dim_date",
    "dim_country",
    "dim_drug",
    "dim_source",
    "dim_person",
    "dim_article",
    "fct_statements",
    "fct_seizures",
    "fct_production",
    "dim_topic",
    "bridge_statement_topics",
    "fct_article_facts",
)
# Lake datasets only the statistics side of the warehouse reads.
STATISTICS_INPUTS = ("observations", "quarantine", "loads", "source_registry")
