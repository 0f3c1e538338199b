"""dbt docs of what analysts can query, beside the serving file (serving/docs/index.html).

Built at publish time from what is already there, without running `dbt docs generate` (51 s on
the sample data, and a catalog of the build file's names): dbt's manifest of the last build (the
transform's `dbt build` writes it) gives descriptions, SQL, tests and lineage; the catalog
(columns, types, comments) is read from the serving file itself. Only the serving file's
relations are kept, under the schema and name they have there (`audit.quarantine`, not
`staging.stg_quarantine`); staging and intermediate models, seeds and sources, which analysts
cannot query, are left out, and lineage edges to them dropped. A serving relation dbt did not
build (`audit.dq_results`) gets a node described from the serving file. The page is dbt's own
docs site with both documents inlined (what `dbt docs generate --static` writes), so it opens
from disk with no server and no network; the project's overview (`__overview__` docs block,
dbt_project/models/overview.md) is its start page.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import distribution
from pathlib import Path
from typing import Any

import duckdb

from drugtrade.config import Settings
from drugtrade.errors import DrugtradeError
from drugtrade.warehouse.publish import AUDIT_RELATIONS, AUDIT_SCHEMA, SERVING_SCHEMAS

log = logging.getLogger(__name__)

CATALOG_SCHEMA = "https://schemas.getdbt.com/dbt/catalog/v1.json"
MANIFEST_PLACEHOLDER = '"MANIFEST.JSON INLINE DATA"'
CATALOG_PLACEHOLDER = '"CATALOG.JSON INLINE DATA"'


class DocsError(DrugtradeError, RuntimeError):
    """The docs cannot be built (no manifest, no serving file, a dbt docs page without its placeholders)."""


@dataclass(frozen=True, kw_only=True)
class ServingRelation:
    schema: str
    name: str
    kind: str  # BASE TABLE | VIEW
    comment: str
    columns: list[tuple[str, str, str]]  # name, type, comment


def docs_dir(settings: Settings) -> Path:
    return settings.serving_db.parent / "docs"


def serving_relations(serving_db: Path) -> dict[tuple[str, str], ServingRelation]:
    with duckdb.connect(str(serving_db), read_only=True) as connection:
        rows = connection.execute(
            "select schema_name, table_name, 'BASE TABLE', comment from duckdb_tables() "
            "where schema_name in (select unnest($schemas)) and not internal "
            "union all select schema_name, view_name, 'VIEW', comment from duckdb_views() "
            "where schema_name in (select unnest($schemas)) and not internal order by 1, 2",
            {"schemas": list(SERVING_SCHEMAS)},
        ).fetchall()
        columns: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
        for schema, table, column, data_type, comment in connection.execute(
            "select schema_name, table_name, column_name, data_type, comment from duckdb_columns() "
            "where schema_name in (select unnest($schemas)) and not internal order by schema_name, table_name, column_index",
            {"schemas": list(SERVING_SCHEMAS)},
        ).fetchall():
            columns.setdefault((schema, table), []).append((column, data_type, comment or ""))
    return {
        (schema, name): ServingRelation(
            schema=schema,
            name=name,
            kind=kind,
            comment=comment or "",
            columns=columns.get((schema, name), []),
        )
        for schema, name, kind, comment in rows
    }


def published_name(node: dict[str, Any]) -> tuple[str, str] | None:
    """Where a dbt model is in the serving file (schema, name), or None when it is not published."""
    name = node.get("alias") or node["name"]
    if node["schema"] in SERVING_SCHEMAS and node["schema"] != AUDIT_SCHEMA:
        return node["schema"], name
    for published, (schema, relation) in AUDIT_RELATIONS.items():
        if (node["schema"], name) == (schema, relation):
            return AUDIT_SCHEMA, published
    return None


def _relation_name(database: str, schema: str, name: str) -> str:
    return f'"{database}"."{schema}"."{name}"'


def _serving_node(relation: ServingRelation, database: str, project: str) -> dict[str, Any]:
    """A node for a serving relation dbt did not build, described from the serving file."""
    unique_id = f"model.{project}.{relation.name}"
    return {
        "unique_id": unique_id,
        "resource_type": "model",
        "name": relation.name,
        "alias": relation.name,
        "package_name": project,
        "database": database,
        "schema": relation.schema,
        "relation_name": _relation_name(database, relation.schema, relation.name),
        "description": relation.comment,
        "fqn": [project, relation.schema, relation.name],
        "path": f"{relation.schema}/{relation.name}.sql",
        "original_file_path": f"models/{relation.schema}/{relation.name}.sql",
        "columns": {
            c: {
                "name": c,
                "description": d,
                "data_type": t,
                "meta": {},
                "tags": [],
                "constraints": [],
                "quote": None,
                "config": {},
            }
            for c, t, d in relation.columns
        },
        "config": {
            "materialized": "table" if relation.kind == "BASE TABLE" else "view",
            "enabled": True,
            "tags": [],
        },
        "tags": [],
        "meta": {"written_by": "drugtrade/warehouse/publish.py"},
        "docs": {"show": True, "node_color": None},
        "depends_on": {"nodes": [], "macros": []},
        "refs": [],
        "sources": [],
        "raw_code": "",
        "compiled_code": "",
        "language": "sql",
        "checksum": {"name": "none", "checksum": ""},
        "patch_path": None,
        "build_path": None,
        "created_at": 0,
        "contract": {"enforced": False},
        "constraints": [],
        "access": "protected",
        "version": None,
        "latest_version": None,
        "deprecation_date": None,
        "group": None,
    }


def analyst_manifest(
    manifest: dict[str, Any], relations: dict[tuple[str, str], ServingRelation]
) -> dict[str, Any]:
    project = manifest["metadata"].get("project_name") or "drugtrade"
    database = next(
        (n["database"] for n in manifest["nodes"].values() if n["resource_type"] == "model"), "drugtrade"
    )
    kept: dict[str, dict[str, Any]] = {}
    covered: set[tuple[str, str]] = set()
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] != "model":
            continue
        where = published_name(node)
        if where is None or where not in relations:
            continue
        schema, name = where
        # Named as in the serving file everywhere the site shows a name: title, relation, and the
        # project tree (which follows original_file_path); meta.dbt_file says where its SQL is.
        kept[unique_id] = {
            **node,
            "name": name,
            "schema": schema,
            "alias": name,
            "fqn": [project, schema, name],
            "path": f"{schema}/{name}.sql",
            "original_file_path": f"models/{schema}/{name}.sql",
            "meta": {**node.get("meta", {}), "dbt_file": node["original_file_path"]},
            "relation_name": _relation_name(database, schema, name),
        }
        covered.add(where)
    for where, relation in relations.items():
        if where not in covered:
            node = _serving_node(relation, database, project)
            kept[node["unique_id"]] = node
    for unique_id, node in manifest["nodes"].items():
        # Data tests of the kept models: the docs list them under each column.
        if (
            node["resource_type"] == "test"
            and node["depends_on"]["nodes"]
            and all(parent in kept for parent in node["depends_on"]["nodes"])
        ):
            kept[unique_id] = node
    for node in kept.values():
        node["depends_on"] = {
            **node["depends_on"],
            "nodes": [n for n in node["depends_on"]["nodes"] if n in kept],
        }
    parent_map = {uid: [p for p in manifest.get("parent_map", {}).get(uid, []) if p in kept] for uid in kept}
    child_map = {uid: [c for c in manifest.get("child_map", {}).get(uid, []) if c in kept] for uid in kept}
    docs = {
        k: v
        for k, v in manifest.get("docs", {}).items()
        if v.get("package_name") == project
        or k == "doc.dbt.__overview__"
        and not any(d.endswith(f".{project}.__overview__") for d in manifest["docs"])
    }
    return {
        **manifest,
        "nodes": kept,
        "sources": {},
        "macros": {},
        "docs": docs,
        "exposures": {},
        "metrics": {},
        "groups": {},
        "selectors": {},
        "disabled": {},
        "parent_map": parent_map,
        "child_map": child_map,
        "group_map": {},
        "saved_queries": {},
        "semantic_models": {},
        "unit_tests": {},
        "functions": {},
    }


def serving_catalog(
    manifest: dict[str, Any], relations: dict[tuple[str, str], ServingRelation], dbt_version: str
) -> dict[str, Any]:
    nodes = {}
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] != "model":
            continue
        relation = relations[(node["schema"], node["alias"])]
        nodes[unique_id] = {
            "unique_id": unique_id,
            "metadata": {
                "type": relation.kind,
                "schema": relation.schema,
                "name": relation.name,
                "database": node["database"],
                "comment": relation.comment or None,
                "owner": None,
            },
            "columns": {
                name: {"type": data_type, "index": index, "name": name, "comment": comment or None}
                for index, (name, data_type, comment) in enumerate(relation.columns, start=1)
            },
            "stats": {
                "has_stats": {
                    "id": "has_stats",
                    "label": "Has Stats?",
                    "value": False,
                    "include": False,
                    "description": "Indicates whether there are statistics for this table",
                }
            },
        }
    return {
        "metadata": {
            "dbt_schema_version": CATALOG_SCHEMA,
            "dbt_version": dbt_version,
            "generated_at": datetime.now(UTC).isoformat().replace("+00:00", "Z"),
            "invocation_id": str(uuid.uuid4()),
            "env": {},
        },
        "nodes": nodes,
        "sources": {},
        "errors": None,
    }


def _docs_template() -> str:
    page = Path(str(distribution("dbt-core").locate_file("dbt/task/docs/index.html")))
    html = page.read_text(encoding="utf-8")
    if MANIFEST_PLACEHOLDER not in html or CATALOG_PLACEHOLDER not in html:
        raise DocsError(f"{page}: dbt's docs page has no inline-data placeholders (dbt-core changed?)")
    return html


def _inline(document: dict[str, Any]) -> str:
    # Inside a <script>: a "</script>" in a description must not end it.
    return json.dumps(document, ensure_ascii=False).replace("</", "<\\/")


def build_analyst_docs(settings: Settings) -> Path:
    """Write serving/docs/index.html (and its manifest.json and catalog.json); returns the page."""
    manifest_path = settings.dbt_manifest
    if not manifest_path.exists():
        raise DocsError(f"no dbt manifest at {manifest_path}: run the transform first")
    if not settings.serving_db.exists():
        raise DocsError(f"no serving warehouse at {settings.serving_db}: run the transform first")
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    relations = serving_relations(settings.serving_db)
    analyst = analyst_manifest(manifest, relations)
    catalog = serving_catalog(analyst, relations, manifest["metadata"].get("dbt_version", ""))
    html = (
        _docs_template()
        .replace(MANIFEST_PLACEHOLDER, _inline(analyst))
        .replace(CATALOG_PLACEHOLDER, _inline(catalog))
    )
    out = docs_dir(settings)
    out.mkdir(parents=True, exist_ok=True)
    for name, content in (
        ("manifest.json", json.dumps(analyst)),
        ("catalog.json", json.dumps(catalog)),
        ("index.html", html),
    ):
        temporary = out / f".{name}.{uuid.uuid4().hex}.tmp"
        temporary.write_text(content, encoding="utf-8")
        os.replace(temporary, out / name)
    return out / "index.html"


def publish_analyst_docs(settings: Settings) -> str | None:
    """The publish step's call: the docs page's path, or None (with a warning) when it could not be
    built; the docs describe the serving file, their failure must not undo its publication."""
    try:
        return str(build_analyst_docs(settings))
    except Exception as error:  # noqa: BLE001 - a report: logged, the run summary shows docs: null
        log.warning("analyst dbt docs were not built: %s", error)
        return None
