"""The whole pipeline for real: Airflow DAG runs (`airflow dags test` on SQLite), dbt builds on
DuckDB, GX validations, publication; into a temporary warehouse.

The session's one bundled run (the ``bundled_warehouse`` fixture of tests/conftest.py) serves
every test that reads; the two tests whose point is a second run (the same day again, a broken
raw batch) run it on their own copy of that warehouse.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import subprocess
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from pipeline_runs import DRUGTRADE, BuiltWarehouse

from drugtrade import lake
from drugtrade.schemas import OBSERVATIONS
from drugtrade.warehouse.publish import SERVING_SEARCH_PATH

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _drugtrade(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [DRUGTRADE, *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        cwd=PROJECT_ROOT,
        timeout=1800,
    )


@pytest.fixture(scope="module")
def pipeline(bundled_warehouse: BuiltWarehouse) -> BuiltWarehouse:
    """The session's bundled run (read only)."""
    return bundled_warehouse


def _serving(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """A reader of the serving file that finds relations by name across its schemas (marts,
    analyst, audit), as `drugtrade query` does."""
    connection = duckdb.connect(str(warehouse / "serving" / "drugtrade.duckdb"), read_only=True)
    connection.execute(f"set search_path = '{SERVING_SEARCH_PATH}'")
    return connection


def _counts(warehouse: Path) -> dict[str, int]:
    with _serving(warehouse) as connection:
        return {
            table: connection.execute(f"select count(*) from {table}").fetchone()[0]
            for table in (
                "fct_statements",
                "fct_seizures",
                "fct_production",
                "fct_article_facts",
                "dim_article",
                "bridge_statement_topics",
            )
        }


def test_summary_names_fact_tables_quality_and_warehouse(pipeline):
    output = pipeline.output
    for expected in (
        "fct_statements",
        "fct_seizures",
        "fct_production",
        "raw",
        "staging",
        "marts",
        "serving/drugtrade.duckdb",
        "drugtrade query",
    ):
        assert expected in output, f"{expected!r} missing from the run summary:\n{output}"
    assert "FAILED" not in output


def test_fact_tables_are_filled(pipeline):
    counts = _counts(pipeline.warehouse)
    assert counts["fct_statements"] >= 10
    assert counts["fct_production"] >= 100
    # CBP nationwide (10,092 rows) + air and marine (1,772) + UNODC annual seizures (~50,000)
    assert counts["fct_seizures"] > 60_000
    assert counts["dim_article"] >= 4


def _facts_digest_module():
    """scripts/facts_digest.py, which also regenerates the snapshot by hand."""
    spec = importlib.util.spec_from_file_location(
        "facts_digest", PROJECT_ROOT / "scripts" / "facts_digest.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_published_facts_are_identical_to_the_snapshot(pipeline):
    """Every table of schema marts, rows ordered by all columns, run-time stamps left out, hashes as
    in tests/snapshots/facts_digest.json: a refactor that changes any published fact fails here."""
    facts = _facts_digest_module()
    expected = json.loads(facts.SNAPSHOT.read_text(encoding="utf-8"))
    actual = facts.facts_digest(pipeline.warehouse / "serving" / "drugtrade.duckdb")
    changed = facts.differences(expected, actual)
    assert not changed, (
        "published facts differ from the snapshot:\n" + "\n".join(changed) + "\n" + facts.REGENERATE
    )


def test_known_figure_colombia_2016_coca(pipeline):
    """UNODC World Drug Report 2022, annex table 6.1.1: Colombia 2016, 146,000 ha; the US
    government's estimate for the same year, 188,000 ha, is kept beside it."""
    with _serving(pipeline.warehouse) as connection:
        rows = connection.execute(
            "select estimator, value, unit from fct_production where country_iso3 = 'COL' and year = 2016 "
            "and measure = 'cultivation' order by value"
        ).fetchall()
    assert ("UNODC", 146000.0, "ha") in rows
    assert any(estimator.startswith("US government") and value == 188000.0 for estimator, value, _ in rows)


def test_statements_trace_back_to_the_exact_passage(pipeline):
    with _serving(pipeline.warehouse) as connection:
        mismatches = connection.execute(
            "select count(*) from fct_statements s join dim_article a using (article_key) "
            "where substr(a.body, s.start_offset + 1, s.end_offset - s.start_offset) <> s.quote"
        ).fetchone()[0]
        missing_provenance = connection.execute(
            "select count(*) from fct_statements where url is null or retrieved_at is null or content_hash is null"
        ).fetchone()[0]
    assert mismatches == 0
    assert missing_provenance == 0


def test_quality_results_are_in_the_warehouse(pipeline):
    with _serving(pipeline.warehouse) as connection:
        stages = dict(connection.execute("select stage, count(*) from dq_results group by stage").fetchall())
        critical_failures = connection.execute(
            "select count(*) from dq_results where not success and severity = 'critical'"
        ).fetchone()[0]
        undescribed = connection.execute(
            "select column_name from duckdb_columns() where table_name = 'dq_results' and comment is null"
        ).fetchall()
        quarantined = connection.execute("select count(*) from quarantine").fetchone()[0]
    assert {"raw", "staging", "marts"} <= set(stages)
    assert critical_failures == 0
    assert undescribed == []
    assert quarantined > 0, "the quarantine is published beside the marts"


# A row each example query must return, from the bundled sources (figures cited in
# sources/statistics/README.md; statements from the sample pages in sources/articles).
EXPECTED_QUERY_ROWS = {
    "coca_vs_seizures_colombia": lambda rows: (
        [r[0] for r in rows] == list(range(2015, 2021)) and rows[1][1] == 146000.0
    ),
    "unodc_vs_ondcp_coca": lambda rows: ("COL", 2016, 146000.0, 188000.0) in rows,
    # FY2019-FY2022 (first file) and FY2023-FY2026 year to date (April 2026 release)
    "cbp_seizures_by_drug_and_fiscal_year": lambda rows: (
        {r[0] for r in rows} == {"2019", "2020", "2021", "2022", "2023", "2024", "2025", "2026 (FYTD)"}
        and ("2023", "fentanyl", 27022.85) in {(r[0], r[1], r[3]) for r in rows}
    ),
    "coverage": lambda rows: (
        ("unodc-seizures-annual", "seized_quantity", 2020, 3, 1)
        in {(r[0], r[1], r[4], r[7], r[8]) for r in rows}
    ),
    "implausible_seizures": lambda rows: ("Egypt", 1996, "Poppy plants") in {r[:3] for r in rows},
    "statements_by_speaker_and_topic": lambda rows: any("Castillo" in str(r) for r in rows),
    "statement_provenance": lambda rows: all(r[2] and r[3] and r[-1] is True for r in rows),
}


@pytest.mark.parametrize("query", sorted((PROJECT_ROOT / "queries").glob("*.sql")), ids=lambda p: p.stem)
def test_example_queries_run(pipeline, query):
    with _serving(pipeline.warehouse) as connection:
        rows = connection.execute(query.read_text()).fetchall()
    assert rows, f"{query.name} returned no rows"
    assert query.stem in EXPECTED_QUERY_ROWS, f"{query.name} has no expected row in this test"
    assert EXPECTED_QUERY_ROWS[query.stem](rows), f"{query.name} returned unexpected rows: {rows[:5]}"


def test_sqlalchemy_read_only_connection_like_superset(pipeline):
    import sqlalchemy

    url = f"duckdb:///{pipeline.warehouse / 'serving' / 'drugtrade.duckdb'}"
    engine = sqlalchemy.create_engine(url, connect_args={"read_only": True})
    with engine.connect() as connection:
        value = connection.execute(
            sqlalchemy.text(
                "select max(value) from marts.fct_production where country_iso3 = 'COL' and year = 2016 "
                "and measure = 'cultivation' and estimator = 'UNODC'"
            )
        ).scalar()
    engine.dispose()
    assert value == 146000.0


def test_rerun_of_the_same_day_is_idempotent(warehouse_copy):
    """The whole day again (all three DAGs through Airflow), on a copy of the bundled run."""
    warehouse = warehouse_copy.warehouse
    before = _counts(warehouse)
    lake_before = {p: p.stat().st_mtime_ns for p in lake.dataset_files(warehouse / "lake", "observations")}
    assert lake_before, "the copy holds the bundled run's lake"
    again = warehouse_copy.drugtrade(*warehouse_copy.run_args)
    assert again.returncode == 0, again.stderr
    assert _counts(warehouse) == before
    lake_after = {p: p.stat().st_mtime_ns for p in lake.dataset_files(warehouse / "lake", "observations")}
    assert lake_after == lake_before, "re-loading the same statistical files must not rewrite the lake"


def test_warehouse_reproduces_published_cells_of_the_real_files(pipeline, shared_dir):
    """Sampled rows of each real CBP and UNODC file, as published in ../shared, against the
    serving warehouse: values exact (pounds to kilograms exact to the gram)."""
    import csv
    import random

    pounds_to_kg = 0.45359237
    rng = random.Random(2016)
    with _serving(pipeline.warehouse) as connection:
        for name, family, area_column in (
            ("nationwide-drugs-fy19-fy22.csv", "cbp_nationwide", "Area of Responsibility"),
            ("amo-drug-seizures-fy19-fy22.csv", "cbp_air_marine", "Branch"),
        ):
            with open(shared_dir / "sources" / "cbp" / name, newline="", encoding="utf-8-sig") as handle:
                rows = list(enumerate(csv.DictReader(handle), start=2))
            for line, row in rng.sample(rows, 25):
                found = connection.execute(
                    "select quantity_kg, events, area from fct_seizures where family = $f and file_name = $n "
                    "and source_row = $r",
                    {"f": family, "n": name, "r": line},
                ).fetchall()
                assert len(found) == 1, (name, line, found)
                kg, events, area = found[0]
                assert abs(kg - float(row["Sum Qty (lbs)"]) * pounds_to_kg) < 0.0005, (name, line)
                assert events == int(row["Count of Event"])
                assert area.lower() == row[area_column].strip().lower()
        with open(
            shared_dir / "sources" / "unodc" / "seizures_annual_by_country.csv",
            newline="",
            encoding="utf-8-sig",
        ) as handle:
            rows = [
                (line, row)
                for line, row in enumerate(csv.DictReader(handle), start=2)
                if row["KG Equivalent"] not in ("NULL", "")
            ]
        for line, row in rng.sample(rows, 40):
            # Drug weights and plant material are two measures: the published cell is in one of them.
            found = connection.execute(
                "select coalesce(quantity_kg, plant_material_kg_equivalent, unclassified_kg), country_iso3, "
                "year(period_start) from fct_seizures "
                "where family = 'unodc_seizures' and source_row = $r",
                {"r": line},
            ).fetchall()
            assert len(found) == 1, (line, row, found)
            assert found[0][0] == pytest.approx(float(row["KG Equivalent"]), abs=1e-9)
            assert found[0][2] == int(row["Year"])
        eradication = connection.execute(
            "select value from fct_production where country_iso3 = 'BOL' and year = 2009 and measure = 'eradication' "
            "and estimator = 'UNODC'"
        ).fetchall()
    # UNODC World Drug Report 2022, annex table 6.1.2: Bolivia 2009, 6,341 ha eradicated.
    assert (6341.0,) in eradication


def test_every_cell_of_the_real_unodc_annex_tables_is_in_the_warehouse(pipeline, shared_dir):
    """Each country-year cell of the annex workbooks 6.1.1 (cultivation) and 6.1.2
    (eradication), read here with openpyxl independently of the parser, is UNODC's figure in
    fct_production, taken from that very table."""
    import openpyxl

    countries = {"bolivia": "BOL", "colombia": "COL", "peru": "PER"}
    checked = 0
    with _serving(pipeline.warehouse) as connection:
        for name, measure in (
            ("6.1.1_-_Illicit_coca_bush_cultivation.xlsx", "cultivation"),
            ("6.1.2_-_Eradication_of_coca_bush.xlsx", "eradication"),
        ):
            book = openpyxl.load_workbook(
                shared_dir / "sources" / "unodc" / name, read_only=True, data_only=True
            )
            years: dict[int, int] = {}
            for row in book.worksheets[0].iter_rows(values_only=True):
                cells = list(row)
                found_years = {
                    i: (v.year if isinstance(v, dt.datetime) else v)
                    for i, v in enumerate(cells)
                    if isinstance(v, dt.datetime) or (isinstance(v, int) and 2000 <= v <= 2030)
                }
                if len(found_years) >= 5:
                    years = found_years
                    continue
                label = next((str(v).strip().lower() for v in cells if isinstance(v, str) and v.strip()), "")
                iso3 = next((code for prefix, code in countries.items() if label.startswith(prefix)), None)
                if iso3 is None or not years:
                    continue
                for column, year in years.items():
                    value = cells[column]
                    if not isinstance(value, int | float):
                        continue
                    found = connection.execute(
                        "select value, family, file_name from fct_production where country_iso3 = $c and year = $y "
                        "and measure = $m and estimator = 'UNODC'",
                        {"c": iso3, "y": year, "m": measure},
                    ).fetchall()
                    assert found == [(float(value), "unodc_annex", name)], (name, iso3, year, value, found)
                    checked += 1
    assert checked >= 3 * 12 * 2 - 6, f"only {checked} annex cells found"


def test_the_readme_query_gives_one_row_per_year(pipeline):
    """The README's "coca hectares versus cocaine seized, Colombia, 2015-2020" query."""
    readme = (PROJECT_ROOT / "README.md").read_text()
    sql = readme.split("Coca hectares versus cocaine seized, Colombia, 2015-2020", 1)[1]
    sql = sql.split("```sql", 1)[1].split("```", 1)[0]
    with _serving(pipeline.warehouse) as connection:
        rows = connection.execute(sql).fetchall()
    assert [year for year, *_ in rows] == list(range(2015, 2021))
    by_year = {year: (hectares, salts, paste) for year, hectares, salts, paste in rows}
    # UNODC World Drug Report 2022, annex table 6.1.1 (2016: 146,000 ha; 2020: 142,800 ha)
    assert by_year[2016][0] == 146000.0 and by_year[2020][0] == 142800.0
    # UNODC annual seizures, Colombia 2016: cocaine salts 362,414.9 kg (one row)
    assert by_year[2016][1] == 362414.9
    # The UNODC seizure series bundled here ends in 2019: 2020 has hectares and no seizure figure.
    assert all(by_year[year][1] > 0 and by_year[year][2] > 0 for year in range(2015, 2020))
    assert by_year[2020][1:] == (None, None)


def _json_rows(output: str) -> list[dict]:
    """The JSON table of an Airflow CLI command (its log lines share stdout)."""
    return json.loads(
        next(line for line in output.splitlines() if line.startswith("[") and line[1:2] in "{]")
    )


def test_a_data_engineer_lists_the_dags_runs_and_summaries(pipeline):
    """The README's operating commands on the embedded set-up, after `drugtrade run`."""
    env = {**pipeline.env, "DRUGTRADE_AIRFLOW_HOME": str(pipeline.airflow_home)}
    listed = _drugtrade("airflow", "dags", "list", "--output", "json", env=env)
    assert listed.returncode == 0, listed.stderr
    dags = {row["dag_id"] for row in _json_rows(listed.stdout)}
    assert dags == {"ingest_articles", "ingest_statistics", "transform"}
    runs = _drugtrade("airflow", "dags", "list-runs", "transform", "--output", "json", env=env)
    assert runs.returncode == 0, runs.stderr
    states = [row["state"] for row in _json_rows(runs.stdout)]
    assert states and set(states) == {"success"}
    summary = _drugtrade("summary", "--steps", "--warehouse", str(pipeline.warehouse), env=env)
    assert summary.returncode == 0, summary.stderr
    for dag_id in ("ingest_statistics", "ingest_articles", "transform"):
        assert f"of {dag_id}: success" in summary.stdout
    assert "rows_quarantined" in summary.stdout and "step publish" in summary.stdout
    # rows out of each dbt step and of the publish step
    rows_lines = [line.strip() for line in summary.stdout.splitlines() if line.strip().startswith("rows: ")]
    assert any("stg_observations" in line for line in rows_lines), rows_lines
    # 62,553 rows of FY2019-FY2022 and UNODC files + 8,673 of the April 2026 CBP release
    assert any("fct_seizures 71," in line for line in rows_lines), rows_lines
    assert any(
        line.strip().startswith("tables: ") and "dq_results" in line for line in summary.stdout.splitlines()
    )


def test_dbt_logs_what_it_prints_not_its_debug_events(pipeline):
    """The pipeline's dbt file log keeps info and above by default (dbt's own default, debug,
    formats twenty lines a node); DBT_LOG_LEVEL_FILE=debug brings them back
    (tests/test_dbt_preparse.py reads the debug lines that way)."""
    if pipeline.env.get("DBT_LOG_LEVEL_FILE", "info") != "info":
        pytest.skip(f"the run was asked for DBT_LOG_LEVEL_FILE={pipeline.env['DBT_LOG_LEVEL_FILE']}")
    lines = (pipeline.warehouse / "build" / "dbt-logs" / "dbt.log").read_text().splitlines()
    assert sum("Running with dbt=" in line for line in lines) >= 2  # staging and marts at least
    assert any("[info ]" in line for line in lines)
    assert not [line for line in lines if "[debug]" in line][:3]


def test_query_command_reads_the_serving_copy(pipeline):
    result = _drugtrade(
        "query",
        "select count(*) as n from fct_production where country_iso3 = 'COL'",
        "--format",
        "json",
        env=pipeline.env,
    )
    assert result.returncode == 0, result.stderr
    assert int(__import__("json").loads(result.stdout.splitlines()[0])["n"]) > 10
    refused = _drugtrade("query", "delete from fct_production", env=pipeline.env)
    assert refused.returncode == 1  # a failed query; 2 is for usage errors
    assert "read-only" in refused.stderr.lower()


ANALYST_MODELS = PROJECT_ROOT / "dbt_project" / "models" / "analyst"
# A measure's name ends in its unit.
UNIT_SUFFIXES = {"kg": "_kg", "kg equivalent": "_kg_equivalent", "ha": "_ha", "t": "_t", "events": "_events"}


def _analyst_specs() -> dict[str, dict]:
    import yaml

    specs = {}
    for path in sorted(ANALYST_MODELS.glob("*.yml")):
        for model in yaml.safe_load(path.read_text())["models"]:
            specs[model["name"]] = model
    return specs


def test_publisher_totals_through_the_analyst_views(pipeline, shared_dir):
    """The publishers' own figures, computed from the files in ../shared, come out of the
    serving warehouse's analyst views exactly."""
    import csv

    # CBP Nationwide Drug Seizures, April 2026 release: FY2023 fentanyl, OFO + USBP, in pounds.
    with open(
        shared_dir / "sources" / "cbp" / "nationwide-drugs-fy23-fy26-apr.csv",
        newline="",
        encoding="utf-8-sig",
    ) as handle:
        cbp_pounds = sum(
            float(row["Sum Qty (lbs)"])
            for row in csv.DictReader(handle)
            if row["FY"] == "2023"
            and row["Drug Type"] == "Fentanyl"
            and row["Component"] in ("Office of Field Operations", "U.S. Border Patrol")
        )
    assert round(cbp_pounds, 2) == 27022.85
    # UNODC annual seizures: Colombia 2016, cocaine salts and coca paste / cocaine base.
    with open(
        shared_dir / "sources" / "unodc" / "seizures_annual_by_country.csv", newline="", encoding="utf-8-sig"
    ) as handle:
        unodc = [row for row in csv.DictReader(handle) if row["ISO Code"] == "COL" and row["Year"] == "2016"]
    salts = sum(float(r["KG Equivalent"]) for r in unodc if r["Drug"] == "Cocaine salts")
    paste = sum(float(r["KG Equivalent"]) for r in unodc if r["Drug"] == "Coca paste/cocaine base")
    with _serving(pipeline.warehouse) as connection:
        pounds, releases = connection.execute(
            "select round(sum(seized_kg) / 0.45359237, 2), list(distinct release) from analyst.cbp_seizures_kg_by_month "
            "where family = 'cbp_nationwide' and fiscal_year = 2023 and substance = 'fentanyl' "
            "and component in ('OFO', 'USBP')"
        ).fetchone()
        hectares = connection.execute(
            "select cultivation_ha from analyst.coca_cultivation_ha "
            "where country_iso3 = 'COL' and year = 2016 and estimator = 'UNODC'"
        ).fetchall()
        seized = dict(
            connection.execute(
                "select form, seized_kg from analyst.seizures_kg where family = 'unodc_seizures' "
                "and country_iso3 = 'COL' and year = 2016 and substance = 'cocaine'"
            ).fetchall()
        )
    assert pounds == 27022.85 and releases == ["2026-04"]
    assert hectares == [(146000.0,)]  # UNODC World Drug Report 2022, annex table 6.1.1
    assert seized["salts"] == salts == 362414.9
    assert seized["paste and base"] == pytest.approx(paste, abs=1e-9)


def test_no_analyst_view_lets_a_sum_cross_forms_units_estimators_or_families(pipeline):
    """Each published analyst view has one measure, named for its unit; its grain is unique;
    what must not be added (family, estimator, substance, form) is in the grain and declared
    required; weights and plant material never share a view; implausible figures are in no
    total; and SUM over the grain gives back the facts."""
    specs = _analyst_specs()
    with _serving(pipeline.warehouse) as connection:
        published = {
            name
            for (name,) in connection.execute(
                "select table_name from information_schema.tables where table_schema = 'analyst'"
            ).fetchall()
        }
        assert published == set(specs), "every analyst relation is published, and only those"
        for name, spec in specs.items():
            meta = spec["config"]["meta"]
            columns = dict(
                connection.execute(
                    "select column_name, data_type from information_schema.columns "
                    "where table_schema = 'analyst' and table_name = $t",
                    {"t": name},
                ).fetchall()
            )
            grain = ", ".join(meta["grain"])
            duplicates = connection.execute(
                f"select count(*) from (select {grain} from analyst.{name} group by all having count(*) > 1)"
            ).fetchone()[0]
            assert duplicates == 0, f"analyst.{name} is not unique on its grain ({grain})"
            assert set(meta["required"]) <= set(meta["grain"]), name
            if meta["measure"] is None:
                continue
            assert meta["measure"].endswith(UNIT_SUFFIXES[meta["unit"]]), (name, meta)
            # One summable quantity per view: no second measure column in another unit.
            quantities = {c for c in columns if c.endswith(tuple(UNIT_SUFFIXES.values()))}
            assert quantities == {meta["measure"]}, (name, quantities)
            for series in ("family", "estimator"):
                if series in columns:
                    assert series in meta["required"], f"analyst.{name}: {series} must be required"
            if "substance" in columns:
                assert {"substance", "form", "family"} <= set(meta["required"]), name
        # Drug weights and plant material never in the same view.
        measured = dict(
            connection.execute(
                "select 'seizures_kg', list(distinct f.measured_as) from analyst.seizures_kg v "
                "join marts.dim_drug_form f using (substance, form) "
                "union all select 'plant', list(distinct f.measured_as) from analyst.plant_seizures_kg_equivalent v "
                "join marts.dim_drug_form f using (substance, form)"
            ).fetchall()
        )
        assert measured == {"seizures_kg": ["drug_weight"], "plant": ["plant_material"]}
        # SUM over the view = the facts' drug weights less the implausible ones, per family.
        totals = connection.execute(
            "select family, sum(seized_kg) from analyst.seizures_kg group by 1 order by 1"
        ).fetchall()
        facts = connection.execute(
            "select family, sum(quantity_kg) from marts.fct_seizures where not is_implausible "
            "and quantity_kg is not null group by 1 order by 1"
        ).fetchall()
        assert (
            [f for f, _ in totals]
            == [f for f, _ in facts]
            == ["cbp_air_marine", "cbp_nationwide", "unodc_seizures"]
        )
        assert all(a == pytest.approx(b, rel=1e-12) for (_, a), (_, b) in zip(totals, facts, strict=True))
        # Egypt 1996, poppy plants, 363,932,083 kg: flagged with its reason, in no total.
        flagged = connection.execute(
            "select reason from analyst.seizures_flagged where country_iso3 = 'EGY' and year = 1996 "
            "and drug_label = 'Poppy plants'"
        ).fetchall()
        egypt = connection.execute(
            "select count(*) from analyst.plant_seizures_kg_equivalent where country_iso3 = 'EGY' and year = 1996 "
            "and substance = 'opium poppy' and form = 'plants'"
        ).fetchone()[0]
        marijuana = connection.execute(
            "select list(distinct form order by form) from analyst.seizures_kg "
            "where family = 'unodc_seizures' and substance = 'cannabis'"
        ).fetchone()[0]
    assert len(flagged) == 1 and "363932083 kg" in flagged[0][0] and "median" in flagged[0][0]
    assert egypt == 0
    assert (
        "plants" not in marijuana and "seed" not in marijuana and {"herb", "resin", "oil"} <= set(marijuana)
    )


def test_serving_schemas_and_their_keys(pipeline):
    """Marts, analyst views and audit tables in their own schemas; duckdb_constraints() lists
    a primary key on every mart and the foreign keys of the facts."""
    with _serving(pipeline.warehouse) as connection:
        schemas = dict(
            connection.execute(
                "select table_schema, list(table_name order by table_name) from information_schema.tables "
                "group by 1"
            ).fetchall()
        )
        keys = connection.execute(
            "select table_name, constraint_type, constraint_column_names, referenced_table, referenced_column_names "
            "from duckdb_constraints() where schema_name = 'marts'"
        ).fetchall()
    assert set(schemas) == {"marts", "analyst", "audit"}
    assert set(schemas["audit"]) == {"dq_results", "quarantine", "loads", "articles_rejected"}
    assert "fct_seizures" in schemas["marts"] and "seizures_kg" in schemas["analyst"]
    primary = {table: columns for table, kind, columns, _, _ in keys if kind == "PRIMARY KEY"}
    assert set(primary) == set(schemas["marts"])
    assert primary["fct_seizures"] == ["seizure_key"] and primary["dim_drug_form"] == ["drug_form_key"]
    foreign = {
        (table, columns[0], referenced, referenced_columns[0])
        for table, kind, columns, referenced, referenced_columns in keys
        if kind == "FOREIGN KEY"
    }
    assert {
        ("fct_seizures", "country_key", "dim_country", "country_key"),
        ("fct_seizures", "drug_form_key", "dim_drug_form", "drug_form_key"),
        ("fct_seizures", "date_key", "dim_date", "date_key"),
        ("fct_production", "source_key", "dim_source", "source_key"),
        ("fct_statements", "person_key", "dim_person", "person_key"),
        ("bridge_statement_topics", "statement_key", "fct_statements", "statement_key"),
    } <= foreign
    assert any(kind == "NOT NULL" and table == "fct_seizures" for table, kind, *_ in keys)


def test_coverage_shows_each_source_and_its_gaps(pipeline):
    """analyst.coverage: first and last period, rows and the thin last year of each source, the
    release of the newest file; `drugtrade summary` prints it."""
    with _serving(pipeline.warehouse) as connection:
        coverage = {
            (source, measure): rest
            for source, measure, *rest in connection.execute(
                "select source_id, measure, first_period_start, last_period_end, rows, last_year, rows_in_last_year, "
                "countries_in_last_year, release from analyst.coverage"
            ).fetchall()
        }
    unodc = coverage[("unodc-seizures-annual", "seized_quantity")]
    assert unodc[3:6] == [2020, 3, 1]  # 2020: three rows, all Peru
    april = coverage[("cbp-nationwide-drug-seizures-fy23-fy26", "seized_quantity")]
    assert (str(april[0]), str(april[1]), april[2], april[6]) == ("2022-10-01", "2026-04-30", 8673, "2026-04")
    summary = _drugtrade("summary", "--warehouse", str(pipeline.warehouse), env=pipeline.env)
    assert summary.returncode == 0, summary.stderr
    line = next(
        line for line in summary.stdout.splitlines() if "cbp-nationwide-drug-seizures-fy23-fy26" in line
    )
    assert "2026-04-30" in line and "release 2026-04" in line


def test_no_absolute_build_path_in_the_published_data(pipeline):
    """Every text cell of every published table is scanned for the build machine's roots;
    provenance paths resolve against the warehouse (raw copies) or the project (bundled pages)."""
    warehouse = pipeline.warehouse
    roots = {str(PROJECT_ROOT), str(warehouse), str(warehouse.resolve()), str(PROJECT_ROOT.resolve())}
    found = []
    with _serving(warehouse) as connection:
        columns = connection.execute(
            "select c.table_schema, c.table_name, c.column_name from information_schema.columns c "
            "join information_schema.tables t using (table_schema, table_name) "
            "where t.table_type = 'BASE TABLE' and c.data_type in ('VARCHAR', 'VARCHAR[]', 'JSON')"
        ).fetchall()
        assert len(columns) > 50
        for schema, table, column in columns:
            for root in roots:
                hits = connection.execute(
                    f'select count(*) from "{schema}"."{table}" where cast("{column}" as varchar) like $p',
                    {"p": f"%{root}%"},
                ).fetchone()[0]
                if hits:
                    found.append((schema, table, column, root, hits))
        raw_paths = [
            p
            for (p,) in connection.execute(
                "select raw_path from audit.loads union all select raw_path from marts.dim_article"
            ).fetchall()
        ]
        page_urls = [
            u
            for (u,) in connection.execute(
                "select url from marts.dim_article where url not like 'http%'"
            ).fetchall()
        ]
    assert found == [], f"absolute build paths in the published data: {found[:5]}"
    assert raw_paths and all((warehouse / path).is_file() for path in raw_paths), raw_paths[:3]
    assert page_urls and all((PROJECT_ROOT / url).is_file() for url in page_urls), page_urls[:3]


def test_broken_raw_batch_stops_the_run_before_the_marts(warehouse_copy):
    """A batch that bypassed the parsers' rules (negative kg, an ISO code that does not exist)
    fails the raw gate; dbt never rebuilds the marts and readers keep the last good warehouse.
    Only the transform DAG runs again, on a copy of the bundled run."""
    warehouse = warehouse_copy.warehouse
    serving = warehouse / "serving" / "drugtrade.duckdb"
    serving_before = (serving.stat().st_ino, serving.stat().st_mtime_ns)
    build_before = (warehouse / "build" / "drugtrade.duckdb").stat().st_mtime_ns
    now = dt.datetime.now(dt.UTC)
    bad = pa.Table.from_pylist(
        [
            {
                "observation_id": f"broken-{i}",
                "source_id": "broken-source",
                "family": "cbp_nationwide",
                "file_name": "broken.csv",
                "file_sha256": "0" * 64,
                "sheet": None,
                "source_row": i,
                "retrieved_at": now,
                "period_start": dt.date(2020, 1, 1),
                "period_end": dt.date(2020, 1, 31),
                "period_label": "FY2020 JAN",
                "is_partial_period": False,
                "fiscal_year": 2020,
                "country": "XXX" if i == 2 else "USA",
                "country_label": None,
                "area": None,
                "component": None,
                "region": None,
                "drug": "cocaine",
                "drug_label": "Cocaine",
                "measure": "seized_quantity",
                "value": -5.0 if i == 1 else 10.0,
                "unit": "kg",
                "value_as_published": None,
                "unit_as_published": None,
                "estimator": "CBP",
                "notes": None,
            }
            for i in range(1, 4)
        ],
        schema=OBSERVATIONS,
    )
    lake.write_partition(
        warehouse / "lake", "observations", {"source_id": "broken-source", "release": "0" * 16}, [bad]
    )
    failed = warehouse_copy.drugtrade(*warehouse_copy.run_args, "--dags", "transform")
    assert failed.returncode != 0
    assert "validate_raw" in failed.stderr
    assert "QualityGateError" in failed.stderr
    assert (serving.stat().st_ino, serving.stat().st_mtime_ns) == serving_before, "serving copy changed"
    assert (warehouse / "build" / "drugtrade.duckdb").stat().st_mtime_ns == build_before, "marts were rebuilt"
    with _serving(warehouse) as connection:
        assert (
            connection.execute(
                "select count(*) from fct_seizures where source_id = 'broken-source'"
            ).fetchone()[0]
            == 0
        )
