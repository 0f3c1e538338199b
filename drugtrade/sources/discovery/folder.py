"""A local folder of saved pages (.html, .htm, .txt), in path order."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from drugtrade.sources.discovery.context import DiscoveryContext
from drugtrade.sources.discovery.refs import ArticleRef
from drugtrade.sources.locations import lies_in

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
    if context.option("recursive", False):
        files = sorted(
            (
                path
                for path in folder.rglob("*")
                if path.is_file()
                and path.suffix.lower() in FOLDER_SUFFIXES
                # a symbolic link out of the folder (to /etc/passwd.html, say) is not the folder's
                and lies_in(path, folder)
                and not any(part.startswith(".") for part in path.relative_to(folder).parts)
            ),
            key=lambda path: path.relative_to(folder).as_posix(),
        )
    else:
        files = sorted(_pages_in(folder), key=lambda path: path.name)
    for path in files:
        yield ArticleRef(url=path.as_uri())


def _pages_in(folder: Path) -> Iterator[Path]:
    """The pages directly in ``folder``, from one directory read: the entry types come with the
    listing, so a daily listing of ten thousand pages makes no call per file but for links."""
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.startswith(".") or os.path.splitext(entry.name)[1].lower() not in FOLDER_SUFFIXES:
                continue
            if not entry.is_file():
                continue
            path = Path(entry.path)
            # a symbolic link out of the folder (to /etc/passwd.html, say) is not the folder's
            if entry.is_symlink() and not path.resolve().is_relative_to(folder):
                continue
            yield path
