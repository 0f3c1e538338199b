"""GX Data Docs (static HTML) rendered by GX from its own validation results store.

Called once per run (the transform DAG's report task): GX renders the results of its store
that have no page yet, their suites and the index, so a daily run renders what it validated,
not the history; a missing index (a fresh or cleaned site) renders the whole site. Both stop at
the newest INDEX_RESULTS results (drugtrade.quality.context), which are what the index lists:
an older result without a page (a cleaned site) is not rendered again on every run.
"""

from __future__ import annotations

from pathlib import Path

from great_expectations.data_context.types.resource_identifiers import ExpectationSuiteIdentifier

from drugtrade.quality import context as gx_context

# GX renders each stored result through its expectation's class: the project's own two must be
# registered in this process too (the report task renders in a process that validated nothing).
from drugtrade.quality.column_types import EXPECTATION_TYPE as _COLUMN_TYPES  # noqa: F401
from drugtrade.quality.columns_not_null import EXPECTATION_TYPE as _COLUMNS_NOT_NULL  # noqa: F401


def context_root_for(results_dir: Path) -> Path:
    """The GX context that sits beside a ResultStore folder (``<quality>/gx``)."""
    return Path(results_dir).resolve().parent / "gx"


def build_data_docs(results_dir: Path, out_dir: Path) -> Path:
    """The Data Docs site of the GX context beside ``results_dir``, in ``out_dir``; returns its
    index.html."""
    out_dir = Path(out_dir).resolve()
    index = out_dir / "index.html"
    context = gx_context.open_context(context_root_for(results_dir), out_dir)
    if not index.is_file():
        context.build_data_docs(site_names=[gx_context.SITE_NAME])
    else:
        # The results the index lists, in GX's order (the newest run first).
        listed = sorted(
            context.validation_results_store.list_keys(), key=lambda key: key.run_id.run_time, reverse=True
        )[: gx_context.INDEX_RESULTS]
        new = [
            key
            for key in listed
            if not (
                out_dir / "validations" / Path(*key.to_tuple()[:-1]) / f"{key.to_tuple()[-1]}.html"
            ).is_file()
        ]
        if new:
            suites = {ExpectationSuiteIdentifier(name=key.expectation_suite_identifier.name) for key in new}
            context.build_data_docs(site_names=[gx_context.SITE_NAME], resource_identifiers=[*new, *suites])
    if not index.is_file():
        raise RuntimeError(f"GX did not write {index}")
    return index
