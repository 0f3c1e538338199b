"""RSS 2.0, RSS 1.0 (RDF) and Atom feeds: one ArticleRef per item or entry."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from urllib.parse import urljoin

from drugtrade.sources.discovery.context import DiscoveryContext, is_recent
from drugtrade.sources.discovery.entry_text import clean_text, parse_date
from drugtrade.sources.discovery.refs import ArticleRef
from drugtrade.sources.discovery.safe_xml import child_text, children, local_name, parse_xml

# Reads one item or entry (element, base URL, keep inline HTML); None when it has no link.
_EntryReader = Callable[[ET.Element, str, bool], ArticleRef | None]


def discover_feed(context: DiscoveryContext) -> Iterator[ArticleRef]:
    url = context.location_url()
    result = context.get(url, "feed")
    root = parse_xml(context, url, result.content or b"", "feed")
    base = result.final_url
    inline = bool(context.option("inline_content", False))
    kind = local_name(root.tag)
    entries: list[tuple[ET.Element, _EntryReader]]
    if kind == "rss":
        channel = children(root, "channel")
        if not channel:
            raise context.fail(url, "the RSS feed has no <channel>")
        entries = [(item, _rss_item) for item in children(channel[0], "item")]
    elif kind == "RDF":  # RSS 1.0
        entries = [(item, _rss_item) for item in children(root, "item")]
    elif kind == "feed":
        entries = [(entry, _atom_entry) for entry in children(root, "entry")]
    else:
        raise context.fail(url, f"not an RSS or Atom feed (root element <{kind}>)")
    for position, (element, reader) in enumerate(entries, start=1):
        ref = reader(element, base, inline)
        if ref is None:
            yield ArticleRef(
                url=f"{url}#item-{position}", error=f"feed entry {position} of {url} has no link"
            )
        elif is_recent(ref.published, context.since):
            yield ref


def _rss_item(item: ET.Element, base: str, inline: bool) -> ArticleRef | None:
    link = child_text(item, "link")
    if not link:
        for guid in children(item, "guid"):
            text = (guid.text or "").strip()
            if guid.get("isPermaLink", "true").lower() != "false" and text.startswith(
                ("http://", "https://")
            ):
                link = text
    if not link:
        return None
    return ArticleRef(
        url=urljoin(base, link),
        title=clean_text(child_text(item, "title")),
        published=parse_date(child_text(item, "pubDate", "date", "published", "updated")),
        inline_html=child_text(item, "encoded") if inline else None,
    )


def _atom_entry(entry: ET.Element, base: str, inline: bool) -> ArticleRef | None:
    href = None
    for link in children(entry, "link"):
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            href = link.get("href")
            break
    if not href:
        return None
    content = None
    if inline:
        for element in children(entry, "content"):
            if element.get("type", "text") in ("html", "xhtml", "text/html"):
                content = (
                    "".join(ET.tostring(child, encoding="unicode") for child in element)
                    if element.get("type") == "xhtml"
                    else (element.text or "")
                ) or None
    return ArticleRef(
        url=urljoin(base, href.strip()),
        title=clean_text(child_text(entry, "title")),
        published=parse_date(child_text(entry, "published", "updated")),
        inline_html=content,
    )
