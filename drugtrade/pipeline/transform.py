"""The transform DAG's steps: quality gates around the dbt build, then publication.

Order: raw lake checks -> dbt staging (+ its tests) -> staging checks and reconciliation -> dbt
intermediate and marts (+ tests, unit tests) -> marts checks -> publish. Each quality stage is one
GX checkpoint (one Airflow task) over DuckDB. A failed critical expectation raises
QualityGateError, which stops the run before anything downstream, so the serving warehouse
keeps the last good data.
"""

from __future__ import annotations

import json
import logging
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, cast

import duckdb

from drugtrade import lake
from drugtrade.config import Settings
from drugtrade.pipeline.build_scope import (
    dbt_selection,
    refresh_flags,
    statistics_inputs,
    statistics_ledger,
    statistics_unchanged,
    unit_tested_ledger,
    unit_tests_passed,
)
from drugtrade.pipeline.layers import MART_MODELS, RAW_DATASETS, STAGING_MODELS, STATISTICS_INPUTS

if TYPE_CHECKING:
    from drugtrade.quality import QualityPaths, Relation, ValidationReport
from drugtrade.warehouse.dbt import NodeResult, run_dbt

log = logging.getLogger(__name__)


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


def _quality_paths(settings: Settings) -> QualityPaths:
    from drugtrade.quality import QualityPaths, ResultStore

    return QualityPaths(
        context_root=settings.quality_gx_dir,
        docs_dir=settings.quality_docs_dir,
        seeds_dir=settings.dbt_project_dir / "seeds",
        history=ResultStore(settings.quality_results_dir),
    )


def _store_and_gate(settings: Settings, reports: list[ValidationReport]) -> None:
    from drugtrade.quality import ResultStore, gate

    store = ResultStore(settings.quality_results_dir)
    for report in reports:
        store.append(report)
        log.info("%s", report.summary_text())
    gate(*reports)


def _sql_list(paths: list[Path]) -> str:
    return "[" + ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths) + "]"


def _write_raw_views(settings: Settings, new_files: dict[str, list[Path]]) -> Path:
    """A DuckDB file whose views read the lake's new Parquet files (one view per dataset, plus
    ``releases`` when statistics releases landed), for GX's SQL engine. Written beside the
    results and replaced whole, so a reader never sees half of it."""
    from drugtrade.registry import load_registry

    target = settings.quality_dir / "raw_views.duckdb"
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.tmp")
    temporary.unlink(missing_ok=True)
    with duckdb.connect(str(temporary)) as connection:
        for dataset, files in new_files.items():
            connection.execute(
                f'create view "{dataset}" as select * from read_parquet({_sql_list(files)}, '
                "union_by_name = true, hive_partitioning = false)"
            )
        if new_files.get("loads"):
            ratios = [
                (source.id, source.min_release_ratio)
                for source in load_registry(settings.registry_path).statistics
            ]
            ratio_rows = ", ".join(f"('{sid}', {ratio})" for sid, ratio in ratios) or "(null, null)"
            connection.execute(f"""
                create view releases as
                with ratios(source_id, min_ratio) as (values {ratio_rows}),
                releases as (
                    select source_id, file_sha256, rows_read, filename in {_sql_list(new_files["loads"])} as is_new,
                           lag(rows_read) over (partition by source_id order by retrieved_at, file_sha256)
                               as previous_rows_read
                    from read_parquet({_sql_list(lake.dataset_files(settings.lake_dir, "loads"))},
                                      filename = true, union_by_name = true, hive_partitioning = false)
                )
                select source_id || '/' || left(file_sha256, 16) as unit, rows_read, previous_rows_read,
                       cast(ceil(previous_rows_read * coalesce(ratios.min_ratio, 0.5)) as bigint) as min_rows
                from releases left join ratios using (source_id)
                where is_new and previous_rows_read is not null
            """)
    temporary.replace(target)
    return target


def validate_raw(
    settings: Settings, run_id: str, datasets: tuple[str, ...] = RAW_DATASETS
) -> dict[str, object]:
    """The raw gate: every lake dataset's files written since its last successful check, in one
    GX checkpoint over DuckDB views of those files; new statistics releases are compared with
    the release before them. A dataset that passed is marked validated even when another
    failed, so the next run checks again only what failed."""
    from drugtrade.quality import Relation, load_suite, release_sizes_relation, validate_relations

    new_files = {dataset: files for dataset in datasets if (files := unvalidated_files(settings, dataset))}
    skipped = [d for d in datasets if d not in new_files]
    if skipped:
        # Validating an empty batch would only raise spurious row-count and freshness warnings
        # and make 0 rows the baseline the next delivery is compared with.
        log.info("raw: no file written since the last check of %s; not validated", ", ".join(skipped))
    if not new_files:
        return {"datasets": {}, "skipped": skipped, "success": True}
    views = _write_raw_views(settings, new_files)
    relations = [Relation(suite=load_suite(settings.expectations_dir, "raw", d), table=d) for d in new_files]
    with duckdb.connect(str(views), read_only=True) as connection:
        # count(*) returns exactly one row.
        if (
            new_files.get("loads")
            and cast("tuple[int]", connection.execute("select count(*) from releases").fetchone())[0]
        ):
            relations.append(release_sizes_relation("select * from releases"))
    reports = validate_relations("raw", views, relations, run_id=run_id, paths=_quality_paths(settings))
    failed = {r.dataset for r in reports if not r.success}
    if "releases" in failed:
        failed.add("loads")  # a release too small stays unvalidated until it is fixed or allowed
    for dataset, files in new_files.items():
        if dataset not in failed:
            _mark_validated(settings, dataset, files)
    _store_and_gate(settings, reports)
    return {"datasets": {r.dataset: r.rows_validated for r in reports}, "skipped": skipped, "success": True}


def _validate_built(
    settings: Settings, stage: str, models: tuple[str, ...], run_id: str, extra: list[Relation] | None = None
) -> dict[str, object]:
    from drugtrade.quality import Relation, load_suite, validate_relations

    relations = [
        Relation(suite=load_suite(settings.expectations_dir, stage, m), table=m, schema=stage) for m in models
    ]
    reports = validate_relations(
        stage, settings.build_db, [*relations, *(extra or [])], run_id=run_id, paths=_quality_paths(settings)
    )
    _store_and_gate(settings, reports)
    return {
        "datasets": {
            r.dataset if r.stage == stage else f"{r.stage}.{r.dataset}": r.rows_validated for r in reports
        },
        "success": all(r.success for r in reports),
    }


RECONCILIATION_QUERY = """
    with staged as (
        select source_id, file_sha256,
               count(distinct (coalesce(sheet, ''), source_row, period_start)) as staged_rows
        from staging.stg_observations group by all
    ),
    quarantined as (
        select source_id, file_sha256, count(*) as quarantined_rows
        from staging.stg_quarantine group by all
    )
    select loads.source_id || '/' || left(loads.file_sha256, 16) as unit, loads.rows_read as raw_rows,
           coalesce(staged.staged_rows, 0) as staging_rows,
           coalesce(quarantined.quarantined_rows, 0) as quarantined_rows
    from staging.stg_loads as loads
    left join staged using (source_id, file_sha256)
    left join quarantined using (source_id, file_sha256)
"""


def validate_staging(settings: Settings, run_id: str) -> dict[str, object]:
    """The staging gate: the staging suites and the cross-stage reconciliation per file
    release (rows read = rows staged + rows quarantined; a source row counts once in staging
    however many observations it gave), in one GX checkpoint on the build file. When the
    statistics files are those the build was made from, their staging views are the rows the
    last run already validated: their suites and the reconciliation are not run again."""
    from drugtrade.quality import reconciliation_relation

    unchanged = statistics_unchanged(settings)
    skipped = [f"stg_{dataset}" for dataset in STATISTICS_INPUTS] if unchanged else []
    if skipped:
        # The totals too are those of that build: reading every observation again to report
        # them would make a day's cost follow all the statistics, not the new data.
        log.info(
            "staging: statistics files unchanged since the last build; %s and the reconciliation "
            "were validated then",
            ", ".join(skipped),
        )
        totals = {}
    else:
        with duckdb.connect(str(settings.build_db), read_only=True) as connection:
            # An aggregate without group by returns exactly one row.
            read, staged, quarantined = cast(
                "tuple[int, int, int]",
                connection.execute(
                    f"select coalesce(sum(raw_rows), 0), coalesce(sum(staging_rows), 0), "
                    f"coalesce(sum(quarantined_rows), 0) from ({RECONCILIATION_QUERY})"
                ).fetchone(),
            )
        totals = {"rows_read": int(read), "rows_staged": int(staged), "rows_quarantined": int(quarantined)}
    extra = [] if unchanged else [reconciliation_relation(RECONCILIATION_QUERY)]
    models = tuple(model for model in STAGING_MODELS if model not in skipped)
    result = _validate_built(settings, "staging", models, run_id, extra)
    return {**result, "skipped": skipped, **totals}


def validate_marts(settings: Settings, run_id: str) -> dict[str, object]:
    """The marts gate: the mart suites (distribution, volume, value sets GX owns) in one GX
    checkpoint on the build file, for the marts whose rows (or rules) changed since they last
    passed: a day of new articles does not validate the seizure facts again."""
    from drugtrade.pipeline import validated_relations

    current = validated_relations.fingerprints(settings, "marts", MART_MODELS)
    skipped = validated_relations.already_validated(settings, "marts", current)
    if skipped:
        log.info("marts: %s unchanged since they last passed; not validated again", ", ".join(skipped))
    models = tuple(model for model in MART_MODELS if model not in skipped)
    result = _validate_built(settings, "marts", models, run_id)
    validated_relations.mark_validated(settings, "marts", {m: current[m] for m in models if m in current})
    return {**result, "skipped": skipped}


def relation_rows(settings: Settings, schema: str, models: tuple[str, ...]) -> dict[str, int]:
    """Rows in each model just built, for the run summary (what went out of a dbt step)."""
    with duckdb.connect(str(settings.build_db), read_only=True) as connection:
        return {
            model: cast(
                "tuple[int]", connection.execute(f'select count(*) from {schema}."{model}"').fetchone()
            )[0]
            for model in models
        }


IngestDays = date | str | list[date | str] | None


def _ingest_environment(ingest_dates: IngestDays) -> dict[str, str]:
    """The article days to rebuild, for fct_statements (env DRUGTRADE_INGEST_DATES); empty lets
    the incremental models pick up every day newer than they hold."""
    if not ingest_dates:
        return {"DRUGTRADE_INGEST_DATES": ""}
    days = ingest_dates if isinstance(ingest_dates, list) else [ingest_dates]
    return {
        "DRUGTRADE_INGEST_DATES": ",".join(sorted({d if isinstance(d, str) else d.isoformat() for d in days}))
    }


def build_staging(
    settings: Settings, ingest_dates: IngestDays = None, *, full_refresh: bool = False
) -> list[NodeResult]:
    """Seeds and staging in one dbt invocation (one parse, reused from the target folder).
    Cautious indirect selection: a seed's tests that also read a later layer (relationships from
    an intermediate model to a seed) wait for the marts build, which selects that layer."""
    unchanged = statistics_unchanged(settings) and not full_refresh
    selection = dbt_selection(
        settings,
        ["resource_type:seed", "staging"],
        unchanged,
        skip_unit_tests=unit_tests_passed(settings) and not full_refresh,
    )
    if selection is None:
        return []
    return run_dbt(
        settings,
        [*selection, "--indirect-selection", "cautious", *refresh_flags(full_refresh)],
        environment=_ingest_environment(ingest_dates),
    )


def build_marts(
    settings: Settings, ingest_dates: IngestDays = None, *, full_refresh: bool = False
) -> list[NodeResult]:
    """Intermediate models, marts and the analyst layer in one dbt invocation; the statistics side only when its
    lake files changed since it was last built (always with ``full_refresh``)."""
    inputs = statistics_inputs(settings)
    unchanged = statistics_unchanged(settings) and not full_refresh
    unit_tested = unit_tests_passed(settings) and not full_refresh
    selection = dbt_selection(
        settings, ["intermediate", "marts", "analyst"], unchanged, skip_unit_tests=unit_tested
    )
    nodes = (
        []
        if selection is None
        else run_dbt(
            settings,
            [*selection, *refresh_flags(full_refresh)],
            environment=_ingest_environment(ingest_dates),
        )
    )
    if not unit_tested:
        # Both layers built with their unit tests, which passed (dbt raised otherwise).
        lake.atomic_write_bytes(unit_tested_ledger(settings), json.dumps(inputs["dbt project"]).encode())
    if not unchanged:
        lake.atomic_write_bytes(
            statistics_ledger(settings), json.dumps(inputs, indent=1, sort_keys=True).encode()
        )
    return nodes
