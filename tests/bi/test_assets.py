"""The Superset bundle built from the content spec and a real serving file (no Superset needed)."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import duckdb
import pytest
import yaml

from drugtrade.bi.assets import AssetError, build_bundle, read_relation, stable_uuid
from drugtrade.warehouse.query import SERVING_URI_QUERY, serving_sqlalchemy_uri

pytestmark = pytest.mark.slow

SPEC = Path(__file__).resolve().parents[2] / "docker" / "superset" / "assets" / "drugtrade.yml"


@pytest.fixture(scope="module")
def bundle(serving_db: Path) -> dict[str, dict]:
    content = build_bundle(SPEC, serving_db, serving_sqlalchemy_uri(serving_db))
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {name.split("/", 1)[1]: yaml.safe_load(archive.read(name)) for name in archive.namelist()}


def test_bundle_holds_the_spec(bundle):
    spec = yaml.safe_load(SPEC.read_text())
    dashboards = {v["slug"]: v for k, v in bundle.items() if k.startswith("dashboards/")}
    assert set(dashboards) == {d["slug"] for d in spec["dashboards"]} == {"coca", "seizures", "statements"}
    charts = {v["slice_name"]: v for k, v in bundle.items() if k.startswith("charts/")}
    for dashboard in spec["dashboards"]:
        on_page = {
            c["meta"]["uuid"]
            for c in dashboards[dashboard["slug"]]["position"].values()
            if isinstance(c, dict) and c.get("type") == "CHART"
        }
        assert on_page == {stable_uuid("chart", c["name"]) for c in dashboard["charts"]}
        for chart in dashboard["charts"]:
            assert charts[chart["name"]]["dataset_uuid"] == stable_uuid("dataset", chart["dataset"])


def test_database_is_the_read_only_serving_file(bundle, serving_db):
    (database,) = [v for k, v in bundle.items() if k.startswith("databases/")]
    assert database["sqlalchemy_uri"] == f"duckdb:///{serving_db.resolve()}?{SERVING_URI_QUERY}"
    assert database["allow_dml"] is False


def test_dataset_columns_are_the_serving_file_columns_with_their_descriptions(bundle, serving_db):
    datasets = {v["table_name"]: v for k, v in bundle.items() if k.startswith("datasets/")}
    with duckdb.connect(str(serving_db), read_only=True) as connection:
        for name, dataset in datasets.items():
            served = connection.execute(
                "select column_name, comment from duckdb_columns() where schema_name = ? and table_name = ? "
                "order by column_index",
                [dataset["schema"], name],
            ).fetchall()
            physical = [c for c in dataset["columns"] if not c["expression"]]
            assert [(c["column_name"], c["description"]) for c in physical] == served
            assert dataset["main_dttm_col"] in {c["column_name"] for c in dataset["columns"] if c["is_dttm"]}


def test_a_column_without_description_stops_the_bundle(tmp_path: Path):
    path = tmp_path / "undocumented.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("create schema analyst")
        connection.execute("create table analyst.coca_cultivation_ha (year integer, cultivation_ha double)")
        connection.execute("comment on column analyst.coca_cultivation_ha.year is 'calendar year'")
    with (
        duckdb.connect(str(path), read_only=True) as connection,
        pytest.raises(AssetError, match="cultivation_ha"),
    ):
        read_relation(connection, "analyst", "coca_cultivation_ha")
    with (
        duckdb.connect(str(path), read_only=True) as connection,
        pytest.raises(AssetError, match="no relation"),
    ):
        read_relation(connection, "analyst", "seizures_kg")


def test_a_filter_on_a_column_some_chart_lacks_stops_the_bundle(serving_db: Path, tmp_path: Path):
    spec = yaml.safe_load(SPEC.read_text())
    seizures = next(d for d in spec["dashboards"] if d["slug"] == "seizures")
    seizures["filters"] = [{"name": "Country", "column": "country_name", "dataset": "seizures_kg"}]
    broken = tmp_path / "spec.yml"
    broken.write_text(yaml.safe_dump(spec))
    with pytest.raises(AssetError, match="cbp_seizures_kg_by_month"):
        build_bundle(broken, serving_db, serving_sqlalchemy_uri(serving_db))
