"""The transform DAG's steps: quality gates around the dbt build, then publication.

Order: raw lake checks -> dbt staging (+ its tests) -> staging checks -> dbt intermediate and
marts (+ tests, unit tests) -> marts checks -> publish. A failed critical expectation raises
QualityGateError, which stops the run before anything downstream, so the serving warehouse
keeps the last good data.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path

import duckdb

from drugtrade import lake
from drugtrade.config import Settings
from drugtrade.warehouse.dbt import NodeResult, run_dbt

log = logging.getLogger(__name__)

RAW_DATASETS = ("articles", "statements", "mentions", "text_facts", "articles_rejected",
                "observations", "quarantine", "loads", "source_registry")
STAGING_MODELS = ("stg_articles", "stg_statements", "stg_mentions", "stg_text_facts", "stg_observations",
                  "stg_quarantine", "stg_loads", "stg_articles_rejected", "stg_source_registry")
MART_MODELS = ("dim_date", "dim_country", "dim_drug", "dim_source", "dim_person", "dim_article",
               "fct_statements", "fct_seizures", "fct_production", "dim_topic", "bridge_statement_topics",
               "fct_article_facts")
BATCH_ROWS = 100_000


def _ledger_path(settings: Settings, dataset: str) -> Path:
    return settings.quality_dir / "raw_validated" / f"{dataset}.json"


def _file_key(path: Path) -> str:
    stat = path.stat()
    return f"{stat.st_size}:{stat.st_mtime_ns}"


def unvalidated_files(settings: Settings, dataset: str) -> list[Path]:
    """Partition files written since the last successful check of this dataset: a daily run
    validates what is new, not the whole lake. A file that failed stays unvalidated, so the
    next run checks it again and stops again until it is fixed."""
    ledger_path = _ledger_path(settings, dataset)
    seen = json.loads(ledger_path.read_text()) if ledger_path.exists() else {}
    return [p for p in lake.dataset_files(settings.lake_dir, dataset) if seen.get(str(p)) != _file_key(p)]


def _mark_validated(settings: Settings, dataset: str, files: list[Path]) -> None:
    ledger_path = _ledger_path(settings, dataset)
    seen = json.loads(ledger_path.read_text()) if ledger_path.exists() else {}
    seen.update({str(p): _file_key(p) for p in files if p.exists()})
    lake.atomic_write_bytes(ledger_path, json.dumps(seen, indent=1, sort_keys=True).encode())


def validate_raw(settings: Settings, dataset: str, run_id: str) -> dict[str, object]:
    from drugtrade.quality import ResultStore, gate, validate_batches
    from drugtrade.schemas import DATASETS

    files = unvalidated_files(settings, dataset)
    if not files:
        # Nothing landed since the last check: validating an empty batch would only raise
        # spurious row-count and freshness warnings, and would make 0 rows the baseline the next
        # day's delivery is compared with.
        log.info("raw/%s: no file written since the last check; nothing to validate", dataset)
        return {"dataset": dataset, "files": 0, "rows": 0, "success": True, "skipped": "no new files"}
    report = validate_batches(
        "raw", dataset, lake.iter_batches(files, BATCH_ROWS), schema=DATASETS[dataset],
        run_id=run_id, suites_dir=settings.expectations_dir,
        history=ResultStore(settings.quality_dir / "results"),
        context_dir=settings.quality_dir / "runs" / run_id,
    )
    ResultStore(settings.quality_dir / "results").append(report)
    log.info("%s", report.summary_text())
    gate(report)
    if dataset == "loads":
        _check_release_sizes(settings, files, run_id)
    _mark_validated(settings, dataset, files)
    return {"dataset": dataset, "files": len(files), "rows": report.rows_validated, "success": report.success}


def _check_release_sizes(settings: Settings, new_files: list[Path], run_id: str) -> None:
    """Each new statistical release against the release of the same source before it: a file
    that suddenly delivers far fewer rows stops the run here, before staging."""
    from drugtrade.quality import ReleaseSize, ResultStore, check_release_sizes, gate
    from drugtrade.registry import load_registry

    ratios = {source.id: source.min_release_ratio for source in load_registry(settings.registry_path).statistics}
    with duckdb.connect() as connection:
        rows = connection.execute(
            """
            with releases as (
                select source_id, file_sha256, rows_read, filename in (select unnest($new)) as is_new,
                       lag(rows_read) over (partition by source_id order by retrieved_at, file_sha256)
                           as previous_rows_read
                from read_parquet($files, filename = true)
            )
            select source_id, file_sha256, rows_read, previous_rows_read
            from releases where is_new and previous_rows_read is not null
            order by source_id, file_sha256
            """,
            {"files": [str(p) for p in lake.dataset_files(settings.lake_dir, "loads")],
             "new": [str(p) for p in new_files]},
        ).fetchall()
    releases = [ReleaseSize(unit=f"{source_id}/{sha[:16]}", rows_read=int(read), previous_rows_read=int(previous),
                            min_ratio=ratios.get(source_id, 0.5))
                for source_id, sha, read, previous in rows]
    if not releases:
        return
    report = check_release_sizes(run_id, releases, context_dir=settings.quality_dir / "runs" / run_id)
    ResultStore(settings.quality_dir / "results").append(report)
    log.info("%s", report.summary_text())
    gate(report)


def validate_relation(settings: Settings, stage: str, model: str, run_id: str) -> dict[str, object]:
    from drugtrade.quality import ResultStore, gate, validate_batches

    schema = {"staging": "staging", "marts": "marts"}[stage]
    with duckdb.connect(str(settings.build_db), read_only=True) as connection:
        # A record batch reader streams the relation in bounded memory and carries its schema,
        # so an empty relation is still checked for its columns.
        reader = connection.execute(f"select * from {schema}.{model}").to_arrow_reader(BATCH_ROWS)
        report = validate_batches(
            stage, model, reader,
            run_id=run_id, suites_dir=settings.expectations_dir,
            history=ResultStore(settings.quality_dir / "results"),
            context_dir=settings.quality_dir / "runs" / run_id,
        )
    ResultStore(settings.quality_dir / "results").append(report)
    log.info("%s", report.summary_text())
    gate(report)
    return {"dataset": model, "rows": report.rows_validated, "success": report.success}


def relation_rows(settings: Settings, schema: str, models: tuple[str, ...]) -> dict[str, int]:
    """Rows in each model just built, for the run summary (what went out of a dbt step)."""
    with duckdb.connect(str(settings.build_db), read_only=True) as connection:
        return {model: connection.execute(f'select count(*) from {schema}."{model}"').fetchone()[0]
                for model in models}


IngestDays = date | str | list[date | str] | None


def _variables(ingest_dates: IngestDays) -> dict[str, object] | None:
    """dbt vars naming the article days to rebuild; None lets the incremental models pick up
    every day newer than they hold."""
    if not ingest_dates:
        return None
    days = ingest_dates if isinstance(ingest_dates, list) else [ingest_dates]
    return {"ingest_dates": sorted({d if isinstance(d, str) else d.isoformat() for d in days})}


def build_staging(settings: Settings, ingest_dates: IngestDays = None) -> list[NodeResult]:
    run_dbt(settings, ["seed"])
    return run_dbt(settings, ["build", "--select", "staging"], variables=_variables(ingest_dates))


def build_marts(settings: Settings, ingest_dates: IngestDays = None) -> list[NodeResult]:
    return run_dbt(settings, ["build", "--select", "intermediate", "marts", "analyst"], variables=_variables(ingest_dates))


def reconcile_statistics(settings: Settings, run_id: str) -> dict[str, object]:
    """Cross-stage reconciliation per file release: rows read from the file (the load ledger)
    = rows that reached staging + rows in the quarantine. A source row counts once in staging
    however many observations it gave (a CBP row gives a quantity and an event count)."""
    from drugtrade.quality import ResultStore, RowCounts, gate, reconcile

    with duckdb.connect(str(settings.build_db), read_only=True) as connection:
        rows = connection.execute(
            """
            with staged as (
                select source_id, file_sha256,
                       count(distinct (coalesce(sheet, ''), source_row, period_start)) as staged_rows
                from staging.stg_observations group by all
            ),
            quarantined as (
                select source_id, file_sha256, count(*) as quarantined_rows
                from staging.stg_quarantine group by all
            )
            select loads.source_id || '/' || loads.file_sha256[:16], loads.rows_read,
                   coalesce(staged.staged_rows, 0), coalesce(quarantined.quarantined_rows, 0)
            from staging.stg_loads as loads
            left join staged using (source_id, file_sha256)
            left join quarantined using (source_id, file_sha256)
            order by 1
            """
        ).fetchall()
    counts = [RowCounts(unit=unit, raw_rows=int(read), staging_rows=int(staged), quarantined_rows=int(quarantined))
              for unit, read, staged, quarantined in rows]
    report = reconcile(run_id, counts, dataset="observations",
                       context_dir=settings.quality_dir / "runs" / run_id)
    ResultStore(settings.quality_dir / "results").append(report)
    log.info("%s", report.summary_text())
    gate(report)
    return {"files": len(counts), "rows_read": sum(c.raw_rows for c in counts),
            "rows_staged": sum(c.staging_rows for c in counts),
            "rows_quarantined": sum(c.quarantined_rows for c in counts), "success": report.success}
