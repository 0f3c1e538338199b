"""Fixtures every test may use, and the markers that choose `make check`, `make test` and
`make test-stack`. Use these rather than defining your own.

Paths
    PROJECT_ROOT, fixture ``project_root``: the repository root.
    fixture ``shared_dir``: the real material, ``../shared`` beside the project root (read
        only). The one definition of that path in the tests: a test that needs it skips, with
        the path in the reason, when it is absent.
    fixture ``shared_file``: ``shared_file("sources/cbp/x.csv")`` is that file of ../shared,
        or a skip naming it; ``shared_file(..., fallback=bundled_copy)`` uses the bundled copy
        instead when ../shared lacks it.

The bundled warehouse, built once per test run
    fixture ``bundled_warehouse`` (session): ``drugtrade run --date 2026-11-27`` of the bundled
        sample sources, the real embedded pipeline (Airflow DAG runs on SQLite, dbt, GX,
        publication) into a temporary folder, run once for the whole session. A
        ``BuiltWarehouse``: ``.warehouse``, ``.serving_db``, ``.airflow_home``, ``.env`` (the
        environment it ran with), ``.output`` (the run's stdout), ``.run_args`` and
        ``.drugtrade(*args)`` (the console command on it). READ ONLY: the session ends in an
        error naming the files if a test changed it.
    fixture ``warehouse_copy`` (per test): a private copy of that run (warehouse and Airflow
        home, cheap: a folder copy) for a test that writes: rerun a day, add a batch.
        ``copy_built(built, folder)`` (tests/pipeline_runs.py) makes one where a module needs its own.

Markers (pyproject.toml describes them), applied here so nobody has to remember them
    A test gets ``slow``, ``airflow`` or ``superset`` from a fixture it uses (``FIXTURE_MARKERS``:
    any pipeline-built fixture makes it ``slow``) and ``stack``, ``fuzz``, ``airflow`` or
    ``slow`` from where it lives (``PATH_MARKERS``); ``gx`` and ``integration`` are set in the
    test modules. Every test with none of those is ``unit``.
    - ``make check`` (the inner loop, <= 60 s, with lint): ``-m unit``;
    - ``make test``: everything but ``stack`` and ``superset`` (CI, <= 6 min on 2 cores);
    - ``make test-stack``: ``stack`` and ``superset``, real servers (CI runs it after make test).
    ``make test`` runs two pytest-xdist workers; ``XDIST_GROUPS`` keeps the test files of one
    expensive session fixture on one worker (add yours there), the rest go by module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pipeline_runs import BuiltWarehouse, build_warehouse, copy_built

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED = (PROJECT_ROOT / ".." / "shared").resolve()

# The markers that choose the lanes (pyproject.toml describes each). A test gets a marker from a
# fixture it uses (directly or through another fixture) or from where it lives; `unit` goes to
# every test that got none of the others: `make check` runs those.
FIXTURE_MARKERS = {
    "bundled_warehouse": "slow",
    "warehouse_copy": "slow",
    "warehouse": "slow",  # tests/bi: the bundled run's folder (or one `make run` filled)
    "serving_db": "slow",
    "three_days": "slow",  # tests/test_warehouse.py: three days of the pipeline's steps
    "days": "slow",  # tests/reliability: two published days in child processes
    "embedded_facts": "slow",
    "dagbag": "airflow",
    "superset": "superset",
}
PATH_MARKERS = {
    "stack/": "stack",
    "fuzz/": "fuzz",
    "test_dag_integrity.py": "airflow",
    "test_task_isolation.py": "airflow",
    # our extractor against trafilatura's on the 151 real content pages: an evaluation
    "extract/test_content_pages_score.py": "slow",
}
# Under pytest-xdist (`make test`: two workers, `--dist loadscope`) each worker has its own
# session. The tests of one expensive session fixture go to one worker, so it is built once (by
# path: xdist's own `xdist_group` marker does not group under pytest 9.2); every other module goes
# whole to one worker, so its module-scoped fixtures are built once too.
XDIST_GROUPS = {
    "tests/test_end_to_end.py": "bundled_warehouse",
    "tests/test_mart_contracts.py": "bundled_warehouse",
    "tests/bi/": "bundled_warehouse",
    "tests/reliability/": "reliability_days",
}
NOT_UNIT = frozenset({"slow", "gx", "integration", "airflow", "fuzz", "stack", "superset"})


def _file_states(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        str(path.relative_to(folder)): (path.lstat().st_size, path.lstat().st_mtime_ns)
        for path in folder.rglob("*")
        if path.is_file() or path.is_symlink()
    }


@pytest.fixture(scope="session")
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(
            f"real material not available: {SHARED} is absent (it sits beside the project root in dev and CI)"
        )
    return SHARED


@pytest.fixture(scope="session")
def shared_file() -> Callable[..., Path]:
    def find(relative: str, fallback: Path | None = None) -> Path:
        path = SHARED / relative
        if path.is_file():
            return path
        if fallback is not None and fallback.is_file():
            return fallback
        where = f"{SHARED} is absent" if not SHARED.is_dir() else f"{path} is absent"
        pytest.skip(
            f"real file not available: {where} (../shared sits beside the project root in dev and CI)"
        )

    return find


@pytest.fixture(scope="session")
def bundled_warehouse(tmp_path_factory) -> Iterator[BuiltWarehouse]:
    built = build_warehouse(tmp_path_factory.mktemp("bundled"))
    after_the_run = _file_states(built.warehouse)
    yield built
    at_the_end = _file_states(built.warehouse)
    changed = sorted(
        name
        for name in after_the_run.keys() | at_the_end.keys()
        if after_the_run.get(name) != at_the_end.get(name)
    )
    assert not changed, (
        "a test changed the shared bundled warehouse (use the warehouse_copy fixture to write): "
        f"{changed[:10]}"
    )


@pytest.fixture
def warehouse_copy(bundled_warehouse: BuiltWarehouse, tmp_path: Path) -> BuiltWarehouse:
    return copy_built(bundled_warehouse, tmp_path / "copy")


def pytest_itemcollected(item: pytest.Item) -> None:
    """Marks each test as it is collected, before `-m` deselects by its markers."""
    tests = PROJECT_ROOT / "tests"
    fixtures = set(getattr(item, "fixturenames", ()))
    path = Path(item.path).resolve()
    place = path.relative_to(tests).as_posix() if path.is_relative_to(tests) else path.name
    for name in sorted(fixtures & FIXTURE_MARKERS.keys()):
        item.add_marker(FIXTURE_MARKERS[name])
    for prefix, marker in PATH_MARKERS.items():
        if place.startswith(prefix):
            item.add_marker(marker)
    if not {mark.name for mark in item.iter_markers()} & NOT_UNIT:
        item.add_marker("unit")


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object | None:
    """`--dist loadscope` with the scopes of XDIST_GROUPS: one worker per shared build."""
    if config.getvalue("dist") != "loadscope":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedBuildScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            group = next((g for prefix, g in XDIST_GROUPS.items() if nodeid.startswith(prefix)), None)
            return group or super()._split_scope(nodeid)

    return SharedBuildScheduling(config, log)
