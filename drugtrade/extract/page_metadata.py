"""The one metadata pass over an article page: canonical URL, language, publication date, author
and headline, from JSON-LD first, then <meta> tags, then the page's own elements and its URL."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml.html import HtmlElement

from drugtrade.extract.language import primary_subtag

_TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|cmpid)$", re.IGNORECASE)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_URL_DATE = re.compile(r"/((?:19|20)\d{2})[/-](\d{1,2})[/-](\d{1,2})(?:/|$|[-_])")
_TITLE_SITE_SUFFIX = re.compile(r"\s+[|–—»·]\s+|\s+-\s+(?=[^-]+$)")


def _date_found(pattern: re.Pattern[str], text: str) -> date | None:
    """The first (year, month, day) ``pattern`` finds in ``text`` as a date; None if none or not a real day."""
    match = pattern.search(text)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _parse_date(value: str | None) -> date | None:
    return _date_found(_ISO_DATE, value) if value else None


def clean_url(url: str | None, base: str) -> str | None:
    if not url or not url.strip():
        return None
    absolute = urljoin(base, url.strip())
    parts = urlsplit(absolute)
    if parts.scheme not in {"http", "https"}:
        return None
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING_PARAMS.match(k)]
    )
    return urlunsplit((parts.scheme, parts.netloc.lower(), parts.path or "/", query, ""))


@dataclass(frozen=True, kw_only=True)
class PageMetadata:
    canonical: str | None
    language: str | None
    published: date | None
    author: str | None
    title: str | None


def _json_ld_articles(tree: HtmlElement) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        try:
            data = json.loads(script.text_content() or "null")
        except (ValueError, RecursionError):
            continue  # a broken (or absurdly nested) JSON-LD block carries nothing we need
        stack = [data]
        while stack:  # iterative: JSON-LD can nest deeply
            item = stack.pop()
            if isinstance(item, dict):
                if isinstance(item.get("@graph"), list):
                    stack.extend(item["@graph"])
                kind = item.get("@type")
                kinds = kind if isinstance(kind, list) else [kind]
                if any(isinstance(k, str) and k.endswith(("Article", "Posting")) for k in kinds):
                    found.append(item)
            elif isinstance(item, list):
                stack.extend(reversed(item))
    return found


def _ld_author(value: object) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return _ld_author(value.get("name"))
    if isinstance(value, list):
        names = [n for n in (_ld_author(v) for v in value if not isinstance(v, list)) if n]
        return "; ".join(names) or None
    return None


def _ld_text(item: dict[str, Any], key: str) -> str | None:
    value = item.get(key)
    return value.strip() or None if isinstance(value, str) else None


def _meta_tags(tree: HtmlElement) -> dict[str, str]:
    """First non-empty content of each <meta> name, property, http-equiv or itemprop, lower-cased keys."""
    tags: dict[str, str] = {}
    for element in tree.iter("meta"):
        content = (element.get("content") or "").strip()
        if not content:
            continue
        for attribute in ("property", "name", "http-equiv", "itemprop"):
            key = (element.get(attribute) or "").strip().lower()
            if key:
                tags.setdefault(key, content)
    return tags


def _first(tags: dict[str, str], *names: str) -> str | None:
    return next((tags[name] for name in names if name in tags), None)


def _page_title(tree: HtmlElement) -> str | None:
    """<h1> of the page, else its <title> without the site name after a separator."""
    for heading in tree.iter("h1"):
        text = " ".join(heading.text_content().split())
        if 3 <= len(text) <= 300:
            return text
    for element in tree.iter("title"):
        text = " ".join(element.text_content().split())
        main = _TITLE_SITE_SUFFIX.split(text)[0].strip()
        return main or text or None
    return None


def _time_element_date(tree: HtmlElement) -> date | None:
    for element in tree.iter("time"):
        found = _parse_date(element.get("datetime"))
        if found:
            return found
    return None


def url_date(url: str) -> date | None:
    return _date_found(_URL_DATE, url)


def _clean_text(value: str | None) -> str | None:
    """Whitespace collapsed and entities decoded: JSON-LD and og: values are often escaped twice."""
    if not value:
        return None
    text = " ".join((html.unescape(value) if "&" in value else value).split())
    return text or None


_TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " · ", " :: ", " » ")


def _without_site_name(title: str | None, tags: dict[str, str]) -> str | None:
    """The headline without the site name that templates append or prepend ("Story | Site")."""
    site = _clean_text(tags.get("og:site_name") or tags.get("application-name"))
    if not title or not site:
        return title
    for separator in _TITLE_SEPARATORS:
        if title.endswith(separator + site) and len(title) > len(separator + site):
            return title[: -len(separator + site)].strip()
        if title.startswith(site + separator) and len(title) > len(site + separator):
            return title[len(site + separator) :].strip()
    return title


def page_metadata(tree: HtmlElement, url: str) -> PageMetadata:
    """The one metadata pass: JSON-LD, then <meta> tags, then the page's own elements."""
    tags = _meta_tags(tree)
    ld = _json_ld_articles(tree)
    ld_first = ld[0] if ld else {}
    links = [
        link.get("href")
        for link in tree.iter("link")
        if "canonical" in (link.get("rel") or "").lower().split()
    ]
    main_entity = ld_first.get("mainEntityOfPage")
    if isinstance(main_entity, dict):
        main_entity = main_entity.get("@id")
    candidates = [*(links[:1]), tags.get("og:url"), main_entity, ld_first.get("url")]
    canonical = next((c for c in (clean_url(u, url) for u in candidates if isinstance(u, str)) if c), None)
    ld_language = primary_subtag(_ld_text(ld_first, "inLanguage"))
    language = ld_language or primary_subtag(
        tree.get("lang") or _first(tags, "content-language", "og:locale", "language")
    )
    published = (
        _parse_date(_ld_text(ld_first, "datePublished"))
        or _parse_date(
            _first(
                tags,
                "article:published_time",
                "datepublished",
                "publishdate",
                "pubdate",
                "og:published_time",
                "date",
                "dc.date",
                "dc.date.issued",
                "sailthru.date",
                "parsely-pub-date",
            )
        )
        or _time_element_date(tree)
        or url_date(url)
    )
    author = _ld_author(ld_first.get("author")) or _first(tags, "author", "article:author", "dc.creator")
    if author and author.startswith(("http://", "https://")):
        author = None  # article:author is often a profile URL, not a name
    title = _ld_text(ld_first, "headline") or _first(tags, "og:title", "twitter:title") or _page_title(tree)
    return PageMetadata(
        canonical=canonical,
        language=language,
        published=published,
        author=_clean_text(author),
        title=_without_site_name(_clean_text(title), tags),
    )
