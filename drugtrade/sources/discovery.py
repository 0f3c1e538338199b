"""Discovery: which article URLs a source offers, from RSS/Atom feeds, the WordPress REST API,
XML sitemaps or a local folder.

Index documents (feeds, API pages, sitemaps) are always fetched in full, never conditionally:
they are small, and re-reading them is what lets a re-run after a failed batch find the same
articles again. The article pages themselves are fetched conditionally by ``articles.py``.

A root document that cannot be read raises DiscoveryError (nothing was discovered, nothing is
lost). A broken part further down (one feed item without a link, one child sitemap, one API
page) becomes an ArticleRef with ``error`` set, which the fetcher turns into a rejected row,
so the rest of the source still comes through.
"""

from __future__ import annotations

import email.utils
import gzip
import html
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urljoin, urlsplit
from urllib.request import url2pathname
from xml.parsers import expat

from drugtrade.errors import DrugtradeError
from drugtrade.registry import ArticleSource
from drugtrade.sources.http import FetchError, FetchResult, HttpClient

FOLDER_SUFFIXES = frozenset({".html", ".htm", ".txt"})
MAX_SITEMAP_DEPTH = 3  # index -> index -> urlset is the deepest real sites go
MAX_SITEMAP_BYTES = 50_000_000  # the sitemap protocol's own limit for an uncompressed file
WORDPRESS_MAX_PAGES = 1000


class DiscoveryError(DrugtradeError, RuntimeError):
    """A source's index could not be read. The message names the source, the URL and the reason."""


@dataclass(frozen=True)
class ArticleRef:
    url: str
    title: str | None = None
    published: datetime | None = None  # UTC
    inline_html: str | None = None  # the article's HTML when the index already carries it
    error: str | None = None  # this entry could not be used; the reason becomes a rejected row


def discover(
    source: ArticleSource, client: HttpClient, *, base_dir: Path, since: date | None = None
) -> Iterator[ArticleRef]:
    """Yield the article references of ``source``: deduplicated by URL, filtered by ``since``
    where the source gives dates, at most ``source.max_articles`` of them (error entries do not
    count towards the limit). Options: ``include`` / ``exclude`` regexes on the URL (all kinds),
    ``inline_content`` (rss/atom: keep the feed's full HTML), ``per_page`` (wordpress),
    ``recursive`` (folder)."""
    handlers: dict[str, Callable[[_Context], Iterator[ArticleRef]]] = {
        "rss": _feed,
        "atom": _feed,
        "wordpress": _wordpress,
        "sitemap": _sitemap,
        "folder": _folder,
    }
    if source.kind not in handlers:
        raise DiscoveryError(f"source {source.id!r}: unknown article kind {source.kind!r}")
    limit = source.max_articles
    if limit is not None and (not isinstance(limit, int) or limit <= 0):
        raise DiscoveryError(f"source {source.id!r}: max_articles must be a positive integer, got {limit!r}")
    include = _option_regex(source, "include")
    exclude = _option_regex(source, "exclude")
    context = _Context(source=source, client=client, base_dir=Path(base_dir), since=since)
    seen: set[str] = set()
    count = 0
    for ref in handlers[source.kind](context):
        if ref.error is not None:
            yield ref
            continue
        if ref.url in seen:
            continue
        if (include and not include.search(ref.url)) or (exclude and exclude.search(ref.url)):
            continue
        seen.add(ref.url)
        yield ref
        count += 1
        if limit is not None and count >= limit:
            return


@dataclass(frozen=True)
class _Context:
    source: ArticleSource
    client: HttpClient
    base_dir: Path
    since: date | None

    def fail(self, url: str, reason: str) -> DiscoveryError:
        return DiscoveryError(f"source {self.source.id!r}: {url}: {reason}")

    def location_url(self) -> str:
        """The source location as a URL; a plain path is a local file relative to the project."""
        location = self.source.location.strip()
        if "://" in location:
            return location
        path = Path(location)
        return (path if path.is_absolute() else self.base_dir / path).resolve().as_uri()

    def get(self, url: str, what: str) -> FetchResult:
        try:
            return self.client.fetch(url, conditional=False)
        except FetchError as exc:
            raise self.fail(url, f"cannot fetch the {what}: {exc.reason}") from exc

    def option(self, name: str, default: Any) -> Any:
        return self.source.options.get(name, default)


def _option_regex(source: ArticleSource, name: str) -> re.Pattern[str] | None:
    pattern = source.options.get(name)
    if pattern in (None, ""):
        return None
    try:
        return re.compile(str(pattern))
    except re.error as exc:
        raise DiscoveryError(f"source {source.id!r}: option {name!r} is not a valid regex: {exc}") from exc


def _is_recent(when: datetime | None, since: date | None) -> bool:
    """Undated entries are kept: dropping them would lose articles the extractor can still date."""
    return since is None or when is None or when.astimezone(UTC).date() >= since


# -- XML ------------------------------------------------------------------------------------------


class _EntityDeclared(Exception):
    pass


def _refuse_entity(name: str, *_args: object) -> None:
    raise _EntityDeclared(name)


def _parse_xml(context: _Context, url: str, content: bytes, what: str) -> ET.Element:
    """Parse untrusted XML. Documents declaring entities are refused (they are how entity-expansion
    attacks work, and no real feed or sitemap needs them); defusedxml is not a dependency."""
    guard = expat.ParserCreate()
    guard.EntityDeclHandler = _refuse_entity
    try:
        guard.Parse(content, True)
        return ET.fromstring(content)
    except _EntityDeclared as exc:
        raise context.fail(url, f"the {what} declares the XML entity {exc.args[0]!r}; refused") from exc
    except (expat.ExpatError, ET.ParseError) as exc:
        raise context.fail(url, f"the {what} is not well-formed XML: {exc}") from exc


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if _local(child.tag) == name]


def _child_text(element: ET.Element, *names: str) -> str | None:
    """Text of the first direct child with one of ``names`` (namespace-agnostic), in order of preference."""
    for name in names:
        for child in _children(element, name):
            text = "".join(child.itertext()).strip()
            if text:
                return text
    return None


def _clean_text(text: str | None) -> str | None:
    if not text:
        return None
    cleaned = " ".join(re.sub(r"<[^>]+>", " ", html.unescape(text)).split())
    return cleaned or None


def parse_date(text: str | None) -> datetime | None:
    """RFC 822 (RSS) or ISO 8601 (Atom, sitemaps, WordPress) to an aware UTC datetime; None if unreadable.
    A date without a zone is taken as UTC."""
    if not text:
        return None
    text = text.strip()
    parsed: datetime | None = None
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


# -- RSS and Atom ---------------------------------------------------------------------------------


def _feed(context: _Context) -> Iterator[ArticleRef]:
    url = context.location_url()
    result = context.get(url, "feed")
    root = _parse_xml(context, url, result.content or b"", "feed")
    base = result.final_url
    inline = bool(context.option("inline_content", False))
    kind = _local(root.tag)
    entries: list[tuple[ET.Element, Callable[[ET.Element, str, bool], ArticleRef | None]]]
    if kind == "rss":
        channel = _children(root, "channel")
        if not channel:
            raise context.fail(url, "the RSS feed has no <channel>")
        entries = [(item, _rss_item) for item in _children(channel[0], "item")]
    elif kind == "RDF":  # RSS 1.0
        entries = [(item, _rss_item) for item in _children(root, "item")]
    elif kind == "feed":
        entries = [(entry, _atom_entry) for entry in _children(root, "entry")]
    else:
        raise context.fail(url, f"not an RSS or Atom feed (root element <{kind}>)")
    for position, (element, reader) in enumerate(entries, start=1):
        ref = reader(element, base, inline)
        if ref is None:
            yield ArticleRef(
                url=f"{url}#item-{position}", error=f"feed entry {position} of {url} has no link"
            )
        elif _is_recent(ref.published, context.since):
            yield ref


def _rss_item(item: ET.Element, base: str, inline: bool) -> ArticleRef | None:
    link = _child_text(item, "link")
    if not link:
        for guid in _children(item, "guid"):
            text = (guid.text or "").strip()
            if guid.get("isPermaLink", "true").lower() != "false" and text.startswith(
                ("http://", "https://")
            ):
                link = text
    if not link:
        return None
    return ArticleRef(
        url=urljoin(base, link),
        title=_clean_text(_child_text(item, "title")),
        published=parse_date(_child_text(item, "pubDate", "date", "published", "updated")),
        inline_html=_child_text(item, "encoded") if inline else None,
    )


def _atom_entry(entry: ET.Element, base: str, inline: bool) -> ArticleRef | None:
    href = None
    for link in _children(entry, "link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            href = link.get("href")
            break
    if not href:
        return None
    content = None
    if inline:
        for element in _children(entry, "content"):
            if element.get("type", "text") in ("html", "xhtml", "text/html"):
                content = (
                    "".join(ET.tostring(child, encoding="unicode") for child in element)
                    if element.get("type") == "xhtml"
                    else (element.text or "")
                ) or None
    return ArticleRef(
        url=urljoin(base, href.strip()),
        title=_clean_text(_child_text(entry, "title")),
        published=parse_date(_child_text(entry, "published", "updated")),
        inline_html=content,
    )


# -- WordPress REST API ---------------------------------------------------------------------------


def _wordpress_endpoint(location: str) -> str:
    if "/wp-json/" in location:
        return location
    return location.rstrip("/") + "/wp-json/wp/v2/posts"


def _wordpress_page(context: _Context, url: str, page: int) -> tuple[FetchResult, list[Any]]:
    result = context.get(url, f"WordPress posts page {page}")
    try:
        posts = json.loads(result.content or b"")
    except ValueError as exc:
        raise context.fail(url, f"WordPress posts page {page} is not valid JSON: {exc}") from exc
    if not isinstance(posts, list):
        raise context.fail(
            url, f"WordPress posts page {page}: expected a JSON list, got {type(posts).__name__}"
        )
    return result, posts


def _wordpress(context: _Context) -> Iterator[ArticleRef]:
    endpoint = _wordpress_endpoint(context.source.location.strip())
    limit = context.source.max_articles
    raw_per_page = context.option("per_page", min(limit or 20, 100))
    try:
        per_page = int(raw_per_page)
    except (TypeError, ValueError):
        per_page = 0
    if not 1 <= per_page <= 100:
        raise context.fail(
            endpoint, f"per_page must be between 1 and 100 (WordPress's limit), got {raw_per_page!r}"
        )
    query: dict[str, str | int] = {"per_page": per_page, "orderby": "date", "order": "desc"}
    if context.since is not None:
        query["after"] = f"{context.since.isoformat()}T00:00:00"
    separator = "&" if "?" in endpoint else "?"
    total_pages: int | None = None
    for page in range(1, WORDPRESS_MAX_PAGES + 1):
        url = f"{endpoint}{separator}{urlencode({**query, 'page': page})}"
        try:
            result, posts = _wordpress_page(context, url, page)
        except DiscoveryError as exc:
            if page == 1:
                raise
            cause = exc.__cause__
            if isinstance(cause, FetchError) and cause.status == 400:
                return  # WordPress answers 400 for a page past the last one
            yield ArticleRef(url=url, error=str(exc))
            if total_pages is None or page >= total_pages:
                return
            continue
        for position, post in enumerate(posts, start=1):
            ref = _wordpress_post(url, position, post)
            if ref.error is not None or _is_recent(ref.published, context.since):
                yield ref
        header = result.headers.get("x-wp-totalpages", "")
        total_pages = int(header) if header.isdigit() else None
        if (total_pages is not None and page >= total_pages) or (
            total_pages is None and len(posts) < per_page
        ):
            return


def _wordpress_post(page_url: str, position: int, post: Any) -> ArticleRef:
    link = post.get("link") if isinstance(post, dict) else None
    if not isinstance(link, str) or not link.startswith(("http://", "https://")):
        return ArticleRef(
            url=f"{page_url}#post-{position}", error=f"post {position} of {page_url} has no link"
        )

    def rendered(name: str) -> str | None:
        value = post.get(name)
        text = value.get("rendered") if isinstance(value, dict) else value
        return text if isinstance(text, str) and text.strip() else None

    # date_gmt carries no zone suffix but is UTC; date is the site's local time, a fallback only.
    # An empty content.rendered (a password-protected post) leaves inline_html None: the page is fetched.
    return ArticleRef(
        url=link,
        title=_clean_text(rendered("title")),
        published=parse_date(post.get("date_gmt") or post.get("date")),
        inline_html=rendered("content"),
    )


# -- XML sitemaps ---------------------------------------------------------------------------------


def _sitemap(context: _Context) -> Iterator[ArticleRef]:
    yield from _walk_sitemap(context, context.location_url(), depth=0, visited=set())


def _unzip_if_gzipped(context: _Context, url: str, content: bytes) -> bytes:
    if not content.startswith(b"\x1f\x8b"):
        return content
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(content)) as stream:
            data = stream.read(MAX_SITEMAP_BYTES + 1)
    except (OSError, EOFError) as exc:
        raise context.fail(url, f"the gzipped sitemap cannot be decompressed: {exc}") from exc
    if len(data) > MAX_SITEMAP_BYTES:
        raise context.fail(url, f"the sitemap exceeds {MAX_SITEMAP_BYTES} bytes once decompressed")
    return data


_Entry = tuple[str, datetime | None, ET.Element]
_OLDEST = datetime.min.replace(tzinfo=UTC)


def _newest_first(entries: list[_Entry]) -> list[_Entry]:
    """Newest first, undated last in document order, so max_articles keeps the most recent articles."""
    return sorted(entries, key=lambda entry: (entry[1] is not None, entry[1] or _OLDEST), reverse=True)


def _walk_sitemap(context: _Context, url: str, *, depth: int, visited: set[str]) -> Iterator[ArticleRef]:
    visited.add(url)
    what = "sitemap" if depth == 0 else "child sitemap"
    try:
        result = context.get(url, what)
        root = _parse_xml(context, url, _unzip_if_gzipped(context, url, result.content or b""), what)
    except DiscoveryError as exc:
        if depth == 0:
            raise
        yield ArticleRef(url=url, error=str(exc))
        return
    kind = _local(root.tag)
    base = result.final_url
    if kind == "sitemapindex":
        children: list[_Entry] = []
        for element in _children(root, "sitemap"):
            loc = _child_text(element, "loc")
            if loc:
                children.append((urljoin(base, loc), parse_date(_child_text(element, "lastmod")), element))
        for child_url, lastmod, _element in _newest_first(children):
            # A child sitemap untouched since `since` cannot list anything changed since then.
            if child_url in visited or not _is_recent(lastmod, context.since):
                continue
            if depth + 1 > MAX_SITEMAP_DEPTH:
                yield ArticleRef(
                    url=child_url, error=f"sitemap nesting deeper than {MAX_SITEMAP_DEPTH} at {url}"
                )
                continue
            yield from _walk_sitemap(context, child_url, depth=depth + 1, visited=visited)
    elif kind == "urlset":
        entries: list[_Entry] = []
        for element in _children(root, "url"):
            loc = _child_text(element, "loc")
            if loc:
                entries.append((urljoin(base, loc), parse_date(_child_text(element, "lastmod")), element))
        for page_url, lastmod, element in _newest_first(entries):
            if not _is_recent(lastmod, context.since):
                continue
            news = _children(element, "news")  # Google News sitemap extension
            yield ArticleRef(
                url=page_url,
                title=_clean_text(_child_text(news[0], "title")) if news else None,
                published=parse_date(_child_text(news[0], "publication_date")) if news else None,
            )
    else:
        error = context.fail(
            url, f"not a sitemap (root element <{kind}>, expected <urlset> or <sitemapindex>)"
        )
        if depth == 0:
            raise error
        yield ArticleRef(url=url, error=str(error))


# -- local folders --------------------------------------------------------------------------------


def _folder(context: _Context) -> Iterator[ArticleRef]:
    location = context.source.location.strip()
    if location.startswith("file://"):
        folder = Path(url2pathname(urlsplit(location).path))
    elif "://" in location:
        raise context.fail(location, "a folder source needs a local path or a file:// URL")
    else:
        folder = Path(location)
        folder = folder if folder.is_absolute() else context.base_dir / folder
    folder = folder.resolve()
    if not folder.is_dir():
        raise context.fail(str(folder), "the folder does not exist")
    candidates = folder.rglob("*") if context.option("recursive", False) else folder.iterdir()
    files = sorted(
        (
            path
            for path in candidates
            if path.is_file()
            and path.suffix.lower() in FOLDER_SUFFIXES
            # a symbolic link out of the folder (to /etc/passwd.html, say) is not the folder's
            and path.resolve().is_relative_to(folder)
            and not any(part.startswith(".") for part in path.relative_to(folder).parts)
        ),
        key=lambda path: path.relative_to(folder).as_posix(),
    )
    for path in files:
        yield ArticleRef(url=path.as_uri())
