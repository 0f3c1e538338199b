"""The project's GX Data Context: the suites and GX's validation results store in GX's file
layout under the quality folder, the SQL datasources (DuckDB files), validation definitions and
one checkpoint per stage, and the Data Docs site GX renders from the stores.

Datasources, assets, validation definitions and checkpoints are recreated on every call from
the suite files and the database paths given, so the context never holds a stale definition;
they live in memory (an ephemeral context configured with file stores for suites and results):
a file context rewrote great_expectations.yml for every asset added and reloaded every
definition from disk to check it was fresh, half of a stage's GX time on the bundled sample.
The validation results store keeps every run's results (GX's own JSON), which Data Docs show.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, cast

import great_expectations as gx
from great_expectations.data_context.types.base import DataContextConfig, ProgressBarsConfig
from great_expectations.exceptions.exceptions import DataContextError

from drugtrade.quality import duckdb_gx, gx_run_overhead

SITE_NAME = "drugtrade_quality"
# The newest validation results the Data Docs index lists (about two weeks of daily runs, or six
# runs that validate everything). GX reads each listed result from its store to build the index
# on every run, so without a limit a day's Data Docs cost grew with the whole history (0.9 s
# with one run of the bundled sample in the store, 2.6 s with 31, 13 s with 101; 0.4-0.5 s with
# the limit). Each new result gets its own page, and dq_results in the serving warehouse keeps
# them all (a site rebuilt from scratch renders the pages of these newest results only).
INDEX_RESULTS = 200
BATCH_DEFINITION = "whole_relation"
_IN_MEMORY: dict[str, Any] = {"class_name": "InMemoryStoreBackend"}


def _filesystem(base_directory: Path) -> dict[str, Any]:
    return {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(base_directory)}


def open_context(root: Path, docs_dir: Path) -> Any:
    """The context whose suites and validation results live under ``root`` (GX's file layout:
    ``gx/expectations``, ``gx/uncommitted/validations``) and whose Data Docs site is
    ``docs_dir``; datasources, validation definitions and checkpoints are kept in memory."""
    duckdb_gx.install()
    gx_run_overhead.install()
    gx_root = root.resolve() / "gx"
    config = DataContextConfig(
        stores={
            "expectations_store": {
                "class_name": "ExpectationsStore",
                "store_backend": _filesystem(gx_root / "expectations"),
            },
            "validation_results_store": {
                "class_name": "ValidationResultsStore",
                "store_backend": _filesystem(gx_root / "uncommitted" / "validations"),
            },
            "checkpoint_store": {"class_name": "CheckpointStore", "store_backend": _IN_MEMORY},
            "validation_definition_store": {
                "class_name": "ValidationDefinitionStore",
                "store_backend": _IN_MEMORY,
            },
        },
        expectations_store_name="expectations_store",
        validation_results_store_name="validation_results_store",
        checkpoint_store_name="checkpoint_store",
        data_docs_sites={
            SITE_NAME: {
                "class_name": "SiteBuilder",
                "store_backend": _filesystem(docs_dir.resolve()),
                "site_index_builder": {
                    "class_name": "DefaultSiteIndexBuilder",
                    "validation_results_limit": INDEX_RESULTS,
                },
            }
        },
        progress_bars=ProgressBarsConfig(globally=False),
        analytics_enabled=False,
    )
    context = gx.get_context(project_config=config, mode="ephemeral")
    # An ephemeral context still "saves" its project config for every datasource and asset
    # added: a YAML dump of the whole config into an in-memory store that nothing reads (eleven
    # times a stage on the bundled sample, some 8 ms each).
    cast(Any, context)._save_project_config = lambda: None
    return context


def _drop(store: Any, name: str) -> None:
    with contextlib.suppress(KeyError, ValueError, DataContextError):
        store.delete(name)


def duckdb_datasource(context: Any, name: str, database: Path) -> Any:
    """A SQL datasource reading the DuckDB file ``database`` read-only."""
    return context.data_sources.add_sql(
        name=name,
        connection_string=f"duckdb:///{database}",
        kwargs={"connect_args": {"read_only": True}},
    )


def add_validation(
    context: Any,
    datasource: Any,
    suite: gx.ExpectationSuite,
    *,
    table: str | None = None,
    schema: str | None = None,
    query: str | None = None,
) -> gx.ValidationDefinition:
    """Asset (a table or view, or a query), its whole-relation batch definition, the suite and
    a validation definition named like the suite."""
    asset_name = suite.name
    if query is not None:
        # GX accepts a query that starts with SELECT; a CTE is wrapped.
        asset = datasource.add_query_asset(name=asset_name, query=f"SELECT * FROM ({query.strip()})")
    else:
        asset = datasource.add_table_asset(name=asset_name, table_name=table, schema_name=schema)
    batch = asset.add_batch_definition_whole_table(BATCH_DEFINITION)
    _drop(context.validation_definitions, suite.name)
    # Replaced whole: add_or_update compares every expectation with every stored one (seconds
    # for a suite of 60).
    _drop(context.suites, suite.name)
    stored = context.suites.add(suite)
    return cast(
        gx.ValidationDefinition,
        context.validation_definitions.add(
            gx.ValidationDefinition(name=suite.name, data=batch, suite=stored)
        ),
    )


def stage_checkpoint(
    context: Any, name: str, validations: list[gx.ValidationDefinition], result_format: dict[str, Any]
) -> gx.Checkpoint:
    """One checkpoint per quality stage: every suite of the stage. Its results go to GX's
    validation results store; Data Docs are rendered once per run (drugtrade.quality.docs)."""
    checkpoint = gx.Checkpoint(name=name, validation_definitions=validations, result_format=result_format)
    return cast(gx.Checkpoint, context.checkpoints.add(checkpoint))
