"""Make a static HTML site that loads its scripts, styles and images from CDNs open from disk
with no network: copy the vendored files (vendor/, from the npm registry, see vendor/manifest.json)
into the site and point every page at them.

Great Expectations' Data Docs load jQuery, Bootstrap, bootstrap-table and Vega from eight CDN
hosts (without them the index's results table stays empty) and their logo from S3 with the data
context's id in the query string. This runs after GX has written its pages, on whatever HTML it
wrote: known CDN URLs become relative paths to the copies, GX's logo URLs its own packaged
logo; an external asset it does not know is reported (never silently left to fail).
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

log = logging.getLogger(__name__)

VENDOR_DIR = Path(__file__).resolve().parent / "vendor"
SITE_VENDOR = Path("static") / "vendor"
# GX's logos on S3 (the <img> carries a timestamp and the data context id): its package ships the
# same logo, which GX copies into the site's static/images.
GX_LOGO_HOST = re.compile(
    r"https://great-expectations-web-assets\.s3\.[a-z0-9-]+\.amazonaws\.com/[^\s\"'()<>]*"
)
GX_LOCAL_LOGO = Path("static") / "images" / "logo-long.png"
URL = re.compile(r"https?://[^\s\"'()<>]+")
ASSET_TAG = re.compile(r"<(?:script|link|img)\b[^>]*>", re.IGNORECASE)
SRI_ATTRIBUTES = re.compile(r"\s(?:integrity|crossorigin)(?:=(?:\"[^\"]*\"|'[^']*'|[^\s>]+))?", re.IGNORECASE)
# What a page fetches by itself (scripts, stylesheets, icons, images, CSS urls), as opposed to links.
EXTERNAL_ASSET = re.compile(
    r"<script[^>]*\ssrc=[\"'](https?://[^\"']+)|<link[^>]*\shref=[\"'](https?://[^\"']+)[^>]*>"
    r"|<img[^>]*\ssrc=[\"'](https?://[^\"']+)|url\([\"']?(https?://[^\"')]+)",
    re.IGNORECASE,
)


@dataclass(kw_only=True)
class OfflineReport:
    pages: int = 0
    rewritten: int = 0
    unknown_assets: dict[str, list[str]] = field(default_factory=dict)  # page -> URLs still external


def vendored_urls() -> dict[str, Path]:
    """CDN URL -> vendored file (relative to vendor/)."""
    manifest = json.loads((VENDOR_DIR / "manifest.json").read_text(encoding="utf-8"))
    return {entry["url"]: Path(entry["file"]) for entry in manifest["assets"]}


def _copy_vendor(site_dir: Path) -> None:
    target = site_dir / SITE_VENDOR
    for source in VENDOR_DIR.rglob("*"):
        if source.is_dir() or source.name == "manifest.json":
            continue
        destination = target / source.relative_to(VENDOR_DIR)
        if destination.exists() and destination.stat().st_size == source.stat().st_size:
            continue
        destination.parent.mkdir(parents=True, exist_ok=True)
        temporary = destination.with_name(f".{destination.name}.tmp")
        shutil.copyfile(source, temporary)
        os.replace(temporary, destination)


def _relative(page: Path, site_dir: Path, target: Path) -> str:
    return Path(os.path.relpath(site_dir / target, page.parent)).as_posix()


def rewrite_page(html: str, page: Path, site_dir: Path, urls: dict[str, Path]) -> str:
    def local(match: re.Match[str]) -> str:
        url = match.group(0)
        if GX_LOGO_HOST.fullmatch(url):
            return _relative(page, site_dir, GX_LOCAL_LOGO)
        vendored = urls.get(url) or urls.get(url.split("?", 1)[0])
        return _relative(page, site_dir, SITE_VENDOR / vendored) if vendored else _without_tracking(url)

    def local_tag(match: re.Match[str]) -> str:
        tag = match.group(0)
        rewritten = URL.sub(local, tag)
        # Subresource integrity needs a CORS fetch, which a page opened from disk cannot make:
        # the copies are checked against the CDN's integrity hashes by the tests instead.
        return tag if rewritten == tag else SRI_ATTRIBUTES.sub("", rewritten)

    return URL.sub(local, ASSET_TAG.sub(local_tag, html))


def _without_tracking(url: str) -> str:
    """A link without its campaign parameters (GX's newsletter link carries utm_*)."""
    base, _, query = url.partition("?")
    kept = [part for part in query.split("&") if part and not part.startswith("utm_")]
    return base + ("?" + "&".join(kept) if kept else "")


def external_assets(html: str) -> list[str]:
    return [next(group for group in match.groups() if group) for match in EXTERNAL_ASSET.finditer(html)]


def make_offline(site_dir: Path) -> OfflineReport:
    """Vendor the assets into ``site_dir`` and rewrite every HTML page under it; idempotent."""
    site_dir = Path(site_dir).resolve()
    if not (site_dir / "index.html").is_file():
        raise FileNotFoundError(f"{site_dir}: no index.html (not a built site)")
    _copy_vendor(site_dir)
    urls = vendored_urls()
    report = OfflineReport()
    for page in sorted(site_dir.rglob("*.html")):
        report.pages += 1
        html = page.read_text(encoding="utf-8")
        offline = rewrite_page(html, page, site_dir, urls)
        if offline != html:
            temporary = page.with_name(f".{page.name}.tmp")
            temporary.write_text(offline, encoding="utf-8")
            os.replace(temporary, page)
            report.rewritten += 1
        unknown = external_assets(offline)
        if unknown:
            report.unknown_assets[str(page.relative_to(site_dir))] = unknown
    for relative, unknown in report.unknown_assets.items():
        log.warning(
            "%s: %s still loads %s from the network (not vendored)", site_dir, relative, ", ".join(unknown)
        )
    return report
