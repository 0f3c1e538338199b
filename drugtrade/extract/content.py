"""Main content of a fetched article: metadata and clean body text, from HTML or plain text.

HTML goes through trafilatura (favor_precision, the best open extractor measured on this kind
of page, see /work/shared/notes/extraction.md) with extra prune rules, then through the
paragraph filter of boilerplate.py, which plain text goes through too. The body keeps one
paragraph per block separated by a blank line; every offset the other extractors give is an
index into this string.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import lxml.html
import trafilatura
from lxml.etree import ParserError

from drugtrade.extract.boilerplate import clean_paragraphs
from drugtrade.extract.decoding import DecodeFailure, decode
from drugtrade.extract.language import detect_language, primary_subtag

MAX_BYTES = 5_000_000
MIN_BODY_CHARS = 120
MIN_BODY_WORDS = 15

# Asides that trafilatura may keep inside <article>: pull quotes, teasers, sharing and pagers.
_PRUNE_XPATH = [
    "//*[contains(@class,'pullquote') or contains(@class,'pull-quote') or contains(@class,'pull_quote')]",
    "//*[contains(@class,'related') or contains(@class,'teaser') or contains(@class,'recommended')]",
    "//*[contains(@class,'more-stories') or contains(@class,'read-more') or contains(@class,'readmore')]",
    "//*[contains(@class,'share') or contains(@class,'social')]",
    "//*[contains(@class,'pagination') or contains(@class,'pager') or contains(@class,'nav-links')]",
    "//*[contains(@class,'breadcrumb') or contains(@class,'crumbs') or contains(@class,'byline')]",
    "//aside",
    "//nav",
    "//figcaption",
]
_TRACKING_PARAMS = re.compile(r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ref|cmpid)$", re.IGNORECASE)
_HTML_SNIFF = re.compile(r"<\s*(!doctype\s+html|html|head|body|p|div|article|meta|title)\b", re.IGNORECASE)
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


class ExtractionError(ValueError):
    """The page could not be turned into an article. ``kind`` is one of: empty page, no article,
    binary, truncated, too large, undecodable; the message names the URL and the reason."""

    def __init__(self, url: str, kind: str, detail: str = "") -> None:
        self.url = url
        self.kind = kind
        self.detail = detail
        super().__init__(f"{url}: {kind}" + (f": {detail}" if detail else ""))


@dataclass(frozen=True)
class ExtractedArticle:
    title: str | None
    author: str | None
    published_date: date | None
    canonical_url: str | None
    language: str | None
    body: str


def _as_text(content: bytes | str, url: str, content_type: str | None, max_bytes: int) -> str:
    size = len(content) if isinstance(content, bytes) else len(content.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise ExtractionError(url, "too large", f"{size} bytes, the limit is {max_bytes}")
    if isinstance(content, bytes):
        if not content.strip():
            raise ExtractionError(url, "empty page", f"{len(content)} bytes of whitespace")
        try:
            text = decode(content, content_type)
        except DecodeFailure as failure:
            raise ExtractionError(url, failure.kind, failure.detail) from None
    else:
        text = content
        if "\x00" in text[:8192]:
            raise ExtractionError(url, "binary", "contains NUL characters")
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise ExtractionError(url, "empty page", "no characters but whitespace")
    return text


def _is_html(text: str, content_type: str | None) -> bool:
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime == "text/plain":
        return False
    if mime in {"text/html", "application/xhtml+xml"}:
        return True
    return len(_HTML_SNIFF.findall(text[:4096])) >= 2


def _parse_date(value: str | None) -> date | None:
    if not value:
        return None
    match = _ISO_DATE.search(value)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _clean_url(url: str | None, base: str) -> str | None:
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


@dataclass(frozen=True)
class _HeadMetadata:
    canonical: str | None
    language: str | None
    published: date | None
    author: str | None
    title: str | None


def _json_ld_articles(tree: lxml.html.HtmlElement) -> list[dict]:
    found: list[dict] = []
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text_content() or "null")
        except ValueError:
            continue  # a broken JSON-LD block is common and carries nothing we need
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                if "@graph" in item and isinstance(item["@graph"], list):
                    stack.extend(item["@graph"])
                kind = item.get("@type")
                kinds = kind if isinstance(kind, list) else [kind]
                if any(isinstance(k, str) and k.endswith(("Article", "Posting")) for k in kinds):
                    found.append(item)
            elif isinstance(item, list):
                stack.extend(item)
    return found


def _ld_author(value: object) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        return _ld_author(value.get("name"))
    if isinstance(value, list):
        names = [n for n in (_ld_author(v) for v in value) if n]
        return "; ".join(names) or None
    return None


def _head_metadata(tree: lxml.html.HtmlElement, url: str) -> _HeadMetadata:
    def meta(*names: str) -> str | None:
        for name in names:
            for attr in ("property", "name", "http-equiv", "itemprop"):
                values = tree.xpath(
                    f"//meta[translate(@{attr},'ABCDEFGHIJKLMNOPQRSTUVWXYZ','abcdefghijklmnopqrstuvwxyz')='{name}']/@content"
                )
                if values and values[0].strip():
                    return values[0].strip()
        return None

    ld = _json_ld_articles(tree)
    ld_first = ld[0] if ld else {}
    links = tree.xpath("//link[translate(@rel,'CANONICAL','canonical')='canonical']/@href")
    main_entity = ld_first.get("mainEntityOfPage")
    if isinstance(main_entity, dict):
        main_entity = main_entity.get("@id")
    canonical = next(
        (
            c
            for c in (
                _clean_url(u, url) for u in [*(links[:1]), meta("og:url"), main_entity, ld_first.get("url")]
            )
            if c
        ),
        None,
    )
    html_lang = tree.xpath("/html/@lang") or tree.xpath("//html/@lang")
    language = primary_subtag(
        (html_lang[0] if html_lang else None)
        or meta("content-language", "og:locale")
        or (ld_first.get("inLanguage") if isinstance(ld_first.get("inLanguage"), str) else None)
    )
    ld_language = (
        primary_subtag(ld_first.get("inLanguage")) if isinstance(ld_first.get("inLanguage"), str) else None
    )
    published = _parse_date(
        (ld_first.get("datePublished") if isinstance(ld_first.get("datePublished"), str) else None)
        or meta("article:published_time", "datepublished", "publishdate", "pubdate", "date", "dc.date")
    )
    author = _ld_author(ld_first.get("author")) or meta("author", "article:author")
    if author and author.startswith(("http://", "https://")):
        author = None  # article:author is often a profile URL, not a name
    title = (ld_first.get("headline") if isinstance(ld_first.get("headline"), str) else None) or meta(
        "og:title"
    )
    return _HeadMetadata(canonical, ld_language or language, published, author, title)


def _choose_language(declared: str | None, body: str) -> str | None:
    detected, share = detect_language(body)
    # A declared language wins unless the text clearly says otherwise (templates often hard-code lang="en").
    if detected and (declared is None or (detected != declared and share >= 0.6)):
        return detected
    return declared


def _body_or_fail(paragraphs: list[str], url: str) -> str:
    body = "\n\n".join(paragraphs)
    if len(body) < MIN_BODY_CHARS or len(body.split()) < MIN_BODY_WORDS:
        raise ExtractionError(url, "no article", f"only {len(body)} characters of body text after cleaning")
    return body


def _extract_html(text: str, url: str) -> ExtractedArticle:
    lowered_tail = text[-4096:].lower()
    if re.search(r"<\s*(html|body)\b", text[:8192], re.IGNORECASE) and not (
        "</html" in lowered_tail or "</body" in lowered_tail
    ):
        raise ExtractionError(url, "truncated", "the HTML has no closing </body> or </html> tag")
    try:
        tree = lxml.html.document_fromstring(text)
    except (ParserError, ValueError) as error:
        raise ExtractionError(url, "no article", f"the HTML does not parse ({error})") from None
    head = _head_metadata(tree, url)
    document = trafilatura.bare_extraction(
        tree,
        url=url,
        favor_precision=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        with_metadata=True,
        prune_xpath=_PRUNE_XPATH,
    )
    if document is None or not (document.text or "").strip():
        raise ExtractionError(url, "no article", "trafilatura found no main content")
    title = head.title or document.title
    paragraphs = clean_paragraphs(document.text.split("\n"), title=title)
    body = _body_or_fail(paragraphs, url)
    published = head.published or _parse_date(document.date)
    return ExtractedArticle(
        title=title,
        author=head.author or document.author,
        published_date=published,
        canonical_url=head.canonical or _clean_url(document.url, url),
        language=_choose_language(head.language, body),
        body=body,
    )


def _extract_plain(text: str, url: str) -> ExtractedArticle:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    blocks = [re.sub(r"\s*\n\s*", " ", b).strip() for b in re.split(r"\n[ \t\u00a0]*\n", text)]
    blocks = [b for b in blocks if b]
    title = None
    if (
        len(blocks) > 1
        and len(blocks[0].split()) <= 20
        and not blocks[0].endswith((".", "!", "?", '"', "”", ":"))
    ):
        title = blocks[0]
    paragraphs = clean_paragraphs(blocks, title=title)
    body = _body_or_fail(paragraphs, url)
    return ExtractedArticle(
        title=title,
        author=None,
        published_date=None,
        canonical_url=None,
        language=_choose_language(None, body),
        body=body,
    )


def extract_article(
    content: bytes | str, *, url: str, content_type: str | None = None, max_bytes: int = MAX_BYTES
) -> ExtractedArticle:
    """Metadata and clean body of one page. HTML or plain text is detected from the content type
    or the content; bytes are decoded with the declared or sniffed charset.

    Raises ExtractionError (a ValueError) naming the URL and why the page yields no article.
    """
    text = _as_text(content, url, content_type, max_bytes)
    if _is_html(text, content_type):
        return _extract_html(text, url)
    return _extract_plain(text, url)
