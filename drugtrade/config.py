"""Where things live. Every path can be moved with an environment variable, so the same code
runs on a laptop, in CI, in the compose stack, and later against object storage."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


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
    def runs_dir(self) -> Path:
        return self.warehouse_dir / "runs"


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    root = Path(env.get("DRUGTRADE_PROJECT_ROOT", PROJECT_ROOT)).resolve()
    warehouse = Path(env.get("DRUGTRADE_WAREHOUSE", root / "warehouse")).resolve()
    return Settings(
        project_root=root,
        warehouse_dir=warehouse,
        lake_dir=Path(env.get("DRUGTRADE_LAKE", warehouse / "lake")).resolve(),
        registry_path=Path(env.get("DRUGTRADE_REGISTRY", root / "sources" / "registry.yml")).resolve(),
        dbt_project_dir=Path(env.get("DRUGTRADE_DBT_PROJECT", root / "dbt_project")).resolve(),
        dbt_target=env.get("DRUGTRADE_DBT_TARGET", "local"),
        expectations_dir=Path(env.get("DRUGTRADE_EXPECTATIONS", root / "expectations")).resolve(),
    )
