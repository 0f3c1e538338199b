"""The documentation a pipeline run leaves, opened from disk in headless chromium with the network
off: GX Data Docs show their results table, the dbt docs of the serving file open on the
overview and list only what the serving file holds."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import duckdb
import great_expectations
import pytest

from drugtrade.offline_docs import VENDOR_DIR, external_assets, vendored_urls

from . import chromium

GX_TEMPLATES = Path(great_expectations.__file__).parent / "render" / "view" / "templates"
TEMPLATE_ASSET = re.compile(r"<(?:script|link)[^>]*(?:src|href)=\"(https?://[^\"]+)\"[^>]*>")


def test_every_cdn_asset_of_gx_templates_is_vendored():
    """A GX upgrade that loads a new file from a CDN fails here, not silently offline."""
    urls = vendored_urls()
    loaded = []
    for template in GX_TEMPLATES.glob("*.j2"):
        for match in TEMPLATE_ASSET.finditer(template.read_text(encoding="utf-8")):
            tag, url = match.group(0), match.group(1)
            if 'rel="stylesheet"' in tag or "<script" in tag:
                assert url in urls, (
                    f"{template.name} loads {url}, which drugtrade/offline_docs does not vendor"
                )
                loaded.append(url)
    assert loaded, (
        f"no CDN asset found in GX's templates under {GX_TEMPLATES}: this check has nothing to check"
    )


def test_vendored_files_are_those_the_cdns_serve():
    """Checked against the manifest's hashes and, where GX pins one, the CDN's integrity hash."""
    manifest = json.loads((VENDOR_DIR / "manifest.json").read_text())
    for entry in manifest["assets"]:
        content = (VENDOR_DIR / entry["file"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == entry["sha256"], entry["file"]
    integrity = {}
    for template in GX_TEMPLATES.glob("*.j2"):
        for url, digest in re.findall(
            r"src=\"(https?://[^\"]+)\" integrity=\"sha384-([^\"]+)\"", template.read_text()
        ):
            integrity[url] = digest
    assert integrity, "GX's templates pin no integrity hash any more: this check has nothing to compare"
    urls = vendored_urls()
    for url, digest in integrity.items():
        content = (VENDOR_DIR / urls[url]).read_bytes()
        assert base64.b64encode(hashlib.sha384(content).digest()).decode() == digest, url


def _open_offline(page_path: Path) -> tuple[chromium.Browser, chromium.Page]:
    browser = chromium.Browser(offline=True)
    page = browser.new_page()
    page.navigate(page_path.as_uri())
    return browser, page


def test_data_docs_show_their_results_table_offline(warehouse: Path, browser_binary, tmp_path):
    site = warehouse / "quality" / "docs"
    index = site / "index.html"
    assert index.is_file()
    for html in site.rglob("*.html"):
        assert external_assets(html.read_text(encoding="utf-8")) == [], html
        assert "amazonaws" not in html.read_text(encoding="utf-8"), f"{html}: GX's S3 logo is still linked"
    browser, page = _open_offline(index)
    try:
        rows = page.wait_for(
            "document.querySelectorAll('.bootstrap-table table tbody tr:not(.no-records-found)').length",
            timeout=60,
        )
        page.screenshot(tmp_path / "data-docs.png")
        assert rows and rows > 0, "the validation results table is empty"
        first_suite = page.evaluate(
            "document.querySelector('.bootstrap-table table tbody tr td a') && "
            "document.querySelector('.bootstrap-table table tbody tr td a').innerText"
        )
        assert first_suite, "the results table has no links to validation pages"
        outside = [u for u in page.requests if not u.startswith(("file:", "data:"))]
        assert outside == [], f"Data Docs asked the network for {outside}"
        assert page.failed == [], page.failed
    finally:
        browser.close()


def test_dbt_docs_of_the_serving_file_open_on_the_overview(
    warehouse: Path, serving_db: Path, browser_binary, tmp_path
):
    docs = warehouse / "serving" / "docs"
    index = docs / "index.html"
    assert index.is_file(), "publish did not write the dbt docs beside the serving file"
    manifest = json.loads((docs / "manifest.json").read_text())
    with duckdb.connect(str(serving_db), read_only=True) as connection:
        served = {
            (s, t)
            for s, t in connection.execute(
                "select schema_name, table_name from duckdb_tables() where not internal "
                "union all select schema_name, view_name from duckdb_views() where not internal"
            ).fetchall()
        }
    models = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    assert {(n["schema"], n["alias"]) for n in models} == served
    assert ("audit", "quarantine") in served and ("analyst", "seizures_kg") in served
    for node in models:
        assert node["relation_name"] == f'"{node["database"]}"."{node["schema"]}"."{node["alias"]}"'
    browser, page = _open_offline(index)
    try:
        overview = page.wait_for(
            "document.body.innerText.includes('Where to start') && document.body.innerText", timeout=60
        )
        page.screenshot(tmp_path / "dbt-docs.png")
        assert overview, "the overview page did not load"
        assert "analyst.coca_cultivation_ha" in overview
        page.navigate(
            index.as_uri() + "#!/model/" + next(n["unique_id"] for n in models if n["alias"] == "quarantine")
        )
        shown = page.wait_for("document.body.innerText.includes('drugtrade.audit.quarantine')", timeout=30)
        assert shown, "the quarantine page does not name its serving relation"
        # The project tree, opened down to the page's folder, has the serving schemas only.
        tree = page.wait_for(
            "document.querySelector('.menu') && document.querySelector('.menu').innerText", timeout=30
        )
        assert tree and "stg_" not in tree and "int_" not in tree and "staging" not in tree, tree
        assert all(schema in tree for schema in ("analyst", "marts", "audit")), tree
        outside = [u for u in page.requests if not u.startswith(("file:", "data:"))]
        assert outside == [], f"dbt docs asked the network for {outside}"
    finally:
        browser.close()


@pytest.mark.parametrize(
    "html, expected",
    [
        (
            '<script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>',
            ["https://code.jquery.com/jquery-3.7.1.min.js"],
        ),
        ('<a href="https://greatexpectations.io">GX</a>', []),
        ("<div style=\"background: url('https://example.org/x.png')\">", ["https://example.org/x.png"]),
    ],
)
def test_external_assets_are_told_from_links(html: str, expected: list[str]):
    assert external_assets(html) == expected
