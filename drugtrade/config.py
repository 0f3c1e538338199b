"""Where things live. Every path can be moved with an environment variable, so the same code
runs on a laptop, in CI, in the compose stack, and later against object storage."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# The dbt seeds of this checkout: the vocabularies the extractors read at import time (the
# settings' dbt project, which may be moved, is what dbt builds from).
REPO_SEEDS_DIR = PROJECT_ROOT / "dbt_project" / "seeds"
# The real material beside a development checkout (read-only, not part of the repository): the
# default input of the evaluation and bundle-building commands, which all take another path.
SHARED_MATERIAL_DIR = PROJECT_ROOT / ".." / "shared"


@dataclass(frozen=True, kw_only=True)
class Settings:
    project_root: Path
    warehouse_dir: Path  # data only: the lake, the build and serving DuckDB files
    registry_path: Path  # the source registry (YAML)
    dbt_project_dir: Path
    dbt_target: str
    expectations_dir: Path
    lake_dir: Path  # the raw lake (Parquet); default <warehouse>/lake

    @property
    def raw_dir(self) -> Path:
        """Raw inputs as fetched (HTML, CSV, XLSX), kept so any row can be re-derived."""
        return self.warehouse_dir / "raw"

    @property
    def state_dir(self) -> Path:
        """HTTP cache validators (ETag / Last-Modified) and other small per-source state."""
        return self.warehouse_dir / "state"

    @property
    def build_db(self) -> Path:
        """The DuckDB file dbt writes. Only the pipeline opens it."""
        return self.warehouse_dir / "build" / "drugtrade.duckdb"

    @property
    def serving_db(self) -> Path:
        """The read-only copy that analysts and BI tools open, swapped in atomically."""
        return self.warehouse_dir / "serving" / "drugtrade.duckdb"

    @property
    def exports_dir(self) -> Path:
        return self.warehouse_dir / "exports"

    @property
    def quality_dir(self) -> Path:
        return self.warehouse_dir / "quality"

    @property
    def quality_results_dir(self) -> Path:
        """Every validation's outcomes (Parquet, one file per run and dataset): the run summaries,
        the quality Data Docs and the serving file's dq_results table all read them."""
        return self.quality_dir / "results"

    @property
    def quality_results_glob(self) -> str:
        """The results as one DuckDB read_parquet pattern."""
        return parquet_glob(self.quality_results_dir)

    @property
    def quality_gx_dir(self) -> Path:
        """The GX context (suites, checkpoints, validation results), beside the results."""
        return self.quality_dir / "gx"

    @property
    def quality_docs_dir(self) -> Path:
        """The quality Data Docs site."""
        return self.quality_dir / "docs"

    @property
    def dbt_target_dir(self) -> Path:
        """dbt's target folder (manifest, run results, partial parse), beside the build file."""
        return self.warehouse_dir / "build" / "dbt-target"

    @property
    def dbt_manifest(self) -> Path:
        """The manifest of the last dbt parse: contracts, docs, tests and lineage of every node."""
        return self.dbt_target_dir / "manifest.json"

    @property
    def dbt_log_dir(self) -> Path:
        return self.warehouse_dir / "build" / "dbt-logs"

    @property
    def runs_dir(self) -> Path:
        return self.warehouse_dir / "runs"


def parquet_glob(folder: Path) -> str:
    """Every Parquet file under ``folder``, at any depth, as a DuckDB read_parquet pattern."""
    return str(folder / "**" / "*.parquet")


def default_lake_dir(warehouse: Path) -> Path:
    """Where the lake is when DRUGTRADE_LAKE does not move it: inside the warehouse folder."""
    return warehouse / "lake"


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    root = Path(env.get("DRUGTRADE_PROJECT_ROOT", PROJECT_ROOT)).resolve()
    warehouse = Path(env.get("DRUGTRADE_WAREHOUSE", root / "warehouse")).resolve()
    return Settings(
        project_root=root,
        warehouse_dir=warehouse,
        lake_dir=Path(env.get("DRUGTRADE_LAKE", default_lake_dir(warehouse))).resolve(),
        registry_path=Path(env.get("DRUGTRADE_REGISTRY", root / "sources" / "registry.yml")).resolve(),
        dbt_project_dir=Path(env.get("DRUGTRADE_DBT_PROJECT", root / "dbt_project")).resolve(),
        dbt_target=env.get("DRUGTRADE_DBT_TARGET", "local"),
        expectations_dir=Path(env.get("DRUGTRADE_EXPECTATIONS", root / "expectations")).resolve(),
    )
