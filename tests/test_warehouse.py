"""The warehouse steps without the scheduler: incremental days, re-runs and backfills, and
publication that never blocks or confuses a reader."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import threading
from pathlib import Path

import duckdb
import pytest

from drugtrade.config import load_settings
from drugtrade.pipeline import transform
from drugtrade.pipeline.articles import ingest_articles
from drugtrade.pipeline.registry_snapshot import snapshot_registry
from drugtrade.pipeline.statistics import ingest_statistics
from drugtrade.warehouse.publish import SERVING_SEARCH_PATH, SERVING_STORAGE_VERSION, publish

pytestmark = pytest.mark.slow

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_PAGES = sorted((PROJECT_ROOT / "sources" / "articles" / "sample-news").glob("*.htm*"))
# Columns that say when a row was processed, not what it says.
RUN_TIME_COLUMNS = {"retrieved_at", "first_retrieved_at", "last_retrieved_at", "raw_path", "loaded_at"}


def _settings(tmp_path: Path, folder: Path):
    registry = tmp_path / "registry.yml"
    statistics = PROJECT_ROOT / "sources" / "statistics"
    registry.write_text(
        "sources:\n"
        f"  - {{id: news, type: article, kind: folder, location: '{folder}', publisher: test}}\n"
        f"  - {{id: coca, type: statistics, kind: file, location: '{statistics / '6.1.1_-_Illicit_coca_bush_cultivation.xlsx'}',"
        " family: unodc_annex, publisher: UNODC, dataset: t, url: 'https://www.unodc.org', licence: l, citation: c,"
        " estimator: UNODC}\n"
        f"  - {{id: amo, type: statistics, kind: file, location: '{statistics / 'amo-drug-seizures-fy19-fy22.csv'}',"
        " family: cbp_air_marine, publisher: CBP, dataset: t, url: 'https://www.cbp.gov', licence: l, citation: c,"
        " estimator: CBP}\n"
    )
    env = {
        **os.environ,
        "DRUGTRADE_WAREHOUSE": str(tmp_path / "warehouse"),
        "DRUGTRADE_REGISTRY": str(registry),
    }
    env.pop("DRUGTRADE_LAKE", None)
    return load_settings(env)


def _run_day(settings, day: dt.date, validate: bool = False) -> dict[str, object]:
    """One day of the pipeline; returns the dbt nodes it built or tested and, with
    ``validate``, the staging suites and the marts the quality gates left out."""
    ingest_statistics(settings)
    ingest_articles(settings, day, workers=1)
    snapshot_registry(settings)
    nodes = transform.build_staging(settings, day)
    staging = transform.validate_staging(settings, f"day-{day}") if validate else {}
    nodes += transform.build_marts(settings, day)
    marts_skipped = transform.validate_marts(settings, f"day-{day}")["skipped"] if validate else None
    published = publish(settings)
    return {
        "nodes": {node.unique_id for node in nodes},
        "staging_skipped": staging.get("skipped"),
        "staging_totals": {k: v for k, v in staging.items() if k.startswith("rows_")},
        "marts_skipped": marts_skipped,
        "published": set(published.written),
        "synced": set(published.synced),
    }


def _serving(settings) -> duckdb.DuckDBPyConnection:
    """A reader of the serving file that finds relations by name across its schemas."""
    connection = duckdb.connect(str(settings.serving_db), read_only=True)
    connection.execute(f"set search_path = '{SERVING_SEARCH_PATH}'")
    return connection


def _snapshot(settings) -> dict[str, list[tuple]]:
    tables = {}
    with duckdb.connect(str(settings.serving_db), read_only=True) as connection:
        for schema, name in connection.execute(
            "select table_schema, table_name from information_schema.tables order by 1, 2"
        ).fetchall():
            columns = [
                c
                for (c,) in connection.execute(
                    "select column_name from information_schema.columns where table_schema = $s and table_name = $t "
                    "order by ordinal_position",
                    {"s": schema, "t": name},
                ).fetchall()
                if c not in RUN_TIME_COLUMNS
            ]
            listed = ", ".join(f'"{c}"' for c in columns)
            tables[f"{schema}.{name}"] = connection.execute(
                f'select {listed} from "{schema}"."{name}" order by all'
            ).fetchall()
    return tables


@pytest.fixture(scope="module")
def three_days(tmp_path_factory):
    """Articles arrive over three days (two pages, then two more, then the rest)."""
    tmp_path = tmp_path_factory.mktemp("days")
    folder = tmp_path / "pages"
    folder.mkdir()
    settings = _settings(tmp_path, folder)
    days = [dt.date(2026, 3, 1), dt.date(2026, 3, 2), dt.date(2026, 3, 3)]
    arrivals = [SAMPLE_PAGES[:2], SAMPLE_PAGES[2:4], SAMPLE_PAGES[4:]]
    counts = []
    built = []
    for day, pages in zip(days, arrivals, strict=True):
        for page in pages:
            shutil.copy(page, folder / page.name)
        built.append(_run_day(settings, day, validate=True))
        with _serving(settings) as connection:
            counts.append(
                connection.execute("select count(distinct article_id) from fct_statements").fetchone()[0]
            )
    return {
        "settings": settings,
        "folder": folder,
        "days": days,
        "counts": counts,
        "built": built,
        "daily": _snapshot(settings),
    }


def test_a_day_without_new_statistics_leaves_the_statistics_side_alone(three_days):
    """The statistics files are the same on days 2 and 3: dbt rebuilds the article side only."""
    first, *later = three_days["built"]
    statistics_side = {
        "model.drugtrade.stg_observations",
        "model.drugtrade.int_observations_current",
        "model.drugtrade.int_seizures",
        "model.drugtrade.fct_seizures",
        "model.drugtrade.fct_production",
    }
    assert statistics_side <= first["nodes"]
    assert first["staging_skipped"] == []  # the staging gate (GX) passed on the real build, in full
    totals = first["staging_totals"]
    assert totals["rows_read"] == totals["rows_staged"] + totals["rows_quarantined"] > 0
    for built in later:
        assert not built["nodes"] & statistics_side, built["nodes"] & statistics_side
        # coverage reads both sides: it must follow the new articles (it once stayed stale)
        assert {
            "model.drugtrade.fct_statements",
            "model.drugtrade.stg_articles",
            "model.drugtrade.coverage",
        } <= built["nodes"]
        assert built["staging_skipped"] == [
            "stg_observations",
            "stg_quarantine",
            "stg_loads",
            "stg_source_registry",
        ]
        assert built["staging_totals"] == {}  # reconciled on the first day; not read again
        # Built from seeds only, so unchanged too: not rebuilt, their own tests not run...
        seed_only = {"model.drugtrade.dim_country", "model.drugtrade.dim_date", "model.drugtrade.dim_topic"}
        assert seed_only <= first["nodes"]
        assert not built["nodes"] & seed_only
        assert not {n for n in built["nodes"] if n.startswith("test.drugtrade.unique_dim_country_")}
        # ...but a rebuilt fact's keys into them are still tested (an --exclude would drop these).
        for test in ("fct_statements_country_key", "fct_statements_date_key", "dim_person_country_iso3"):
            assert any(n.startswith(f"test.drugtrade.relationships_{test}_") for n in built["nodes"]), test
        # The seeds are loaded and tested on the first day only (they are part of the project
        # the ledger holds); a staging model's keys into them are tested every day.
        assert "seed.drugtrade.countries" in first["nodes"]
        assert any(n.startswith("test.drugtrade.unique_countries_") for n in first["nodes"])
        assert not {n for n in built["nodes"] if n.startswith("seed.")}
        assert not {n for n in built["nodes"] if n.startswith("test.drugtrade.unique_countries_")}
        assert any(
            n.startswith("test.drugtrade.relationships_stg_mentions_mention_normalized__iso3__ref_countries_")
            for n in built["nodes"]
        )


def test_a_day_without_new_statistics_keeps_their_published_tables(three_days):
    """Publish writes again only what changed: the seizure facts and their dimensions stay as
    the first day wrote them, the statements of the new articles are written."""
    first, *later = three_days["built"]
    assert {"fct_seizures", "fct_statements", "dim_date"} <= first["published"]
    for built in later:
        assert {"fct_statements", "dim_article"} <= built["published"]
        assert not built["published"] & {"fct_seizures", "fct_production", "dim_date", "dim_country"}
        # The new articles' rows are inserted into the copy, not the tables written again
        # (test_full_refresh_gives_the_warehouse_the_daily_runs_built compares the result).
        assert "dim_article" in built["synced"], built["synced"]


def test_the_marts_gate_validates_the_marts_that_changed(three_days):
    """GX validates again only the marts whose rows changed since they last passed."""
    first, *later = three_days["built"]
    assert first["marts_skipped"] == []
    for built in later:
        assert {"fct_seizures", "fct_production", "dim_date", "dim_country"} <= set(built["marts_skipped"])
        assert not {"fct_statements", "dim_article"} & set(built["marts_skipped"])


def test_daily_runs_add_only_the_new_articles(three_days):
    counts = three_days["counts"]
    assert counts[0] < counts[1] < counts[2]
    with _serving(three_days["settings"]) as connection:
        per_day = dict(
            connection.execute(
                "select ingest_date, count(distinct article_id) from fct_statements group by 1"
            ).fetchall()
        )
    assert sorted(per_day) == three_days["days"]


def test_backfill_of_the_same_days_gives_the_same_warehouse(three_days):
    settings = three_days["settings"]
    for day in three_days["days"]:
        _run_day(settings, day)
    assert _snapshot(settings) == three_days["daily"]


def test_rerunning_one_day_replaces_exactly_that_day(three_days):
    settings = three_days["settings"]
    _run_day(settings, three_days["days"][1])
    assert _snapshot(settings) == three_days["daily"]


def test_reader_is_never_blocked_and_never_sees_half_a_run(three_days):
    settings = three_days["settings"]
    reader = _serving(settings)
    before = reader.execute("select count(*) from fct_seizures").fetchone()[0]
    errors: list[BaseException] = []
    seen: list[int] = []

    def keep_reading() -> None:
        try:
            for _ in range(200):
                seen.append(reader.execute("select count(*) from fct_seizures").fetchone()[0])
        except BaseException as error:  # noqa: BLE001 - the test reports it
            errors.append(error)

    thread = threading.Thread(target=keep_reading)
    thread.start()
    result = publish(settings)  # the writer swaps the serving file while the reader holds it open
    thread.join()
    reader.close()
    assert errors == []
    assert set(seen) == {before}, "a reader saw a count other than the published one"
    assert result.tables["fct_seizures"] == before
    with _serving(settings) as fresh:
        assert fresh.execute("select count(*) from fct_seizures").fetchone()[0] == before


def test_serving_file_storage_version_and_exports(three_days):
    settings = three_days["settings"]
    with duckdb.connect() as connection:
        connection.execute(f"attach '{settings.serving_db}' as serving (read_only)")
        tables = {
            r[0]
            for r in connection.execute(
                "select table_name from duckdb_tables() where database_name = 'serving'"
            ).fetchall()
        }
        undescribed = connection.execute(
            "select table_name || '.' || column_name from duckdb_columns() "
            "where database_name = 'serving' and not internal and comment is null order by 1"
        ).fetchall()
        untitled = connection.execute(
            "select table_name from duckdb_tables() where database_name = 'serving' and comment is null"
        ).fetchall()
        # The storage version DuckDB reads from the written file (the oldest DuckDB that opens it,
        # "v1.5.0+"): what a writer on a newer DuckDB could raise past the 1.5 clients.
        (written_version,) = connection.execute(
            "select tags['storage_version'] from duckdb_databases() where database_name = 'serving'"
        ).fetchone()
    assert {
        "fct_statements",
        "fct_seizures",
        "fct_production",
        "dim_date",
        "dim_country",
        "quarantine",
        "articles_rejected",
        "loads",
    } <= tables
    oldest_reader = re.fullmatch(r"v(\d+)\.(\d+)\.(\d+)\+", written_version)
    assert oldest_reader, f"unexpected storage version tag {written_version!r}"
    assert tuple(int(part) for part in oldest_reader.groups()) <= (1, 5, 0), (
        f"the serving file needs DuckDB {written_version}: DuckDB 1.5 clients cannot open it"
    )
    assert written_version == f"{SERVING_STORAGE_VERSION}+", "publish wrote another version than it asks for"
    exported = {p.stem for p in settings.exports_dir.glob("*.parquet")}
    assert tables <= exported
    assert undescribed == [], "every column an analyst sees must carry its dbt description"
    assert untitled == [], "every table an analyst sees must carry its dbt description"


def _without_quotations(page: str) -> str:
    """The same page with every paragraph that quotes someone taken out: a corrected article
    that no longer holds any statement."""
    kept = []
    for line in page.splitlines():
        text = re.sub(r"<[^>]+>", "", line)
        if line.lstrip().startswith("<p>") and re.search(r"[\"“”]", text):
            continue
        kept.append(line)
    return "\n".join(kept)


def test_a_new_version_without_quotations_drops_the_old_statements(three_days):
    settings = three_days["settings"]
    page = three_days["folder"] / "2025-06-15-panama-money-laundering.html"
    query = (
        "select count(*) from fct_statements s join dim_article a using (article_key) "
        "where a.canonical_url like '%panama-free-zone-laundering%'"
    )
    with _serving(settings) as connection:
        assert connection.execute(query).fetchone()[0] > 0
    page.write_text(_without_quotations(page.read_text()))
    _run_day(settings, dt.date(2026, 3, 4))
    with _serving(settings) as connection:
        assert connection.execute(query).fetchone()[0] == 0
        versions = connection.execute(
            "select current_version from dim_article where canonical_url like '%panama-free-zone-laundering%'"
        ).fetchall()
        # fct_article_facts is incremental by article too: only the newest version's facts stay.
        stale_facts = connection.execute(
            "select count(*) from fct_article_facts f join dim_article a using (article_key) "
            "where f.article_version <> a.current_version"
        ).fetchone()[0]
    assert versions == [(2,)]
    assert stale_facts == 0


def _exact(rows: list[tuple]) -> list[tuple]:
    """Rows with every float to 12 significant digits: a SUM of doubles in an analyst view adds
    in whatever order DuckDB's threads finish, so its last digit differs from run to run."""
    return [tuple(float(f"{v:.12g}") if isinstance(v, float) else v for v in row) for row in rows]


def _serving_state(settings) -> dict[str, object]:
    """Everything a reader of the serving file and the exports can see: every row of every
    table and view, the keys, the comments, the view definitions, every exported row."""
    state: dict[str, object] = {}
    with duckdb.connect(str(settings.serving_db), read_only=True) as connection:
        for schema, name in connection.execute(
            "select table_schema, table_name from information_schema.tables order by 1, 2"
        ).fetchall():
            state[f"{schema}.{name}"] = _exact(
                connection.execute(f'select * from "{schema}"."{name}" order by all').fetchall()
            )
        state["constraints"] = connection.execute(
            "select schema_name, table_name, constraint_type, constraint_text from duckdb_constraints() "
            "order by all"
        ).fetchall()
        state["comments"] = connection.execute(
            "select schema_name, table_name, column_name, comment from duckdb_columns() "
            "union all select schema_name, table_name, null, comment from duckdb_tables() "
            "union all select schema_name, view_name, null, sql from duckdb_views() where not internal "
            "order by all"
        ).fetchall()
        for export in sorted(settings.exports_dir.glob("*.parquet")):
            state[f"export {export.name}"] = _exact(
                connection.execute(f"select * from read_parquet('{export}') order by all").fetchall()
            )
    return state


def test_full_refresh_gives_the_warehouse_the_daily_runs_built(three_days):
    """The days built one after the other, incrementally (with a re-run, a backfill, a new
    version of an article and a revised statistical release), against all of them built at once with dbt's --full-refresh and
    published in full: the same rows in every model and the same serving file and exports."""
    settings = three_days["settings"]
    models = ("staging", "intermediate", "marts", "analyst")
    # A revised release of the CBP air and marine file (one figure changed) on a fifth day.
    original = PROJECT_ROOT / "sources" / "statistics" / "amo-drug-seizures-fy19-fy22.csv"
    revised = settings.registry_path.parent / "amo-revised" / original.name
    revised.parent.mkdir()
    lines = original.read_text().splitlines(keepends=True)
    figure = lines[2].rsplit(",", 1)
    lines[2] = f"{figure[0]},{float(figure[1]) + 100:.2f}\n"
    revised.write_text("".join(lines))
    settings.registry_path.write_text(settings.registry_path.read_text().replace(str(original), str(revised)))
    built = _run_day(settings, dt.date(2026, 3, 5))
    assert "model.drugtrade.fct_seizures" in built["nodes"] and "fct_seizures" in built["published"]
    with duckdb.connect(str(settings.build_db), read_only=True) as connection:
        assert (
            connection.execute("select count(*) from marts.fct_seizures where is_revised").fetchone()[0] == 1
        )

    def built_rows() -> dict[str, list[tuple]]:
        with duckdb.connect(str(settings.build_db), read_only=True) as connection:
            relations = connection.execute(
                "select schema_name, table_name, false from duckdb_tables() where schema_name in (select unnest($s)) "
                "union all select schema_name, view_name, true from duckdb_views() "
                "where schema_name in (select unnest($s)) order by all",
                {"s": list(models)},
            ).fetchall()
            # Tables to the last bit; views (some sum doubles) to 12 significant digits.
            return {
                f"{schema}.{name}": (_exact if is_view else list)(
                    connection.execute(f'select * from "{schema}"."{name}" order by all').fetchall()
                )
                for schema, name, is_view in relations
            }

    incremental, published = built_rows(), _serving_state(settings)
    assert incremental["marts.fct_statements"] and incremental["marts.fct_seizures"]
    nodes = transform.build_staging(settings, full_refresh=True)
    nodes += transform.build_marts(settings, full_refresh=True)
    assert {"model.drugtrade.fct_statements", "model.drugtrade.fct_seizures"} <= {n.unique_id for n in nodes}
    refreshed = built_rows()
    assert refreshed.keys() == incremental.keys()
    for relation, rows in incremental.items():
        assert refreshed[relation] == rows, relation
    result = publish(settings, full=True)
    assert "fct_seizures" in result.rebuilt
    assert _serving_state(settings) == published
