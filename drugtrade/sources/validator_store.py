"""ETag / Last-Modified per URL, kept across runs for conditional GETs."""

from __future__ import annotations

import sqlite3
import threading
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
        self._connection = sqlite3.connect(path, timeout=30.0, check_same_thread=False, isolation_level=None)
        self._connection.execute(
            "CREATE TABLE IF NOT EXISTS validators ("
            " url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, updated_at TEXT NOT NULL)"
        )

    def get(self, url: str) -> tuple[str | None, str | None]:
        with self._lock:
            row = self._connection.execute(
                "SELECT etag, last_modified FROM validators WHERE url = ?", (url,)
            ).fetchone()
        return (row[0], row[1]) if row else (None, None)

    def put(self, url: str, etag: str | None, last_modified: str | None) -> None:
        with self._lock:
            if etag is None and last_modified is None:
                self._connection.execute("DELETE FROM validators WHERE url = ?", (url,))
            else:
                self._connection.execute(
                    "INSERT INTO validators (url, etag, last_modified, updated_at) VALUES (?, ?, ?, ?)"
                    " ON CONFLICT(url) DO UPDATE SET etag = excluded.etag,"
                    " last_modified = excluded.last_modified, updated_at = excluded.updated_at",
                    (url, etag, last_modified, datetime.now(UTC).isoformat()),
                )

    def close(self) -> None:
        with self._lock:
            self._connection.close()
