"""The project's GX Data Context: one file context under the quality folder that holds the
suites, the SQL datasources (DuckDB files), validation definitions, one checkpoint per stage,
GX's validation results store and the Data Docs site GX renders from it.

Datasources, assets, validation definitions and checkpoints are recreated on every call from
the suite files and the database paths given, so the context never holds a stale definition;
the validation results store keeps every run's results (GX's own JSON), which Data Docs show.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import Any, cast

import great_expectations as gx
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.exceptions.exceptions import DataContextError

from drugtrade.quality.duckdb_gx import install

SITE_NAME = "drugtrade_quality"
BATCH_DEFINITION = "whole_relation"


def open_context(root: Path, docs_dir: Path) -> Any:
    """The file context rooted at ``root`` whose Data Docs site is ``docs_dir``."""
    install()
    root.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=str(root))
    site = {
        "class_name": "SiteBuilder",
        "store_backend": {
            "class_name": "TupleFilesystemStoreBackend",
            "base_directory": str(docs_dir.resolve()),
        },
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }
    changed = False
    if (context.variables.data_docs_sites or {}) != {SITE_NAME: site}:
        context.variables.data_docs_sites = {SITE_NAME: site}
        changed = True
    if context.variables.progress_bars != ProgressBarsConfig(globally=False):
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        changed = True
    if changed:
        context.variables.save()
    return context


def drop_checkpoint(context: Any, name: str) -> None:
    """Forget the stage's previous checkpoint first: once its datasource is recreated, GX can no
    longer load (nor so delete) a checkpoint whose validation definitions name assets that the
    new datasource does not have."""
    _drop(context.checkpoints, name)


def _drop(store: Any, name: str) -> None:
    with contextlib.suppress(KeyError, ValueError, DataContextError):
        store.delete(name)


def duckdb_datasource(context: Any, name: str, database: Path) -> Any:
    """A SQL datasource reading the DuckDB file ``database`` read-only (assets are re-added)."""
    if name in context.data_sources.all():
        context.data_sources.delete(name)
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
