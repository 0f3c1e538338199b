"""What a transform run rebuilds: the dbt selection of a layer, without the statistics side when
the lake files it reads are unchanged since it was built, and without the unit tests when the
dbt project is unchanged since they passed. The ledgers recording both sit beside the build file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from drugtrade import lake
from drugtrade.config import Settings
from drugtrade.pipeline.layers import STATISTICS_INPUTS


def statistics_ledger(settings: Settings) -> Path:
    # Beside the build file: a cleaned build folder forgets what it was built from.
    return settings.build_db.parent / "statistics_inputs.json"


# What dbt builds from: a changed model, macro, test or seed changes what every model may hold.
PROJECT_INPUTS = ("dbt_project.yml", "models", "macros", "tests", "seeds")


def project_digest(settings: Settings) -> str:
    """The content digest of the dbt project's files (models, macros, tests, seeds)."""
    digest = hashlib.sha256()
    root = settings.dbt_project_dir
    for entry in PROJECT_INPUTS:
        paths = [root / entry] if (root / entry).is_file() else sorted((root / entry).rglob("*"))
        for path in paths:
            if path.is_file():
                digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def unit_tested_ledger(settings: Settings) -> Path:
    return settings.build_db.parent / "unit_tested_project.json"


def unit_tests_passed(settings: Settings) -> bool:
    """True when dbt's unit tests passed on the project as it is now: they test the models'
    logic on fixed inputs, not the data, so a daily run of an unchanged project need not run
    them again."""
    ledger = unit_tested_ledger(settings)
    return ledger.is_file() and json.loads(ledger.read_text()) == project_digest(settings)


def statistics_inputs(settings: Settings) -> dict[str, str]:
    """The content digest of every lake file the statistics side reads (the registry snapshot
    is rewritten by every run, so size and time would always differ), and of the dbt project:
    a changed model rebuilds the statistics side too."""
    digests = {"dbt project": project_digest(settings)}
    for dataset in STATISTICS_INPUTS:
        for path in lake.dataset_files(settings.lake_dir, dataset):
            digests[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digests


def statistics_unchanged(settings: Settings) -> bool:
    """True when the build file holds the statistics side built from the lake files there are
    now: the run then leaves those models (millions of rows) and their tests alone."""
    ledger = statistics_ledger(settings)
    return (
        settings.build_db.exists()
        and ledger.exists()
        and json.loads(ledger.read_text()) == statistics_inputs(settings)
    )


def statistics_only_models(settings: Settings) -> list[str]:
    """The models that read the statistics inputs and no other lake dataset, from the last
    parse's manifest (dbt's child map). A model downstream of both sides (analyst.coverage) is
    not one of them: it is rebuilt whenever the article side is. Empty without a manifest."""
    manifest_path = settings.dbt_manifest
    if not manifest_path.is_file():
        return []
    children: dict[str, list[str]] = json.loads(manifest_path.read_text())["child_map"]

    def descendants(roots: list[str]) -> set[str]:
        seen: set[str] = set()
        pending = list(roots)
        while pending:
            for child in children.get(pending.pop(), []):
                if child not in seen:
                    seen.add(child)
                    pending.append(child)
        return seen

    lake_sources = [node for node in children if node.startswith("source.drugtrade.lake.")]
    statistics = [node for node in lake_sources if node.rsplit(".", 1)[1] in STATISTICS_INPUTS]
    others = [node for node in lake_sources if node not in statistics]
    only = descendants(statistics) - descendants(others)
    return sorted(node.rsplit(".", 1)[1] for node in only if node.startswith("model."))


def dbt_selection(
    settings: Settings, layers: list[str], skip_statistics: bool, skip_unit_tests: bool = False
) -> list[str]:
    selection = ["build", "--select", *layers]
    excluded = statistics_only_models(settings) if skip_statistics else []
    excluded += ["resource_type:unit_test"] if skip_unit_tests else []
    return [*selection, "--exclude", *excluded] if excluded else selection


def refresh_flags(full_refresh: bool) -> list[str]:
    # Every incremental model rebuilt from the whole lake: what a backfill, a changed model or
    # a schema change needs, and by construction the same rows the daily runs leave.
    return ["--full-refresh"] if full_refresh else []
