"""The suite files: their contract with the lake schema, their format, and staging and mart
suites run by GX's SQL engine on DuckDB files shaped like the build file."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import duckdb
import great_expectations as gx
import pyarrow as pa
import pytest
from quality_factories import GOOD_RAW, NOW, observations
from raw_views import outcome, paths, validate_raw_tables, views_of

from drugtrade.pipeline.layers import STAGING_MODELS as STAGING_MODEL_NAMES
from drugtrade.quality import QualityPaths, Relation, SuiteFileError, load_suite, validate_relations
from drugtrade.quality.parameters import ParameterInputs, resolve_parameters
from drugtrade.schemas import DATASETS

REPO = Path(__file__).resolve().parents[2]
SEEDS = REPO / "dbt_project" / "seeds"


@pytest.mark.parametrize("dataset", sorted(DATASETS))
def test_raw_suite_matches_the_lake_schema(suites_dir: Path, dataset: str) -> None:
    schema = DATASETS[dataset]
    suite = load_suite(suites_dir, "raw", dataset)
    by_type: dict[str, list[dict]] = {}
    for expectation in suite.expectations:
        by_type.setdefault(expectation.type, []).append(expectation.kwargs)
    column_sets = by_type["expect_table_columns_to_match_set"]
    assert column_sets == [{"column_set": schema.names, "exact_match": True}]
    # One type per column, in one expectation (drugtrade.quality.column_types), in schema order.
    (typed,) = by_type["expect_table_columns_to_have_types"]
    assert list(typed["column_types"].items()) == [(f.name, _duckdb_type_name(f.type)) for f in schema]
    assert "expect_column_values_to_be_of_type" not in by_type
    (required,) = by_type["expect_columns_to_not_be_null"]  # drugtrade.quality.columns_not_null
    assert required["column_list"] == [field.name for field in schema if not field.nullable]
    assert "expect_column_values_to_not_be_null" not in by_type


def _duckdb_type_name(arrow_type: pa.DataType) -> str:
    """The type name GX sees for a Parquet column of this Arrow type, read by DuckDB."""
    with duckdb.connect() as connection:
        connection.register("one", pa.table({"c": pa.array([], arrow_type)}))
        name = connection.execute(
            "select data_type from information_schema.columns where table_name = 'one'"
        ).fetchone()[0]
    if name.endswith("[]"):
        return "ARRAY"
    return "TIMESTAMP" if name.startswith("TIMESTAMP") else name


def test_every_suite_file_is_a_gx_suite_whose_parameters_resolve(suites_dir: Path) -> None:
    files = sorted(suites_dir.glob("*/*.json"))
    assert {p.parent.name for p in files} >= {"raw", "marts"}
    for path in files:
        document = json.loads(path.read_text())
        suite = gx.ExpectationSuite(**document)
        assert len(suite.expectations) == len(document["expectations"]), path
        loaded = load_suite(suites_dir, path.parent.name, path.stem)
        inputs = ParameterInputs(reference_time=NOW, seeds_dir=SEEDS, previous_row_count=lambda: 100)
        resolved = resolve_parameters(loaded.parameters, inputs, loaded.name)
        assert set(resolved) == set(loaded.parameters), path


@pytest.mark.gx
def test_drug_value_set_is_read_from_the_seed_when_validating(tmp_path: Path, suites_dir: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    shutil.copy(SEEDS / "countries.csv", seeds / "countries.csv")
    with (
        (SEEDS / "drug_vocabulary.csv").open(newline="") as source,
        (seeds / "drug_vocabulary.csv").open("w", newline="") as target,
    ):
        reader = csv.DictReader(source)
        writer = csv.DictWriter(target, fieldnames=reader.fieldnames or [])
        writer.writeheader()
        writer.writerows(row for row in reader if row["drug"] != "fentanyl")
    database = views_of(tmp_path, {"observations": [observations(8)]})
    quality = QualityPaths(context_root=tmp_path / "gx", docs_dir=tmp_path / "docs", seeds_dir=seeds)
    (report,) = validate_relations(
        "raw",
        database,
        [Relation(suite=load_suite(suites_dir, "raw", "observations"), table="observations")],
        run_id="seed-run",
        paths=quality,
        reference_time=NOW,
    )
    drug = outcome(report, "expect_column_values_to_be_in_set(drug)")
    assert not drug.success and drug.unexpected_count == 6  # rows 1,2,3,5,6,7 are fentanyl
    assert set(drug.unexpected_sample) == {"fentanyl"}


def _write_suite(root: Path, expectations: list[dict], parameters: dict | None = None) -> Path:
    path = root / "raw" / "observations.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "name": "raw.observations",
        "meta": {"key_columns": ["observation_id"], "parameters": parameters or {}},
        "expectations": expectations,
    }
    path.write_text(json.dumps(document))
    return path


def _entry(type_: str, severity: str | None = "critical", **kwargs) -> dict:
    meta = {"why": "because"} | ({"severity": severity} if severity else {})
    return {"type": type_, "kwargs": kwargs, "meta": meta}


@pytest.mark.parametrize(
    ("entry", "parameters", "message"),
    [
        (_entry("expect_column_values_to_not_be_null", severity=None, column="value"), None, "meta.severity"),
        (
            _entry("expect_column_values_to_not_be_null", severity="fatal", column="value"),
            None,
            "meta.severity",
        ),
        (
            _entry(
                "expect_column_values_to_be_in_set",
                column="unit",
                value_set=["kg"],
                row_condition='measure == "seized_quantity"',
                condition_parser="pandas",
            ),
            None,
            "great_expectations",
        ),
        (
            _entry("expect_column_values_to_be_between", column="value", min_value={"$PARAMETER": "floor"}),
            None,
            "does not declare",
        ),
        (_entry("expect_column_values_to_be_in_set", column="drug"), None, "GX rejects it"),
        (
            _entry(
                "unexpected_rows_expectation",
                unexpected_rows_query="select * from {batch} where not regexp_matches(\"file_sha256\", '^[0-9a-f]{{64}}$')",
            ),
            None,
            re.escape("""regexp_full_match("file_sha256", '[0-9a-f]{{64}}')"""),
        ),
    ],
)
def test_malformed_suite_fails_loudly_naming_file_and_entry(
    tmp_path: Path, entry, parameters, message
) -> None:
    path = _write_suite(tmp_path, [entry], parameters)
    with pytest.raises(SuiteFileError, match=message) as raised:
        load_suite(tmp_path, "raw", "observations")
    assert str(path) in str(raised.value) and "#0" in str(raised.value)


@pytest.mark.parametrize(
    "pattern",
    [
        "'^(https?|file)://'",  # a prefix
        "'^[0-9]+|[a-z]+$'",  # an alternation: '^[0-9]+' or '[a-z]+$', not a whole value
        "'^price\\$'",  # ends in a literal dollar
    ],
)
def test_patterns_that_are_not_whole_value_matches_stay_regexp_matches(tmp_path: Path, pattern: str) -> None:
    query = f'select * from {{batch}} where not regexp_matches("unit", {pattern})'
    _write_suite(tmp_path, [_entry("unexpected_rows_expectation", unexpected_rows_query=query)])
    (expectation,) = load_suite(tmp_path, "raw", "observations").expectations
    assert expectation.kwargs["unexpected_rows_query"] == query


def test_missing_suite_is_an_error_naming_the_path(tmp_path: Path) -> None:
    with pytest.raises(SuiteFileError, match="staging/stg_nothing.json"):
        load_suite(tmp_path, "staging", "stg_nothing")


@pytest.mark.gx
def test_an_expectation_gx_cannot_evaluate_counts_as_a_critical_failure(tmp_path: Path) -> None:
    """A MetricResolutionError (DuckDB cannot compare a DOUBLE with that text) is a critical
    failure, never a pass, whatever the declared severity."""
    _write_suite(
        tmp_path / "suites",
        [
            _entry(
                "expect_column_values_to_be_between",
                severity="warning",
                column="value",
                min_value="2020-01-01",
            )
        ],
    )
    report = validate_raw_tables(tmp_path, tmp_path / "suites", {"observations": [observations(4)]})[
        "observations"
    ]
    [found] = report.outcomes
    assert (found.success, found.severity) == (False, "critical")
    assert found.observed_value.startswith("could not be evaluated (declared warning)")
    assert not report.success


MART_SQL = {
    "fct_production": """
        select md5('p' || i) as production_key, md5('COL') as country_key, 20200101 + i as date_key,
               md5('coca bush') as drug_key, md5('unodc') as source_key, 2018 + i as year, 'COL' as country_iso3, 'coca bush' as drug,
               'cultivation' as measure, 1000.0 * i as value, 'ha' as unit, 'UNODC' as estimator
        from range(3) as t(i)""",
    "fct_seizures": """
        select md5('s' || i) as seizure_key, md5('USA') as country_key, 20221001 as date_key,
               md5('cocaine') as drug_key, md5('cbp') as source_key, date '2022-10-01' as period_start,
               date '2022-10-31' as period_end, 'USA' as country_iso3, 'San Diego Field Office' as area,
               'cocaine' as drug, 12.5 * i as quantity_kg, cast(i as bigint) as events, 'extra' as component
        from range(3) as t(i)""",
    "fct_statements": """
        select md5('q' || i) as statement_key, md5('a') as article_key,
               case when i = 0 then null else md5('person') end as person_key, 20260227 as date_key,
               md5('MEX') as country_key, 'an invented quote' as quote, 10 as start_offset,
               29 as end_offset, case when i = 0 then null else 'A. Person' end as speaker
        from range(3) as t(i)""",
    "dim_drug": """
        select md5(drug) as drug_key, drug, drug_group, description
        from read_csv('{seeds}/drug_vocabulary.csv', all_varchar = true)""",
    "dim_source": """
        select md5('s' || i) as source_key, 'source_' || i as source_id, 'statistics' as source_type,
               'Example publisher' as publisher
        from range(2) as t(i)""",
    "dim_person": """
        select md5('p' || i) as person_key, case when i = 0 then 'Unknown speaker' else 'A. Person' end as person_name,
               date '1900-01-01' + cast(i as integer) as valid_from
        from range(2) as t(i)""",
    "dim_article": """
        select md5('a' || i) as article_key, 'a' || i as article_id, 1 as current_version,
               'https://news.example.org/' || i as url
        from range(2) as t(i)""",
    "dim_topic": """
        select md5(topic) as topic_key, topic, label, description
        from read_csv('{seeds}/topic_taxonomy.csv', all_varchar = true)""",
    "bridge_statement_topics": """
        select md5('q' || i || topic) as statement_topic_key, md5('q' || i) as statement_key,
               md5(topic) as topic_key, topic
        from range(2) as t(i), (values ('interdiction'), ('demand_reduction')) as topics(topic)""",
    "fct_article_facts": """
        select md5('f' || i) as article_fact_key, md5('a') as article_key, md5('ECU') as country_key,
               'seizure' as fact_kind, 2300.0 as value, 'kg' as unit, 'cocaine' as drug,
               'ECU' as country_iso3, 2025 as fact_year, '2.3 tons of cocaine' as fact_text,
               100 * i as start_offset, 100 * i + 19 as end_offset, 'news' as source_id,
               'https://news.example.org/a' as url, timestamptz '2026-01-01 00:00:00+00' as retrieved_at,
               date '2026-01-01' as ingest_date
        from range(2) as t(i)""",
    "dim_country": """
        select md5(iso3) as country_key, iso3, name, region, subregion
        from read_csv('{seeds}/countries.csv', all_varchar = true)
        union all select md5('UNK'), 'UNK', 'Unknown', null, null""",
}


def _build_like(
    tmp_path: Path, schema: str, tables: dict[str, str], views: dict[str, str] | None = None
) -> Path:
    database = tmp_path / "build.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute(f"create schema if not exists {schema}")
        for name, sql in tables.items():
            connection.execute(f"create table {schema}.{name} as {sql}")
        for name, sql in (views or {}).items():
            connection.execute(f"create view {schema}.{name} as {sql}")
    return database


@pytest.mark.gx
def test_mart_suites_accept_plausible_tables(tmp_path: Path, suites_dir: Path) -> None:
    tables = {model: sql.format(seeds=SEEDS) for model, sql in MART_SQL.items()}
    database = _build_like(tmp_path, "marts", tables)
    relations = [
        Relation(suite=load_suite(suites_dir, "marts", m), table=m, schema="marts") for m in sorted(MART_SQL)
    ]
    for report in validate_relations(
        "marts", database, relations, run_id="marts", paths=paths(tmp_path), reference_time=NOW
    ):
        assert report.success and not report.failed_warnings(), report.summary_text()


STAGING_MODELS = REPO / "dbt_project" / "models" / "staging"
_SOURCE = re.compile(r"\{\{\s*source\('lake',\s*'(\w+)'\)\s*\}\}")
# relative_path(column) is the column itself when no warehouse or project root is set.
_RELATIVE_PATH = re.compile(r"\{\{\s*relative_path\('(\w+)'\)\s*\}\}")


@pytest.mark.gx
def test_staging_suites_accept_the_staging_models_run_on_good_raw_rows(
    tmp_path: Path, suites_dir: Path
) -> None:
    """Runs the real staging SQL (its only Jinja is source() and relative_path()) over valid raw rows, in DuckDB."""
    views = {}
    for suite_file in sorted((suites_dir / "staging").glob("*.json")):
        sql = _RELATIVE_PATH.sub(
            lambda m: m.group(1), (STAGING_MODELS / f"{suite_file.stem}.sql").read_text()
        )
        assert "{{" not in _SOURCE.sub("", sql) and "{%" not in sql, (
            f"{suite_file.stem} uses Jinja beyond source()"
        )
        views[suite_file.stem] = _SOURCE.sub(lambda m: f"main.lake_{m.group(1)}", sql)
    assert sorted(views) == sorted(STAGING_MODEL_NAMES), "a staging model without a suite, or the reverse"
    database = tmp_path / "build.duckdb"
    with duckdb.connect(str(database)) as connection:
        for dataset, make in GOOD_RAW.items():
            connection.register("rows", make())
            connection.execute(f"create table lake_{dataset} as select * from rows")
            connection.unregister("rows")
    database = _build_like(tmp_path, "staging", {}, views)
    relations = [
        Relation(suite=load_suite(suites_dir, "staging", m), table=m, schema="staging") for m in sorted(views)
    ]
    for report in validate_relations(
        "staging", database, relations, run_id="stg", paths=paths(tmp_path), reference_time=NOW
    ):
        assert report.success and not report.failed_warnings(), report.summary_text()
