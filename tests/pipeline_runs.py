"""A `drugtrade run` of the bundled sample sources and copies of it: what the ``bundled_warehouse``
and ``warehouse_copy`` fixtures of tests/conftest.py hand out (a uniquely named module, so test
modules can import the type: several test folders have a conftest.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass, field, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DRUGTRADE = str(Path(sys.executable).with_name("drugtrade"))
# The day of the bundled run: the figures the end-to-end tests assert are that run's.
BUNDLED_DAY = "2026-11-27"


@dataclass(frozen=True)
class BuiltWarehouse:
    """One `drugtrade run` and where it left everything."""

    root: Path  # holds warehouse/ and airflow/
    env: dict[str, str] = field(repr=False)
    output: str = field(repr=False)
    day: str = BUNDLED_DAY

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse"

    @property
    def airflow_home(self) -> Path:
        return self.root / "airflow"

    @property
    def serving_db(self) -> Path:
        return self.warehouse / "serving" / "drugtrade.duckdb"

    @property
    def build_db(self) -> Path:
        return self.warehouse / "build" / "drugtrade.duckdb"

    @property
    def run_args(self) -> tuple[str, ...]:
        """`drugtrade run` of this day on this warehouse and Airflow home (add `--dags ...`)."""
        return (
            "run",
            "--date",
            self.day,
            "--warehouse",
            str(self.warehouse),
            "--airflow-home",
            str(self.airflow_home),
        )

    def drugtrade(self, *args: str, timeout: float = 1800) -> subprocess.CompletedProcess:
        """The `drugtrade` console command with this warehouse's environment."""
        return subprocess.run(
            [DRUGTRADE, *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            cwd=PROJECT_ROOT,
            timeout=timeout,
        )


def clean_environment() -> dict[str, str]:
    """This process's environment without the project's, Airflow's and Superset's settings."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("DRUGTRADE_", "AIRFLOW", "SUPERSET_"))}


def build_warehouse(root: Path, day: str = BUNDLED_DAY) -> BuiltWarehouse:
    """`drugtrade run` of ``day`` on the bundled sample sources into ``root``."""
    env = {**clean_environment(), "DRUGTRADE_WAREHOUSE": str(root / "warehouse")}
    built = BuiltWarehouse(root=root, env=env, output="", day=day)
    done = built.drugtrade(*built.run_args)
    assert done.returncode == 0, f"pipeline failed:\n{done.stdout[-5000:]}\n{done.stderr[-5000:]}"
    return replace(built, output=done.stdout)


def copy_built(built: BuiltWarehouse, root: Path) -> BuiltWarehouse:
    """A private copy of a run under ``root``: the warehouse (its exports link is relative) and
    the Airflow home, whose airflow.cfg is pointed at the copy."""
    shutil.copytree(built.root, root, symlinks=True)
    config = root / "airflow" / "airflow.cfg"
    if config.is_file():
        config.write_text(config.read_text().replace(str(built.root), str(root)))
    env = {**built.env, "DRUGTRADE_WAREHOUSE": str(root / "warehouse")}
    return replace(built, root=root, env=env)
