"""The session's one real pipeline run (the bundled sample sources, `drugtrade run`: the
``bundled_warehouse`` fixture of tests/conftest.py) serves every BI test: its serving file, its
Data Docs and its dbt docs. Superset is started once, by `drugtrade bi up`
itself, on a free port with its state in a temporary folder, and stopped at the end."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pipeline_runs import clean_environment

from . import chromium

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DRUGTRADE = str(Path(sys.executable).with_name("drugtrade"))


@pytest.fixture(scope="session")
def warehouse(request) -> Path:
    """The warehouse folder of the session's bundled run (tests/conftest.py, read only). Locally,
    DRUGTRADE_TEST_BI_WAREHOUSE=warehouse reuses a folder `make run` has filled (read only)."""
    reused = os.environ.get("DRUGTRADE_TEST_BI_WAREHOUSE")
    if reused:
        folder = Path(reused).resolve()
        assert (folder / "serving" / "drugtrade.duckdb").is_file(), f"{folder}: no serving warehouse"
        return folder
    return request.getfixturevalue("bundled_warehouse").warehouse


@pytest.fixture(scope="session")
def serving_db(warehouse: Path) -> Path:
    return warehouse / "serving" / "drugtrade.duckdb"


@pytest.fixture(scope="session")
def browser_binary() -> str:
    binary = chromium.install_if_missing()
    if binary is None:
        pytest.skip(
            "chromium is not installed and cannot be (not root or no apt-get): apt-get install chromium"
        )
    return binary


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Superset:
    url: str
    username: str
    password: str
    home: Path

    def call(
        self, method: str, path: str, body: dict | None = None, token: str | None = None
    ) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        request = urllib.request.Request(
            self.url + path,
            method=method,
            headers=headers,
            data=None if body is None else json.dumps(body).encode(),
        )
        try:
            with urllib.request.urlopen(request, timeout=120) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")[:2000]

    def token(self) -> str:
        status, answer = self.call(
            "POST",
            "/api/v1/security/login",
            {"username": self.username, "password": self.password, "provider": "db", "refresh": False},
        )
        assert status == 200, answer
        return answer["access_token"]


@pytest.fixture(scope="session")
def superset(warehouse: Path, tmp_path_factory) -> Superset:
    home = tmp_path_factory.mktemp("superset-home")
    port = _free_port()
    env = {**clean_environment(), "DRUGTRADE_WAREHOUSE": str(warehouse), "DRUGTRADE_SUPERSET_HOME": str(home)}
    up = subprocess.run(
        [DRUGTRADE, "bi", "up", "--port", str(port)],
        env=env,
        capture_output=True,
        text=True,
        timeout=2400,
        check=False,
        cwd=PROJECT_ROOT,
    )
    try:
        assert up.returncode == 0, f"drugtrade bi up failed:\n{up.stdout[-3000:]}\n{up.stderr[-3000:]}"
        yield Superset(
            url=f"http://127.0.0.1:{port}",
            username="admin",
            password=(home / "admin-password").read_text().strip(),
            home=home,
        )
    finally:
        subprocess.run(
            [DRUGTRADE, "bi", "down"],
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            cwd=PROJECT_ROOT,
        )
