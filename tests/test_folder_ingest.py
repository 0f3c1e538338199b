"""A folder source day by day: a file is read again only when its size or modification time
changed (its validator, as a web server's ETag), so a day's cost follows the new files; a rerun
of a day and a lake that lost the pages still get every article."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from drugtrade import lake
from drugtrade.config import load_settings
from drugtrade.pipeline.articles import ingest_articles

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PAGES = sorted((PROJECT_ROOT / "sources" / "articles" / "sample-news").glob("*.htm*"))[:3]

pytestmark = pytest.mark.slow

DAY_ONE, DAY_TWO, DAY_THREE = dt.date(2026, 3, 1), dt.date(2026, 3, 2), dt.date(2026, 3, 3)


@pytest.fixture
def folder_settings(tmp_path: Path):
    folder = tmp_path / "pages"
    folder.mkdir()
    for page in PAGES[:2]:
        shutil.copy(page, folder / page.name)
    registry = tmp_path / "registry.yml"
    registry.write_text(
        f"sources:\n  - {{id: news, type: article, kind: folder, location: '{folder}', publisher: test}}\n"
    )
    env = {
        **os.environ,
        "DRUGTRADE_WAREHOUSE": str(tmp_path / "warehouse"),
        "DRUGTRADE_REGISTRY": str(registry),
    }
    env.pop("DRUGTRADE_LAKE", None)
    return load_settings(env), folder


def _articles(settings) -> list[tuple[str, int, str]]:
    files = [str(p) for p in lake.dataset_files(settings.lake_dir, "articles")]
    with duckdb.connect() as connection:
        return connection.execute(
            "select url, version, cast(ingest_date as varchar) from read_parquet($f, union_by_name = true) "
            "order by all",
            {"f": files},
        ).fetchall()


def test_only_new_and_changed_files_are_read(folder_settings) -> None:
    settings, folder = folder_settings
    (first,) = ingest_articles(settings, DAY_ONE, workers=1)
    assert first.new_articles == 2

    changed = folder / PAGES[0].name
    body = changed.read_bytes()
    paragraph_end = body.index(b"</p>", body.index(b"<p>", body.index(b"<article")))
    changed.write_bytes(body[:paragraph_end] + b" A correction was added." + body[paragraph_end:])
    shutil.copy(PAGES[2], folder / PAGES[2].name)
    untouched = folder / PAGES[1].name
    # Same size and modification time, other bytes: the validator says unchanged, so a file
    # that is not read again keeps the lake's version (it would become version 2 if read).
    stat = untouched.stat()
    original = untouched.read_bytes()
    untouched.write_bytes(original.replace(b"<p>", b"<P>", 1))
    os.utime(untouched, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    (second,) = ingest_articles(settings, DAY_TWO, workers=1)
    assert (second.new_articles, second.new_versions, second.unchanged) == (1, 1, 1)
    versions = {(url.rsplit("/", 1)[-1], version) for url, version, _ in _articles(settings)}
    assert versions == {(PAGES[0].name, 1), (PAGES[0].name, 2), (PAGES[1].name, 1), (PAGES[2].name, 1)}


def test_a_rerun_day_and_a_lost_lake_still_get_every_article(folder_settings) -> None:
    settings, _folder = folder_settings
    ingest_articles(settings, DAY_ONE, workers=1)
    before = _articles(settings)

    (rerun,) = ingest_articles(settings, DAY_ONE, workers=1)  # every validator says unchanged
    assert _articles(settings) == before and rerun.new_articles == 2

    shutil.rmtree(settings.lake_dir / "articles")  # the lake lost the pages; the validators stayed
    (again,) = ingest_articles(settings, DAY_THREE, workers=1)
    assert again.new_articles == 2 and again.not_modified == 0
    assert {url for url, _, day in _articles(settings) if day == DAY_THREE.isoformat()} == {
        url for url, _, _ in before
    }
