"""One owner per rule (expectations/README.md): no rule of a dbt model's YAML is stated again in
a GX suite, and GX's staging and mart suites hold only what GX owns."""

from __future__ import annotations

from pathlib import Path

from drugtrade.quality.ownership import (
    Rule,
    dbt_rules,
    gx_rules,
    lake_guaranteed_not_null,
    not_null_restating_the_lake,
    not_null_tests_under_contract,
    staging_lineage,
    star_lineage,
    stated_twice,
    stated_twice_in_dbt,
)

REPO = Path(__file__).resolve().parents[2]


def test_no_rule_is_stated_in_both_dbt_and_gx() -> None:
    dbt = dbt_rules(REPO / "dbt_project" / "models")
    gx = gx_rules(REPO / "expectations")
    assert len(dbt) > 300 and len(gx) > 20  # both sides were read
    twice = stated_twice(dbt, gx)
    assert twice == [], "\n".join(
        f"{g.relation}.{g.column} {g.kind}: {d.where} and {g.where}" for d, g in twice
    )


def test_gx_states_no_key_type_or_column_list_of_a_model() -> None:
    """Keys, not-null, types and the column list of staging and marts are dbt's (tests and
    contracts); GX keeps distribution, volume, freshness and vocabulary checks there."""
    owned_by_dbt = {"not_null", "unique", "type", "relationships"}
    misplaced = [
        r
        for r in gx_rules(REPO / "expectations")
        if r.kind in owned_by_dbt and not (r.relation == "dim_date" and r.kind == "not_null")
    ]
    assert misplaced == []


def test_the_comparison_finds_a_rule_stated_twice(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    (models / "fct_x.yml").write_text(
        "models:\n  - name: fct_x\n    config: {contract: {enforced: true}}\n"
        "    data_tests:\n      - expression_is_true: {arguments: {expression: 'period_end >= period_start'}}\n"
        "    columns:\n      - name: x_key\n        data_type: varchar\n"
        "        data_tests: [unique, not_null]\n      - name: quantity_kg\n        data_tests: [non_negative]\n"
    )
    suites = tmp_path / "expectations" / "marts"
    suites.mkdir(parents=True)
    (suites / "fct_x.json").write_text("""{"expectations": [
        {"type": "expect_column_values_to_be_unique", "kwargs": {"column": "x_key"}},
        {"type": "expect_column_values_to_be_between", "kwargs": {"column": "quantity_kg", "min_value": 0}},
        {"type": "expect_column_pair_values_a_to_be_greater_than_b",
         "kwargs": {"column_A": "period_end", "column_B": "period_start", "or_equal": true}},
        {"type": "expect_table_row_count_to_be_between", "kwargs": {"min_value": 1}}]}""")
    twice = stated_twice(dbt_rules(models), gx_rules(tmp_path / "expectations", ("marts",)))
    assert sorted((g.column, g.kind) for _, g in twice) == [
        ("period_end>=period_start", "comparison"),
        ("quantity_kg", "range"),
        ("x_key", "unique"),
    ]
    assert all(isinstance(d, Rule) and d.where.endswith("fct_x.yml") for d, _ in twice)


def test_dbt_states_no_rule_twice_and_contracts_own_not_null() -> None:
    """Within dbt a rule is written once too: on a model with an enforced contract, not-null is
    the contract's constraint (DuckDB refuses the row as it is written), never also a not_null
    test, which would be a second query that cannot fail."""
    dbt = dbt_rules(REPO / "dbt_project" / "models")
    contracted = {r.relation for r in dbt if r.kind == "columns"}
    assert {"fct_seizures", "fct_statements", "dim_country"} <= contracted
    assert stated_twice_in_dbt(dbt) == []
    assert not_null_tests_under_contract(dbt, contracted) == []
    # The marts' not-null columns are constraints (e.g. every key of fct_seizures).
    constrained = {
        (r.relation, r.column) for r in dbt if r.stated_as == "constraint" and r.kind == "not_null"
    }
    assert {("fct_seizures", "seizure_key"), ("fct_seizures", "period_start")} <= constrained


def test_the_dbt_comparison_finds_a_constraint_restated_as_a_test(tmp_path: Path) -> None:
    (tmp_path / "fct_x.yml").write_text(
        "models:\n  - name: fct_x\n    config: {contract: {enforced: true}}\n"
        "    columns:\n      - name: x_key\n        data_type: varchar\n"
        "        constraints: [{type: not_null}]\n        data_tests: [unique, not_null]\n"
        "      - name: period_start\n        data_type: date\n        data_tests: [not_null]\n"
    )
    dbt = dbt_rules(tmp_path)
    assert [(a.column, a.stated_as, b.stated_as) for a, b in stated_twice_in_dbt(dbt)] == [
        ("x_key", "constraint", "test")
    ]
    assert sorted(r.column or "" for r in not_null_tests_under_contract(dbt, {"fct_x"})) == [
        "period_start",
        "x_key",
    ]


def test_no_model_restates_the_raw_lakes_not_null() -> None:
    """A staging view passes lake columns through; where the raw suite already requires one
    non-null (a critical, unconditional expectation every lake file passed before dbt reads it),
    a not_null test on the staging column would state GX's rule again."""
    models, suites = REPO / "dbt_project" / "models", REPO / "expectations"
    guaranteed = lake_guaranteed_not_null(models, suites)
    # The lineage was read: renamed, cast and relative_path columns are pass-throughs.
    assert {"article_version", "url", "start_offset", "retrieved_at"} <= guaranteed["stg_statements"]
    assert {"country_iso3", "period_start", "source_row"} <= guaranteed["stg_observations"]
    assert "speaker" not in guaranteed["stg_statements"]  # nullif(trim(...)) is not a pass-through
    # A later model's `*` of a staging model inherits its guarantee (int_statements_current
    # takes statements.* with an inner join).
    assert guaranteed["int_statements_current"] == guaranteed["stg_statements"]
    assert {"article_id", "body"} <= guaranteed["int_articles_current"]
    assert not_null_restating_the_lake(dbt_rules(models), models, suites) == []


def test_the_lineage_reads_pass_throughs_only() -> None:
    sql = (
        'select\n    a,\n    kind as b_kind,\n    cast("end" as integer) as end_offset,\n'
        "    upper(country) as country_iso3,\n    {{ relative_path('url') }} as url,\n"
        "    nullif(trim(speaker), '') as speaker,\n    coalesce(t, 0) as t\n"
        "from {{ source('lake', 'things') }}\n"
    )
    assert staging_lineage(sql) == (
        "things",
        {"a": "a", "b_kind": "kind", "end_offset": "end", "country_iso3": "country", "url": "url"},
    )
    assert staging_lineage("select a from {{ ref('stg_x') }}") is None


def test_the_star_lineage_stops_at_outer_joins_and_unions() -> None:
    inner = (
        "with a as (\n    select * from {{ ref('stg_a') }}\n),\nb as (\n    select * from {{ ref('stg_b') }}\n)\n"
        "select a.*, b.x from a\ninner join b on a.k = b.k\n"
    )
    assert star_lineage(inner) == ["stg_a"]
    assert star_lineage("select *\nfrom {{ ref('stg_a') }}\nqualify row_number() over () = 1") == ["stg_a"]
    assert star_lineage(inner.replace("inner join", "left join")) == []
    assert star_lineage(inner + "union all select * from b") == []
    assert star_lineage("select a.k, count(*) from {{ ref('stg_a') }} as a group by 1") == []
