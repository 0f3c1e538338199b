"""GX's start-up imports of scipy.stats and altair are deferred until something uses them, and
an expectation that does use them still gets the real modules."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
import drugtrade.quality
from drugtrade.quality.deferred_imports import DeferredModule
deferred = sorted(n for n in ("scipy.stats", "altair") if isinstance(sys.modules.get(n), DeferredModule))
print(deferred)
from great_expectations.expectations.core import expect_column_kl_divergence_to_be_less_than as kl
print(round(kl.stats.entropy([1, 2], [2, 1]), 6), kl.alt.Chart.__name__)
print(type(sys.modules["scipy.stats"]).__name__)
"""


def test_gx_imports_without_scipy_stats_and_altair_until_used() -> None:
    output = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, timeout=120
    ).stdout.splitlines()
    assert output == ["['altair', 'scipy.stats']", "0.231049 Chart", "module"]


INSPECT_SCRIPT = """
import inspect, sys
import drugtrade.quality
import great_expectations
from drugtrade.quality.deferred_imports import DeferredModule
print(sys.modules["scipy.stats"].__file__.endswith("scipy/stats/__init__.py"))
inspect.stack()  # dbt does this for every behaviour flag of its adapter
print(sorted(n for n in ("scipy.stats", "altair") if isinstance(sys.modules.get(n), DeferredModule)))
"""


def test_inspecting_the_stack_does_not_import_the_deferred_modules() -> None:
    # inspect.getmodule reads __file__ of every module in sys.modules.
    output = subprocess.run(
        [sys.executable, "-c", INSPECT_SCRIPT], capture_output=True, text=True, check=True, timeout=120
    ).stdout.splitlines()
    assert output == ["True", "['altair', 'scipy.stats']"]


READ_RESULTS_SCRIPT = """
import sys
from drugtrade.config import load_settings
from drugtrade.quality import QualityGateError, ResultStore, gate
from drugtrade.runs import quality_for_run
print(quality_for_run(load_settings({"DRUGTRADE_WAREHOUSE": sys.argv[1]}), "a-run"))
print("great_expectations" in sys.modules)
"""


def test_reading_stored_results_does_not_import_gx(tmp_path) -> None:
    # The finishing task of each ingest DAG, and `drugtrade summary`, read results only: GX's
    # import (one to two seconds) is paid by the processes that validate (the names that need
    # it still resolve: the test below).
    output = subprocess.run(
        [sys.executable, "-c", READ_RESULTS_SCRIPT, str(tmp_path / "warehouse")],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.splitlines()
    assert output == ["[]", "False"]


def test_every_public_name_of_the_quality_package_resolves() -> None:
    import drugtrade.quality as quality

    missing = [name for name in quality.__all__ if not hasattr(quality, name)]
    assert not missing
    assert sorted(quality.__all__) == sorted(quality._HOMES)
