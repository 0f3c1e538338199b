"""GX Data Docs (static HTML) rendered by GX from its own validation results store.

Called once per run (the transform DAG's report task): GX renders the results of its store
that have no page yet, their suites and the index, so a daily run renders what it validated,
not the history; a missing index (a fresh or cleaned site) renders the whole site.
"""

from __future__ import annotations

from pathlib import Path

from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

from drugtrade.quality.context import SITE_NAME, open_context


def context_root_for(results_dir: Path) -> Path:
    """The GX context that sits beside a ResultStore folder (``<quality>/gx``)."""
    return Path(results_dir).resolve().parent / "gx"


def build_data_docs(results_dir: Path, out_dir: Path) -> Path:
    """The Data Docs site of the GX context beside ``results_dir``, in ``out_dir``; returns its
    index.html."""
    out_dir = Path(out_dir).resolve()
    index = out_dir / "index.html"
    context = open_context(context_root_for(results_dir), out_dir)
    if not index.is_file():
        context.build_data_docs(site_names=[SITE_NAME])
    else:
        new = [
            key
            for key in context.validation_results_store.list_keys()
            if not (
                out_dir / "validations" / Path(*key.to_tuple()[:-1]) / f"{key.to_tuple()[-1]}.html"
            ).is_file()
        ]
        if new:
            suites = {ExpectationSuiteIdentifier(name=key.expectation_suite_identifier.name) for key in new}
            context.build_data_docs(site_names=[SITE_NAME], resource_identifiers=[*new, *suites])
    if not index.is_file():
        raise RuntimeError(f"GX did not write {index}")
    return index
