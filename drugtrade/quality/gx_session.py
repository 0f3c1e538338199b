"""One GX Data Context per validation call: ephemeral, or a file context rooted in a folder that
belongs to this call alone.

GX remembers the context most recently created as the process's "current" one and reads it for
a few decisions (whether to render for GX Cloud, which store a bare suite belongs to). Every
context made here is a local one and every suite is validated through this session's own batch
definition, so that shared reference cannot make two validations read each other's data; the
pipeline still runs each validation in its own task process.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import great_expectations as gx
import pandas as pd
from great_expectations.core.expectation_validation_result import ExpectationSuiteValidationResult
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context.types.base import (
    DataContextConfig,
    InMemoryStoreBackendDefaults,
    ProgressBarsConfig,
)
from great_expectations.data_context.types.resource_identifiers import (
    ExpectationSuiteIdentifier,
    ValidationResultIdentifier,
)

DATASOURCE = "pandas"
ASSET = "frames"
BATCH_DEFINITION = "whole_frame"
# SUMMARY returns up to `partial_unexpected_count` offending values with their row indexes; the
# COMPLETE format would list every offending row of a chunk.
RESULT_FORMAT: dict[str, Any] = {"result_format": "SUMMARY", "partial_unexpected_count": 20}


class GxSession:
    def __init__(self, root: Path | None) -> None:
        self.root = root
        if root is None:
            config = DataContextConfig(
                store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
                progress_bars=ProgressBarsConfig(globally=False),
                analytics_enabled=False,
            )
            self.context = gx.get_context(project_config=config, mode="ephemeral")
        else:
            root.mkdir(parents=True, exist_ok=True)
            self.context = gx.get_context(mode="file", project_root_dir=str(root))
            self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
            self.context.variables.save()
        datasource = self.context.data_sources.add_or_update_pandas(DATASOURCE)
        try:
            asset = datasource.get_asset(ASSET)
        except LookupError:
            asset = datasource.add_dataframe_asset(ASSET)
        try:
            self.batch_definition = asset.get_batch_definition(BATCH_DEFINITION)
        except KeyError:
            self.batch_definition = asset.add_batch_definition_whole_dataframe(BATCH_DEFINITION)

    def validate(
        self, frame: pd.DataFrame, suite: gx.ExpectationSuite, parameters: dict[str, Any]
    ) -> ExpectationSuiteValidationResult:
        batch = self.batch_definition.get_batch(batch_parameters={"dataframe": frame})
        return batch.validate(suite, result_format=RESULT_FORMAT, expectation_parameters=parameters)

    def keep(self, suite: gx.ExpectationSuite, result: ExpectationSuiteValidationResult) -> None:
        """Store the suite and the aggregated result in this context's own stores (file
        contexts keep them on disk beside the run; ephemeral ones until the process ends)."""
        self.context.suites.add_or_update(suite)
        run = result.meta["run_id"]
        run_id = run if isinstance(run, RunIdentifier) else RunIdentifier(**run)
        key = ValidationResultIdentifier(
            expectation_suite_identifier=ExpectationSuiteIdentifier(name=suite.name),
            run_id=run_id,
            batch_identifier=suite.name,
        )
        self.context.validation_results_store.set(key, result)
