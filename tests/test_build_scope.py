"""What a transform run asks dbt to build (drugtrade.pipeline.build_scope.selection_for), on a
small manifest shaped like dbt's: a statistics source, an article source and a seed."""

from __future__ import annotations

from typing import Any

from drugtrade.pipeline.build_scope import selection_for, untouched_models


def _model(name: str, folder: str) -> dict[str, Any]:
    return {"name": name, "resource_type": "model", "fqn": ["drugtrade", folder, name]}


MANIFEST: dict[str, Any] = {
    "nodes": {
        f"model.drugtrade.{name}": _model(name, folder)
        for name, folder in [
            ("stg_observations", "staging"),
            ("stg_articles", "staging"),
            ("fct_seizures", "marts"),
            ("fct_statements", "marts"),
            ("dim_country", "marts"),
            ("coverage", "analyst"),
        ]
    }
    | {
        # a seed's own test, a test between the seed and a model with articles, and one between
        # the seed and a model without
        f"test.drugtrade.{name}": {"name": name, "resource_type": "test", "depends_on": {"nodes": parents}}
        for name, parents in [
            ("countries_iso3_unique", ["seed.drugtrade.countries"]),
            ("stg_articles_to_countries", ["model.drugtrade.stg_articles", "seed.drugtrade.countries"]),
            (
                "stg_observations_to_countries",
                ["model.drugtrade.stg_observations", "seed.drugtrade.countries"],
            ),
        ]
    },
    "child_map": {
        "source.drugtrade.lake.observations": ["model.drugtrade.stg_observations"],
        "source.drugtrade.lake.articles": ["model.drugtrade.stg_articles"],
        "seed.drugtrade.countries": ["model.drugtrade.dim_country"],
        "model.drugtrade.stg_observations": ["model.drugtrade.fct_seizures"],
        "model.drugtrade.stg_articles": ["model.drugtrade.fct_statements"],
        "model.drugtrade.fct_seizures": ["model.drugtrade.coverage"],
        "model.drugtrade.fct_statements": ["model.drugtrade.coverage", "test.drugtrade.fct_to_country"],
        "model.drugtrade.dim_country": ["test.drugtrade.fct_to_country"],
        "model.drugtrade.coverage": [],
        "test.drugtrade.fct_to_country": [],
    },
}


def test_models_no_article_flows_into_are_untouched() -> None:
    # coverage reads both sides, so an article changes it; dim_country reads a seed only.
    assert untouched_models(MANIFEST) == ["dim_country", "fct_seizures", "stg_observations"]


def test_the_touched_models_are_selected_by_name_with_the_selectors() -> None:
    assert selection_for(MANIFEST, ["intermediate", "marts", "analyst"], True) == [
        "build",
        "--select",
        "coverage",
        "fct_statements",
    ]
    # The seeds are untouched: not loaded again, nor their own tests run; a test joining them to
    # a model that is rebuilt is selected by name.
    assert selection_for(MANIFEST, ["resource_type:seed", "staging"], True, skip_unit_tests=True) == [
        "build",
        "--select",
        "stg_articles",
        "stg_articles_to_countries",
        "--exclude",
        "resource_type:unit_test",
    ]
    assert selection_for(MANIFEST, ["resource_type:seed", "staging"], False) == [
        "build",
        "--select",
        "resource_type:seed",
        "staging",
    ]


def test_without_skipping_or_a_manifest_the_layers_are_built_whole() -> None:
    for manifest, skip in ((MANIFEST, False), (None, True)):
        assert selection_for(manifest, ["intermediate", "marts"], skip) == [
            "build",
            "--select",
            "intermediate",
            "marts",
        ]


def test_nothing_to_build_is_none() -> None:
    assert selection_for(MANIFEST, ["intermediate"], True) is None
