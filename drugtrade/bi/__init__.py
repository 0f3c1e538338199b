"""`make bi` / `drugtrade bi`: Superset on the serving warehouse, with the project's datasets,
charts and dashboards (docker/superset/assets), started in the background on 127.0.0.1.

Superset runs in its own virtualenv (.venv-superset, pinned by docker/superset/constraints.txt:
its dependencies clash with Airflow's), with its state in .superset/ (SQLite metadata, caches,
SQL Lab results, a generated secret key and admin password, the server's pid and log). Every
`up` re-imports the assets, so the dashboards follow the spec and the serving file's columns.

Kept whole (just over 350 lines) because it is one job, Superset's life cycle (install, initialise,
import, start, stop) over one state folder; the asset spec is bi/assets.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import TypedDict, cast

from drugtrade.config import Settings
from drugtrade.errors import DrugtradeError

DEFAULT_PORT = 8088
ADMIN_USERNAME = "admin"
START_TIMEOUT_S = 180


class BIError(DrugtradeError, RuntimeError):
    """Superset could not be installed, initialised or started; the message says which step."""


@dataclass(frozen=True, kw_only=True)
class SupersetPaths:
    project_root: Path
    home: Path  # Superset's state: metadata, caches, secrets, the server's pid and log

    @property
    def venv(self) -> Path:
        return self.project_root / ".venv-superset"

    @property
    def constraints(self) -> Path:
        return self.project_root / "docker" / "superset" / "constraints.txt"

    @property
    def config(self) -> Path:
        return self.project_root / "docker" / "superset" / "superset_config.py"

    @property
    def spec(self) -> Path:
        return self.project_root / "docker" / "superset" / "assets" / "drugtrade.yml"

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    @property
    def pid_file(self) -> Path:
        return self.home / "server.pid"

    @property
    def state_file(self) -> Path:
        return self.home / "server.json"

    @property
    def log_file(self) -> Path:
        return self.home / "server.log"


def paths_for(settings: Settings) -> SupersetPaths:
    """Superset's state lives in .superset/ unless DRUGTRADE_SUPERSET_HOME moves it (the tests do)."""
    home = os.environ.get("DRUGTRADE_SUPERSET_HOME")
    return SupersetPaths(
        project_root=settings.project_root,
        home=Path(home).resolve() if home else settings.project_root / ".superset",
    )


def _secret(path: Path, nbytes: int) -> str:
    """A value generated once and kept in SUPERSET_HOME, readable by its owner only."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(nbytes))
    return path.read_text().strip()


def admin_password(paths: SupersetPaths) -> str:
    return os.environ.get("SUPERSET_ADMIN_PASSWORD") or _secret(paths.home / "admin-password", 12)


def superset_env(paths: SupersetPaths) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SUPERSET_", "FLASK_"))}
    env.update(
        SUPERSET_HOME=str(paths.home),
        SUPERSET_CONFIG_PATH=str(paths.config),
        SUPERSET_SECRET_KEY=os.environ.get("SUPERSET_SECRET_KEY") or _secret(paths.home / "secret-key", 42),
        SUPERSET_METADATA_URI=f"sqlite:///{paths.home / 'superset.db'}",
        FLASK_APP="superset.app:create_app()",
        # The web server's worker imports pandas and friends: one thread pool, little memory.
        PYTHONUNBUFFERED="1",
    )
    return env


def _run(paths: SupersetPaths, step: str, command: list[str], timeout: float = 900) -> str:
    try:
        done = subprocess.run(
            command,
            env=superset_env(paths),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            cwd=paths.home,
        )
    except subprocess.TimeoutExpired as error:
        raise BIError(f"{step}: no answer after {timeout:.0f} s") from error
    if done.returncode != 0:
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise BIError(f"{step} failed (exit {done.returncode}):\n{tail}")
    return done.stdout


def _constraints_digest(paths: SupersetPaths) -> str:
    return hashlib.sha256(paths.constraints.read_bytes()).hexdigest()


def ensure_installed(paths: SupersetPaths) -> None:
    """Create .venv-superset from the constraints file, unless it was made from this very file."""
    stamp = paths.venv / ".installed"
    digest = _constraints_digest(paths)
    if stamp.exists() and stamp.read_text().strip() == digest and (paths.bin / "superset").exists():
        return
    paths.home.mkdir(parents=True, exist_ok=True)
    print(f"bi: installing Superset into {paths.venv} (pinned by {paths.constraints.name}) ...", flush=True)
    if not (paths.bin / "python").exists():
        base = getattr(sys, "_base_executable", sys.executable)
        _run(paths, "creating .venv-superset", [base, "-m", "venv", str(paths.venv)])
    pip = [str(paths.bin / "python"), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    _run(
        paths,
        "pip install",
        [*pip, "-c", str(paths.constraints), "apache-superset", "duckdb", "duckdb-engine"],
        timeout=1800,
    )
    stamp.write_text(digest + "\n")


def serving_uri(settings: Settings) -> str:
    from drugtrade.warehouse.query import serving_sqlalchemy_uri

    return serving_sqlalchemy_uri(settings.serving_db)


def initialise(settings: Settings, paths: SupersetPaths) -> None:
    """Metadata schema, roles, the admin user; then the assets, re-imported from the spec."""
    superset = str(paths.bin / "superset")
    paths.home.mkdir(parents=True, exist_ok=True)
    _run(paths, "superset db upgrade", [superset, "db", "upgrade"])
    _run(paths, "superset init", [superset, "init"])
    users = _run(paths, "superset fab list-users", [superset, "fab", "list-users"])
    if f"username:{ADMIN_USERNAME} " not in users and f"username:{ADMIN_USERNAME}|" not in users:
        _run(
            paths,
            "superset fab create-admin",
            [
                superset,
                "fab",
                "create-admin",
                "--username",
                ADMIN_USERNAME,
                "--firstname",
                "drugtrade",
                "--lastname",
                "analyst",
                "--email",
                f"{ADMIN_USERNAME}@localhost",
                "--password",
                admin_password(paths),
            ],
        )
    import_assets(settings, paths)


def import_assets(settings: Settings, paths: SupersetPaths) -> None:
    from drugtrade.bi.assets import AssetError, build_bundle

    if not settings.serving_db.exists():
        raise BIError(f"no serving warehouse at {settings.serving_db}: run `make run` first")
    try:
        bundle = build_bundle(paths.spec, settings.serving_db, serving_uri(settings))
    except AssetError as error:
        raise BIError(f"{paths.spec}: {error}") from error
    target = paths.home / "drugtrade-assets.zip"
    target.write_bytes(bundle)
    _run(
        paths,
        "importing the assets",
        [
            str(paths.bin / "python"),
            str(Path(__file__).with_name("superset_import.py")),
            str(target),
            ADMIN_USERNAME,
            str(paths.home / "drugtrade-assets.json"),
        ],
    )


class ServerState(TypedDict):
    """What `up` writes to the state file: the server's process group and where it answers."""

    pid: int
    port: int
    url: str


def _health(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=3) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def running_server(paths: SupersetPaths) -> ServerState | None:
    """The state of the server `up` started ({"pid", "port", "url"}) if its process still runs."""
    if not paths.state_file.exists():
        return None
    state = cast(ServerState, json.loads(paths.state_file.read_text()))
    try:
        os.kill(state["pid"], 0)
    except (ProcessLookupError, PermissionError):
        return None
    return state


def start(paths: SupersetPaths, port: int) -> ServerState:
    """Gunicorn with one worker and a few threads (Superset's production server, sized for one
    analyst on a shared machine), in its own session so `down` stops it and its worker together."""
    log = paths.log_file.open("ab")
    process = subprocess.Popen(
        [
            str(paths.bin / "gunicorn"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--worker-class",
            "gthread",
            "--threads",
            "8",
            "--timeout",
            "120",
            "--limit-request-line",
            "0",
            "--limit-request-field_size",
            "0",
            "superset.app:create_app()",
        ],
        env=superset_env(paths),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        cwd=paths.home,
    )
    state: ServerState = {"pid": process.pid, "port": port, "url": f"http://127.0.0.1:{port}"}
    paths.state_file.write_text(json.dumps(state))
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise BIError(f"Superset exited with status {process.returncode}; see {paths.log_file}")
        if _health(port):
            return state
        time.sleep(1)
    stop_process(state["pid"])
    raise BIError(f"Superset did not answer on port {port} within {START_TIMEOUT_S} s; see {paths.log_file}")


def stop_process(pid: int, timeout: float = 30) -> None:
    try:
        os.killpg(pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        try:
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        except ChildProcessError:
            pass
        time.sleep(0.3)
    os.killpg(pid, signal.SIGKILL)


def up(settings: Settings, port: int | None = None) -> int:
    paths = paths_for(settings)
    if not settings.serving_db.exists():
        raise BIError(f"no serving warehouse at {settings.serving_db}: run `make run` first")
    ensure_installed(paths)
    initialise(settings, paths)
    state = running_server(paths)
    if state is None:
        state = start(paths, port or DEFAULT_PORT)
    print(
        f"Superset: {state['url']}/dashboard/list/ (user {ADMIN_USERNAME}, password in "
        f"{paths.home / 'admin-password'}); dashboards: "
        + ", ".join(f"{state['url']}/superset/dashboard/{slug}/" for slug in _slugs(paths))
        + "; stop with `make bi-down`"
    )
    return 0


def _slugs(paths: SupersetPaths) -> list[str]:
    from drugtrade.bi.assets import dashboard_slugs

    return dashboard_slugs(paths.spec)


def stop(settings: Settings) -> int:
    paths = paths_for(settings)
    state = running_server(paths)
    if state is None:
        print("Superset is not running")
    else:
        stop_process(state["pid"])
        print(f"Superset stopped (pid {state['pid']})")
    paths.state_file.unlink(missing_ok=True)
    return 0


def print_status(settings: Settings) -> int:
    state = running_server(paths_for(settings))
    if state is None:
        print("Superset is not running (start it with `make bi`)")
        return 1
    healthy = _health(state["port"])
    print(
        f"Superset {'answers' if healthy else 'runs but does not answer'} at {state['url']} (pid {state['pid']})"
    )
    return 0 if healthy else 1
