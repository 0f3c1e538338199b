"""Every warehouse path has one home, a Settings property in drugtrade/config.py: code that
builds one again from its parent (``settings.quality_dir / "results"``) would drift from it."""

from __future__ import annotations

import re
from pathlib import Path

from drugtrade.config import load_settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CONFIG = PROJECT_ROOT / "drugtrade" / "config.py"
# `return self.quality_dir / "results"`: a property built from another one and a name.
PROPERTY_PATH = re.compile(r'return self\.(\w+) / "([^"]+)"')


def test_no_code_rebuilds_a_path_a_settings_property_gives():
    homes = PROPERTY_PATH.findall(CONFIG.read_text())
    assert len(homes) >= 10, "the pattern no longer finds config's path properties"
    rebuilt = []
    for folder in ("drugtrade", "dags", "scripts", "tests"):
        for path in sorted((PROJECT_ROOT / folder).rglob("*.py")):
            if path in (CONFIG, Path(__file__).resolve()):
                continue
            text = path.read_text(encoding="utf-8")
            for parent, name in homes:
                if f'.{parent} / "{name}"' in text:
                    rebuilt.append(f"{path.relative_to(PROJECT_ROOT)}: {parent} / {name!r}")
    assert rebuilt == [], "use the Settings property instead"


def test_every_warehouse_path_moves_with_the_warehouse(tmp_path):
    """One DRUGTRADE_WAREHOUSE moves every data path (each engineer's and each test's own)."""
    settings = load_settings({"DRUGTRADE_WAREHOUSE": str(tmp_path)})
    paths = {
        name: getattr(settings, name)
        for name in dir(settings)
        if not name.startswith("_") and isinstance(getattr(settings, name), Path)
    }
    data = {name: path for name, path in paths.items() if name not in {"project_root", "warehouse_dir"}}
    outside = {
        name: path
        for name, path in data.items()
        if tmp_path not in path.parents
        and name not in {"registry_path", "dbt_project_dir", "expectations_dir"}
    }
    assert len(data) >= 15, sorted(data)
    assert outside == {}, "a data path that does not move with DRUGTRADE_WAREHOUSE"
    assert settings.quality_results_glob == str(tmp_path / "quality" / "results" / "**" / "*.parquet")
