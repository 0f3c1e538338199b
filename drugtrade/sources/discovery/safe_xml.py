"""Untrusted XML (feeds, sitemaps) parsed with entity declarations refused, and namespace-agnostic
look-ups of child elements."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any
from xml.parsers import expat

from drugtrade.sources.discovery.context import DiscoveryContext


class _EntityDeclared(Exception):
    pass


def _refuse_entity(name: str, *_args: object) -> None:
    raise _EntityDeclared(name)


def parse_xml(context: DiscoveryContext, url: str, content: bytes, what: str) -> ET.Element:
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


def local_name(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if local_name(child.tag) == name]


def child_text(element: ET.Element, *names: str) -> str | None:
    """Text of the first direct child with one of ``names`` (namespace-agnostic), in order of preference."""
    for name in names:
        for child in children(element, name):
            text = "".join(child.itertext()).strip()
            if text:
                return text
    return None
