"""ETag / Last-Modified per URL, kept across runs for conditional GETs."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

STATE_FILE_NAME = "http_validators.sqlite"


def validators_path(state_dir: Path) -> Path:
    """Where the conditional-GET validators live inside ``Settings.state_dir``."""
    return Path(state_dir) / STATE_FILE_NAME


class ValidatorStore:
    """ETag / Last-Modified per URL in SQLite: safe when several workers share the state dir."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._known: dict[str, tuple[str | None, str | None]] | None = None
        self._connection = sqlite3.connect(path, timeout=30.0, check_same_thread=False, isolation_level=None)
        self._connection.execute(
            "CREATE TABLE IF NOT EXISTS validators ("
            " url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, updated_at TEXT NOT NULL)"
        )

    def get(self, url: str) -> tuple[str | None, str | None]:
        """The validators stored for ``url``, from a copy of the table read on first use: a
        day's listing asks for every page of the source. A copy older than another worker's
        write only costs that worker's page a full read (the server, or the file's own
        validator, still decides whether it changed)."""
        with self._lock:
            if self._known is None:
                self._known = {
                    url: (etag, modified)
                    for url, etag, modified in self._connection.execute(
                        "SELECT url, etag, last_modified FROM validators"
                    )
                }
            return self._known.get(url, (None, None))

    def put(self, url: str, etag: str | None, last_modified: str | None) -> None:
        self.put_many([(url, etag, last_modified)])

    def put_many(self, validators: Sequence[tuple[str, str | None, str | None]]) -> None:
        """Store (or, with both validators None, forget) each URL's validators, in one
        transaction."""
        if not validators:
            return
        now = datetime.now(UTC).isoformat()
        with self._lock:
            self._connection.execute("BEGIN")
            try:
                self._connection.executemany(
                    "DELETE FROM validators WHERE url = ?",
                    [(url,) for url, etag, modified in validators if etag is None and modified is None],
                )
                self._connection.executemany(
                    "INSERT INTO validators (url, etag, last_modified, updated_at) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,"
                    " last_modified = excluded.last_modified, updated_at = excluded.updated_at",
                    [
                        (url, etag, modified, now)
                        for url, etag, modified in validators
                        if etag is not None or modified is not None
                    ],
                )
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")
            if self._known is not None:
                for url, etag, modified in validators:
                    if etag is None and modified is None:
                        self._known.pop(url, None)
                    else:
                        self._known[url] = (etag, modified)

    def close(self) -> None:
        with self._lock:
            self._connection.close()
