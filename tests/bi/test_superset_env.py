"""Superset's pinned environment (docker/superset/constraints.txt) agrees with the image it
extends and with the pipeline's DuckDB, and keeps the bounds Superset 5.0 needs here."""

from __future__ import annotations

import re
from pathlib import Path

from packaging.utils import canonicalize_name
from packaging.version import Version

REPO = Path(__file__).resolve().parents[2]
SUPERSET_DIR = REPO / "docker" / "superset"


def pins(path: Path) -> dict[str, str]:
    found = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"{path.name}: {line!r} is not a name==version pin"
            found[canonicalize_name(name)] = version
    return found


def test_superset_pins_match_the_image_and_the_pipeline():
    superset = pins(SUPERSET_DIR / "constraints.txt")
    project = pins(REPO / "constraints.txt")
    for name in ("duckdb", "duckdb-engine"):
        assert superset[name] == project[name], f"{name}: Superset {superset[name]}, pipeline {project[name]}"
    image = re.search(r"^FROM apache/superset:(\S+)$", (SUPERSET_DIR / "Dockerfile").read_text(), re.M)
    assert image and superset["apache-superset"] == image.group(1)


def test_marshmallow_stays_below_4():
    """marshmallow 4 breaks `superset db upgrade` (Field.__init__() got an unexpected keyword
    argument 'minLength'); marshmallow-sqlalchemy 1.5 needs marshmallow 4."""
    superset = pins(SUPERSET_DIR / "constraints.txt")
    assert Version(superset["marshmallow"]) < Version("4")
    assert Version(superset["marshmallow-sqlalchemy"]) < Version("1.5")


def test_compose_init_runs_files_the_bi_profile_mounts():
    """superset-init.sh runs the same bundler and importer as `make bi`, mounted from the checkout."""
    import yaml

    compose = yaml.safe_load((REPO / "docker-compose.yml").read_text())
    mounts = {}
    for volume in compose["services"]["superset-init"]["volumes"]:
        source, target, *_ = volume.split(":")
        if source.startswith("./"):
            mounts[target] = REPO / source
    script = (SUPERSET_DIR / "superset-init.sh").read_text()
    variables = dict(re.findall(r"^([A-Z_]+)=(/app/\S+)$", script, re.M))
    used = re.findall(r"\$\{(BI_CODE|ASSETS)\}/(\S+?)\"", script)
    assert {name for name, _ in used} == {"BI_CODE", "ASSETS"}, used
    for name, file_name in used:
        source = mounts[variables[name]] / file_name
        assert source.is_file(), (
            f"superset-init.sh runs {variables[name]}/{file_name}, but {source} does not exist"
        )
