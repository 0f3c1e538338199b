"""What a transform run rebuilds: the dbt selection of a layer, without the models no new article
can change (the statistics side, the seeds and the models built from seeds only) when the lake
files and the dbt project they were built from are unchanged, and without the unit tests when
the dbt project is unchanged since they passed. The ledgers recording both sit beside the build file."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

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


def untouched_models(manifest: dict[str, Any]) -> list[str]:
    """The models no article-side lake dataset flows into: those that read only the statistics
    inputs, the seeds, or both (dim_country, dim_date...), from a parse's manifest (dbt's child
    map). While the statistics files and the dbt project are those they were built from, they
    would be rebuilt into the same rows. A model downstream of both sides (analyst.coverage) is
    not one of them: it is rebuilt whenever the article side is."""
    children: dict[str, list[str]] = manifest["child_map"]

    def descendants(roots: list[str]) -> set[str]:
        seen: set[str] = set()
        pending = list(roots)
        while pending:
            for child in children.get(pending.pop(), []):
                if child not in seen:
                    seen.add(child)
                    pending.append(child)
        return seen

    article_side = descendants(
        [
            node
            for node in children
            if node.startswith("source.drugtrade.lake.") and node.rsplit(".", 1)[1] not in STATISTICS_INPUTS
        ]
    )
    return sorted(
        node.rsplit(".", 1)[1] for node in children if node.startswith("model.") and node not in article_side
    )


SEEDS = "resource_type:seed"


def selection_for(
    manifest: dict[str, Any] | None, layers: list[str], skip_untouched: bool, skip_unit_tests: bool = False
) -> list[str] | None:
    """``dbt build`` arguments for ``layers`` (folder names, or selectors such as
    ``resource_type:seed``). With ``skip_untouched`` (and a manifest), the models of those
    folders that the new data cannot change are left out: the others are selected by name, so
    a test that joins a rebuilt model to a model left alone (a relationship from fct_statements
    to dim_country) still runs with its rebuilt parent, which ``--exclude`` would drop with the
    excluded one. None when nothing is left to build."""
    excluded = ["--exclude", "resource_type:unit_test"] if skip_unit_tests else []
    if not skip_untouched or manifest is None:
        return ["build", "--select", *layers, *excluded]
    untouched = set(untouched_models(manifest))
    folders = {layer for layer in layers if ":" not in layer}
    # The seeds are untouched too: their files are part of the project digest the ledger holds,
    # so they are loaded and tested (some thirty nodes) only when the project changes. The tests
    # that join a rebuilt model to a seed (a mention's country to the countries seed) are
    # selected by name: with the seed left out, cautious selection would drop them.
    selectors = [layer for layer in layers if ":" in layer and layer != SEEDS]
    selected = {
        key: node["name"]
        for key, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["fqn"][1] in folders and node["name"] not in untouched
    }
    models = sorted(selected.values())
    seed_tests = (
        sorted(
            node["name"]
            for node in manifest["nodes"].values()
            if node["resource_type"] == "test" and _joins_seed_to(node, set(selected))
        )
        if SEEDS in layers
        else []
    )
    return ["build", "--select", *selectors, *models, *seed_tests, *excluded] if models or selectors else None


def _joins_seed_to(test: dict[str, Any], models: set[str]) -> bool:
    """True for a test that reads a seed and models of ``models`` only."""
    parents = test["depends_on"]["nodes"]
    read = [p for p in parents if p.startswith("model.")]
    return any(p.startswith("seed.") for p in parents) and bool(read) and set(read) <= models


def dbt_selection(
    settings: Settings, layers: list[str], skip_statistics: bool, skip_unit_tests: bool = False
) -> list[str] | None:
    """selection_for() with the manifest of the last parse (none before the first)."""
    path = settings.dbt_manifest
    manifest = json.loads(path.read_text()) if skip_statistics and path.is_file() else None
    return selection_for(manifest, layers, skip_statistics, skip_unit_tests)


def refresh_flags(full_refresh: bool) -> list[str]:
    # Every incremental model rebuilt from the whole lake: what a backfill, a changed model or
    # a schema change needs, and by construction the same rows the daily runs leave.
    return ["--full-refresh"] if full_refresh else []
