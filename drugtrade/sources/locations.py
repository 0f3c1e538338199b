"""Where a source may lead the fetcher: the locations an index (feed, sitemap, WordPress API,
folder) hands out are text from outside, so each one is checked before it is fetched.

* An index on the network may only point at http(s) pages on its own host (the host, a
  subdomain of it, or the host minus ``www.``), or on the hosts its registry entry lists under
  ``options.allowed_hosts``: never ``file:///etc/passwd``, never another scheme.
* A local index (a folder, or a feed read from a file) may only point at files inside its own
  folder, after resolving ``..`` and symbolic links.
* A relative location in the registry must stay inside the project (no ``../`` out of it).

A refused location is not an error of the run: the page is rejected with the reason, and counted.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from drugtrade.errors import DrugtradeError
from drugtrade.registry import ArticleSource

NETWORK_SCHEMES = frozenset({"http", "https"})


class LocationRefused(DrugtradeError, ValueError):
    """A location outside what the source's registry entry allows; the message says why."""


def source_root(source: ArticleSource, base_dir: Path) -> tuple[str, str | Path]:
    """("network", host) or ("local", folder) of the source's own location."""
    location = source.location.strip()
    parts = urlsplit(location)
    scheme = parts.scheme.lower()
    if scheme in NETWORK_SCHEMES:
        return "network", (parts.hostname or "").lower()
    if scheme and scheme != "file":
        raise LocationRefused(f"source {source.id!r}: scheme {scheme!r} of {location!r} is not allowed")
    path = Path(url2pathname(parts.path)) if scheme == "file" else Path(location)
    if not path.is_absolute():
        if ".." in path.parts:
            raise LocationRefused(f"source {source.id!r}: relative location {location!r} leaves the project")
        path = base_dir / path
    path = path.resolve()
    return "local", path if path.is_dir() else path.parent


def _host_allowed(host: str, own: str, extra: frozenset[str]) -> bool:
    if host in extra:
        return True
    bare = own.removeprefix("www.")
    return host in (own, bare) or host.endswith("." + bare)


def check_article_url(
    source: ArticleSource, url: str, base_dir: Path, source_location: tuple[str, str | Path] | None = None
) -> None:
    """Raise LocationRefused when ``url`` (found by the source's index) is outside the source.
    ``source_location`` is ``source_root(source, base_dir)`` when the caller checks many URLs of
    one source (a folder of ten thousand pages would resolve the folder's path once per page)."""
    kind, root = source_location or source_root(source, base_dir)
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if kind == "network":
        if scheme not in NETWORK_SCHEMES:
            raise LocationRefused(
                f"{url}: scheme {scheme or '(none)'!r} is not allowed for a page of a network source"
            )
        host = (parts.hostname or "").lower()
        extra = frozenset(h.lower() for h in source.options.get("allowed_hosts", ()) or ())
        if not _host_allowed(host, str(root), extra):
            raise LocationRefused(
                f"{url}: host {host!r} is neither the source's host {root!r} nor in its allowed_hosts"
            )
        return
    if scheme in NETWORK_SCHEMES:
        return  # a local feed may list network pages; the fetcher checks their scheme on every hop
    if scheme != "file" or parts.netloc not in ("", "localhost"):
        raise LocationRefused(f"{url}: a local source may only point at local files (file://)")
    path = Path(url2pathname(parts.path))
    if not lies_in(path, Path(root)):
        raise LocationRefused(f"{url}: resolves to {path.resolve()}, outside the source folder {root}")


def lies_in(path: Path, folder: Path) -> bool:
    """True when ``path`` really lies in ``folder`` (a resolved path). A plain file directly in
    it is its own real path; only a link, or a path through a subfolder that may be a link, is
    resolved (a daily listing of ten thousand pages would otherwise walk every path's
    components, twice)."""
    if path.parent == folder and not path.is_symlink():
        return True
    return path.resolve().is_relative_to(folder)
