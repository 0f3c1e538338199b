"""A local folder of saved pages (.html, .htm, .txt), in path order."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from drugtrade.sources.discovery.context import DiscoveryContext
from drugtrade.sources.discovery.refs import ArticleRef

FOLDER_SUFFIXES = frozenset({".html", ".htm", ".txt"})


def discover_folder(context: DiscoveryContext) -> Iterator[ArticleRef]:
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
            and _inside(path, folder)
            and not any(part.startswith(".") for part in path.relative_to(folder).parts)
        ),
        key=lambda path: path.relative_to(folder).as_posix(),
    )
    for path in files:
        yield ArticleRef(url=path.as_uri())


def _inside(path: Path, folder: Path) -> bool:
    """True when ``path`` really lies in ``folder`` (resolved). A plain file directly in it is
    its own real path; only a link, or a file in a subfolder that may be a link, is resolved
    (a daily listing of ten thousand pages would otherwise walk every path's components)."""
    if path.parent == folder and not path.is_symlink():
        return True
    return path.resolve().is_relative_to(folder)
