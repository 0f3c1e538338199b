"""Superset import bundle from the project's content as code (docker/superset/assets/drugtrade.yml)
and the serving file.

Kept whole because the compose bi profile runs this one file as a script in Superset's own
environment (docker/superset/superset-init.sh), where the package's other dependencies are absent.

Each dataset's columns, types and descriptions are read from the serving file (dbt persisted
its descriptions there), so Superset shows what the warehouse documents and nothing is typed
twice; a dataset column without a description stops the bundle. UUIDs are derived from names
(uuid5), so a re-import updates the same objects. Each chart carries the query its REST data
endpoint (`GET /api/v1/chart/<id>/data`) answers, built from the same spec as its form data.

This module needs only the standard library, PyYAML and duckdb: Superset's own environment runs
it in the compose bi profile (`python assets.py SPEC SERVING_DB URI OUT.zip`).
"""

from __future__ import annotations

import io
import json
import sys
import uuid
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import yaml

from drugtrade.errors import DrugtradeError

NAMESPACE = uuid.UUID("6f1c3c52-3f4e-4a8e-9a55-0d2b1f7b6c14")
EXPORT_VERSION = "1.0.0"
# Calculated column every dataset with a year gets: Superset's time axis and time filters need a
# date, and the year's first day is what a year means on a time axis.
YEAR_START = "year_start"


class AssetError(DrugtradeError, ValueError):
    """The content spec and the serving file disagree (a missing relation, column or description)."""


def stable_uuid(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


@dataclass(frozen=True, kw_only=True)
class Column:
    name: str
    type: str
    description: str


def read_relation(connection: duckdb.DuckDBPyConnection, schema: str, name: str) -> tuple[str, list[Column]]:
    """The relation's description and its columns, in order, from the serving file."""
    row = connection.execute(
        "select comment from duckdb_tables() where schema_name = $s and table_name = $t "
        "union all select comment from duckdb_views() where schema_name = $s and view_name = $t",
        {"s": schema, "t": name},
    ).fetchone()
    if row is None:
        raise AssetError(f"serving file has no relation {schema}.{name}")
    columns = [
        Column(name=column, type=data_type, description=comment or "")
        for column, data_type, comment in connection.execute(
            "select column_name, data_type, comment from duckdb_columns() "
            "where schema_name = $s and table_name = $t order by column_index",
            {"s": schema, "t": name},
        ).fetchall()
    ]
    undocumented = [column.name for column in columns if not column.description.strip()]
    if undocumented:
        raise AssetError(
            f"{schema}.{name}: columns without a description in the serving file: {', '.join(undocumented)}"
        )
    return row[0] or "", columns


def _metric(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "metric_name": name,
        "verbose_name": spec.get("label", label(name)),
        "metric_type": None,
        "expression": spec["expression"],
        "description": spec.get("description"),
        "d3format": spec.get("format"),
        "currency": None,
        "extra": {},
        "warning_text": None,
    }


def label(column_name: str) -> str:
    """What a chart shows for a column: `country_name` -> "Country name", `iso3` stays."""
    words = column_name.replace("_", " ")
    return words[:1].upper() + words[1:]


def _column(column: Column, is_dttm: bool) -> dict[str, Any]:
    return {
        "column_name": column.name,
        "verbose_name": label(column.name),
        "is_dttm": is_dttm,
        "is_active": True,
        "type": column.type,
        "advanced_data_type": None,
        "groupby": True,
        "filterable": True,
        "expression": None,
        "description": column.description,
        "python_date_format": None,
        "extra": {},
    }


def dataset_config(
    name: str, spec: dict[str, Any], description: str, columns: list[Column], database_uuid: str
) -> dict[str, Any]:
    time_column = spec.get("time_column")
    year_column = spec.get("year_column")
    entries = [_column(column, is_dttm=column.name == time_column) for column in columns]
    if year_column:
        if year_column not in {column.name for column in columns}:
            raise AssetError(f"dataset {name}: no column {year_column!r} for its time axis")
        entries.append(
            {
                **_column(
                    Column(
                        name=YEAR_START,
                        type="DATE",
                        description=f"First day of `{year_column}` (the time axis of the charts).",
                    ),
                    is_dttm=True,
                ),
                "expression": f"make_date(CAST({year_column} AS INTEGER), 1, 1)",
            }
        )
        time_column = YEAR_START
    return {
        "table_name": name,
        "main_dttm_col": time_column,
        "description": description,
        "default_endpoint": None,
        "offset": 0,
        "cache_timeout": None,
        "catalog": None,
        "schema": spec["schema"],
        "sql": None,
        "params": None,
        "template_params": None,
        "filter_select_enabled": True,
        "fetch_values_predicate": None,
        "extra": None,
        "normalize_columns": False,
        "always_filter_main_dttm": False,
        "uuid": stable_uuid("dataset", name),
        "metrics": [_metric(metric, metric_spec) for metric, metric_spec in spec.get("metrics", {}).items()],
        "columns": entries,
        "version": EXPORT_VERSION,
        "database_uuid": database_uuid,
    }


def _adhoc_filter(spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "clause": "WHERE",
        "expressionType": "SIMPLE",
        "subject": spec["column"],
        "operator": spec["op"],
        "comparator": spec["value"],
        "isExtra": False,
        "isNew": False,
    }


def _query_filter(spec: dict[str, Any]) -> dict[str, Any]:
    return {"col": spec["column"], "op": spec["op"], "val": spec["value"]}


def chart_form_data(chart: dict[str, Any], dataset_spec: dict[str, Any]) -> dict[str, Any]:
    """Superset's form data (a chart's `params`) for the spec's chart kinds."""
    viz = chart["viz"]
    filters = [_adhoc_filter(f) for f in chart.get("filters", [])]
    common = {"adhoc_filters": filters, "extra_form_data": {}, "dashboards": []}
    if viz in ("bar", "bar_categories", "line"):
        x_axis = chart.get("x_axis", YEAR_START)
        metric_format = next(iter(dataset_spec["metrics"].values())).get("format")
        return {
            **common,
            "viz_type": "echarts_timeseries_line" if viz == "line" else "echarts_timeseries_bar",
            "x_axis": x_axis,
            "time_grain_sqla": chart.get("time_grain", "P1Y" if x_axis == YEAR_START else None),
            "x_axis_sort_asc": True,
            "metrics": chart["metrics"],
            "groupby": chart.get("groupby", []),
            "row_limit": 10000,
            "series_limit": chart.get("series_limit", 0),
            "stack": "Stack" if chart.get("groupby") and viz != "line" else None,
            "markerEnabled": True,
            "markerSize": 4,
            "show_legend": True,
            "legendType": "scroll",
            "legendOrientation": "top",
            "rich_tooltip": True,
            "tooltipTimeFormat": "%Y-%m" if chart.get("time_grain") == "P1M" else "%Y",
            "x_axis_time_format": "%Y-%m" if chart.get("time_grain") == "P1M" else "%Y",
            "y_axis_format": metric_format,
            "orientation": "horizontal" if viz == "bar_categories" else "vertical",
            "truncateYAxis": False,
            "only_total": True,
            "order_desc": True,
            "color_scheme": "supersetColors",
        }
    if viz == "table":
        return {
            **common,
            "viz_type": "table",
            "query_mode": "aggregate",
            "groupby": chart["groupby"],
            "metrics": chart["metrics"],
            "all_columns": [],
            "percent_metrics": [],
            "row_limit": 1000,
            "order_desc": True,
            "include_search": True,
            "show_cell_bars": True,
            "table_timestamp_format": "smart_date",
            "timeseries_limit_metric": chart["metrics"][0],
            "server_pagination": False,
            "page_length": 25,
        }
    if viz == "rows":
        return {
            **common,
            "viz_type": "table",
            "query_mode": "raw",
            "groupby": [],
            "metrics": [],
            "all_columns": chart["columns"],
            "order_by_cols": [json.dumps(o) for o in chart.get("order_by", [])],
            "row_limit": 1000,
            "include_search": True,
            "table_timestamp_format": "%Y-%m-%d",
            "server_pagination": False,
            "page_length": 25,
        }
    raise AssetError(f"chart {chart['name']!r}: unknown viz {viz!r}")


def chart_query(chart: dict[str, Any]) -> dict[str, Any]:
    """The query of the chart's data endpoint: the chart's columns and metrics, unpivoted."""
    viz = chart["viz"]
    if viz == "rows":
        columns, metrics = list(chart["columns"]), []
    elif viz in ("bar", "bar_categories", "line"):
        columns, metrics = (
            [chart.get("x_axis", YEAR_START), *chart.get("groupby", [])],
            list(chart["metrics"]),
        )
    else:
        columns, metrics = list(chart["groupby"]), list(chart["metrics"])
    return {
        "columns": columns,
        "metrics": metrics,
        "filters": [_query_filter(f) for f in chart.get("filters", [])],
        "orderby": [list(o) for o in chart.get("order_by", [])],
        "row_limit": 50000,
        "extras": {"having": "", "where": ""},
        "is_timeseries": False,
        "annotation_layers": [],
        "applied_time_extras": {},
        "url_params": {},
        "custom_params": {},
        "custom_form_data": {},
        "series_limit": 0,
        "order_desc": True,
    }


def chart_config(chart: dict[str, Any], dataset_spec: dict[str, Any]) -> dict[str, Any]:
    form_data = chart_form_data(chart, dataset_spec)
    query_context = {
        # Superset's assets importer points this at the imported dataset's id.
        "datasource": {"id": 0, "type": "table"},
        "force": False,
        "queries": [chart_query(chart)],
        "form_data": form_data,
        "result_format": "json",
        "result_type": "full",
    }
    return {
        "slice_name": chart["name"],
        "description": chart.get("description"),
        "certified_by": None,
        "certification_details": None,
        "viz_type": form_data["viz_type"],
        "params": form_data,
        "query_context": json.dumps(query_context),
        "cache_timeout": None,
        "uuid": stable_uuid("chart", chart["name"]),
        "version": EXPORT_VERSION,
        "dataset_uuid": stable_uuid("dataset", chart["dataset"]),
    }


def dashboard_config(dashboard: dict[str, Any]) -> dict[str, Any]:
    """A dashboard laid out in rows of 12 grid units: the intro text, then the charts in order."""
    slug = dashboard["slug"]
    position: dict[str, Any] = {
        "DASHBOARD_VERSION_KEY": "v2",
        "ROOT_ID": {"type": "ROOT", "id": "ROOT_ID", "children": ["GRID_ID"]},
        "GRID_ID": {"type": "GRID", "id": "GRID_ID", "children": [], "parents": ["ROOT_ID"]},
        "HEADER_ID": {"id": "HEADER_ID", "type": "HEADER", "meta": {"text": dashboard["title"]}},
    }
    rows: list[list[tuple[str, dict[str, Any]]]] = [
        [
            (
                "MARKDOWN-intro",
                {
                    "type": "MARKDOWN",
                    "id": "MARKDOWN-intro",
                    "children": [],
                    "meta": {"width": 12, "height": 18, "code": dashboard["intro"]},
                },
            )
        ]
    ]
    used = 12
    for number, chart in enumerate(dashboard["charts"], start=1):
        width = int(chart.get("width", 6))
        component_id = f"CHART-{slug}-{number}"
        component = {
            "type": "CHART",
            "id": component_id,
            "children": [],
            "meta": {
                "width": width,
                "height": 60 if chart["viz"] != "rows" else 90,
                "chartId": 0,
                "uuid": stable_uuid("chart", chart["name"]),
                "sliceName": chart["name"],
            },
        }
        if used + width > 12:
            rows.append([])
            used = 0
        rows[-1].append((component_id, component))
        used += width
    for index, row in enumerate(rows, start=1):
        row_id = f"ROW-{slug}-{index}"
        position["GRID_ID"]["children"].append(row_id)
        position[row_id] = {
            "type": "ROW",
            "id": row_id,
            "children": [c for c, _ in row],
            "parents": ["ROOT_ID", "GRID_ID"],
            "meta": {"background": "BACKGROUND_TRANSPARENT"},
        }
        for component_id, component in row:
            position[component_id] = {**component, "parents": ["ROOT_ID", "GRID_ID", row_id]}
    return {
        "dashboard_title": dashboard["title"],
        "description": None,
        "css": "",
        "slug": slug,
        "certified_by": None,
        "certification_details": None,
        "published": True,
        "uuid": stable_uuid("dashboard", slug),
        "position": position,
        "metadata": {
            "timed_refresh_immune_slices": [],
            "expanded_slices": {},
            "refresh_frequency": 0,
            "color_scheme": "supersetColors",
            "label_colors": {},
            "shared_label_colors": [],
            "cross_filters_enabled": True,
            "native_filter_configuration": native_filters(dashboard),
            "chart_configuration": {},
            "default_filters": "{}",
        },
        "version": EXPORT_VERSION,
    }


def native_filters(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    """The dashboard's filter bar: one select per spec filter, on a column every chart's dataset
    has (a native filter applies to every chart in its scope)."""
    filters = []
    for number, spec in enumerate(dashboard.get("filters", []), start=1):
        filters.append(
            {
                "id": f"NATIVE_FILTER-{dashboard['slug']}-{number}",
                "name": spec["name"],
                "filterType": "filter_select",
                "type": "NATIVE_FILTER",
                "description": spec.get("description", ""),
                "targets": [
                    {
                        "column": {"name": spec["column"]},
                        "datasetUuid": stable_uuid("dataset", spec["dataset"]),
                    }
                ],
                "controlValues": {
                    "enableEmptyFilter": False,
                    "defaultToFirstItem": False,
                    "multiSelect": True,
                    "searchAllOptions": False,
                    "inverseSelection": False,
                },
                "defaultDataMask": {"extraFormData": {}, "filterState": {}, "ownState": {}},
                "cascadeParentIds": [],
                "scope": {"rootPath": ["ROOT_ID"], "excluded": []},
            }
        )
    return filters


def build_bundle(spec_path: Path, serving_db: Path, sqlalchemy_uri: str) -> bytes:
    """The import bundle (a ZIP, Superset's export format v1) of every dataset, chart and dashboard."""
    spec = yaml.safe_load(Path(spec_path).read_text(encoding="utf-8"))
    database_name = spec["database"]
    database_uuid = stable_uuid("database", database_name)
    files: dict[str, dict[str, Any]] = {
        "metadata.yaml": {
            "version": EXPORT_VERSION,
            "type": "assets",
            "timestamp": datetime.now(UTC).isoformat(),
        },
        f"databases/{database_name}.yaml": {
            "database_name": database_name,
            "sqlalchemy_uri": sqlalchemy_uri,
            "cache_timeout": None,
            "expose_in_sqllab": True,
            "allow_run_async": False,
            "allow_ctas": False,
            "allow_cvas": False,
            "allow_dml": False,
            "allow_file_upload": False,
            "allow_csv_upload": False,
            "extra": {
                "allows_virtual_table_explore": True,
                "metadata_params": {},
                "engine_params": {},
                "schemas_allowed_for_file_upload": [],
            },
            "uuid": database_uuid,
            "version": EXPORT_VERSION,
        },
    }
    with duckdb.connect(str(serving_db), read_only=True) as connection:
        for name, dataset in spec["datasets"].items():
            description, columns = read_relation(connection, dataset["schema"], name)
            files[f"datasets/{database_name}/{name}.yaml"] = dataset_config(
                name, dataset, description, columns, database_uuid
            )
    for dashboard in spec["dashboards"]:
        for native_filter in dashboard.get("filters", []):
            _check_filter(native_filter, dashboard, files, database_name)
        for chart in dashboard["charts"]:
            if chart["dataset"] not in spec["datasets"]:
                raise AssetError(f"chart {chart['name']!r}: no dataset {chart['dataset']!r} in {spec_path}")
            files[f"charts/{stable_uuid('chart', chart['name'])}.yaml"] = chart_config(
                chart, spec["datasets"][chart["dataset"]]
            )
        files[f"dashboards/{dashboard['slug']}.yaml"] = dashboard_config(dashboard)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, content in files.items():
            bundle.writestr(
                f"drugtrade_bi/{name}", yaml.safe_dump(content, sort_keys=False, allow_unicode=True)
            )
    return buffer.getvalue()


def _check_filter(
    native_filter: dict[str, Any],
    dashboard: dict[str, Any],
    files: dict[str, dict[str, Any]],
    database_name: str,
) -> None:
    """A filter's column must be in the dataset of every chart of the dashboard."""
    for chart in dashboard["charts"]:
        dataset = files[f"datasets/{database_name}/{chart['dataset']}.yaml"]
        if native_filter["column"] not in {c["column_name"] for c in dataset["columns"]}:
            raise AssetError(
                f"dashboard {dashboard['slug']}: filter {native_filter['name']!r} on "
                f"{native_filter['column']!r}, which chart {chart['name']!r} ({chart['dataset']}) lacks"
            )


def dashboard_slugs(spec_path: Path) -> list[str]:
    return [d["slug"] for d in yaml.safe_load(Path(spec_path).read_text(encoding="utf-8"))["dashboards"]]


def main(argv: list[str]) -> int:
    if len(argv) != 4:
        print("usage: assets.py SPEC.yml SERVING.duckdb SQLALCHEMY_URI OUT.zip", file=sys.stderr)
        return 2
    spec, serving, uri, out = argv
    try:
        bundle = build_bundle(Path(spec), Path(serving), uri)
    except (AssetError, duckdb.Error, OSError) as error:
        print(f"assets: {error}", file=sys.stderr)
        return 1
    temporary = Path(out).with_suffix(".tmp")
    temporary.write_bytes(bundle)
    temporary.replace(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
