"""GX Data Docs (static HTML) from the validation results a ResultStore holds.

GX renders Data Docs from the validation results in a context's validation-results store and
the suites in its expectations store (``context.build_data_docs``). So the docs get their own
file context, ``<out_dir>_gx`` beside the site folder (under the warehouse quality dir); each
build copies into its store the GX results that ResultStore.append wrote (``*.gx.json``) and
have not been copied yet, then renders those pages and the index. Results already rendered are
not rendered again, so a build costs what the new results cost.
"""

from __future__ import annotations

import json
from pathlib import Path

import great_expectations as gx
from great_expectations.core.expectation_validation_result import (
    ExpectationSuiteValidationResult,
    expectationSuiteValidationResultSchema,
)
from great_expectations.core.run_identifier import RunIdentifier
from great_expectations.data_context.types.base import ProgressBarsConfig
from great_expectations.data_context.types.resource_identifiers import (
    ExpectationSuiteIdentifier,
    ValidationResultIdentifier,
)

from drugtrade.quality.store import ResultStore

SITE_NAME = "drugtrade_quality"


def _result_key(result: ExpectationSuiteValidationResult) -> ValidationResultIdentifier:
    run = result.meta["run_id"]
    run_id = run if isinstance(run, RunIdentifier) else RunIdentifier(**run)
    return ValidationResultIdentifier(
        expectation_suite_identifier=ExpectationSuiteIdentifier(name=result.suite_name),
        run_id=run_id,
        batch_identifier=result.suite_name,
    )


def _suite_from_result(result: ExpectationSuiteValidationResult) -> gx.ExpectationSuite:
    entries = []
    for expectation_result in result.results:
        config = expectation_result.expectation_config.to_json_dict()
        config.pop("id", None)
        config.pop("rendered_content", None)
        entries.append(config)
    return gx.ExpectationSuite(name=result.suite_name, expectations=entries)


def build_data_docs(results_dir: Path, out_dir: Path) -> Path:
    """Render every stored GX result under ``results_dir`` into a Data Docs site in ``out_dir``;
    returns the site's index.html."""
    out_dir = Path(out_dir).resolve()
    context_root = out_dir.parent / f"{out_dir.name}_gx"
    context_root.mkdir(parents=True, exist_ok=True)
    context = gx.get_context(mode="file", project_root_dir=str(context_root))
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    sites = context.variables.data_docs_sites or {}
    wanted = {
        "class_name": "SiteBuilder",
        "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(out_dir)},
        "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
    }
    if sites.get(SITE_NAME) != wanted:
        context.variables.data_docs_sites = {SITE_NAME: wanted}
    context.variables.save()

    store = context.validation_results_store
    new_keys: list[ValidationResultIdentifier | ExpectationSuiteIdentifier] = []
    latest_per_suite: dict[str, ExpectationSuiteValidationResult] = {}
    for path in ResultStore(results_dir).gx_result_files():
        try:
            result = expectationSuiteValidationResultSchema.load(json.loads(path.read_text(encoding="utf-8")))
        except Exception as error:  # marshmallow and JSON errors alike: name the file
            raise ValueError(f"{path}: not a GX validation result: {error}") from error
        key = _result_key(result)
        if store.has_key(key):
            continue
        store.set(key, result)
        new_keys.append(key)
        latest_per_suite[result.suite_name] = result
    for name, result in latest_per_suite.items():
        context.suites.add_or_update(_suite_from_result(result))
        new_keys.append(ExpectationSuiteIdentifier(name=name))

    index = out_dir / "index.html"
    if not index.exists():
        context.build_data_docs(site_names=[SITE_NAME])
    elif new_keys:
        context.build_data_docs(site_names=[SITE_NAME], resource_identifiers=new_keys)
    if not index.is_file():
        raise RuntimeError(f"GX did not write {index}")
    return index
