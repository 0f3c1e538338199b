"""The processes of ``make stack``: the ``.stack/`` layout, one pid file and log per service, each
service started in its own session and stopped by process group (task processes included)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from drugtrade.config import PROJECT_ROOT
from drugtrade.errors import DrugtradeError


class StackError(DrugtradeError, RuntimeError):
    """A service did not start: the message names it and its log."""


@dataclass(frozen=True, kw_only=True)
class Paths:
    root: Path

    @property
    def pg(self) -> Path:
        return self.root / "pg"

    @property
    def pg_socket(self) -> Path:
        return self.root / "pg-socket"

    @property
    def redis(self) -> Path:
        return self.root / "redis"

    @property
    def airflow_home(self) -> Path:
        return self.root / "airflow"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def pids(self) -> Path:
        return self.root / "pids"

    def log(self, service: str) -> Path:
        return self.logs / f"{service}.log"

    def pid(self, service: str) -> Path:
        return self.pids / f"{service}.pid"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child of ours is not alive
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    except (OSError, IndexError):
        return True


def service_pid(paths: Paths, service: str) -> int | None:
    path = paths.pid(service)
    if not path.exists():
        return None
    pid = int(path.read_text().strip() or 0)
    return pid if pid and _alive(pid) else None


def start_service(
    paths: Paths, service: str, command: list[str], env: dict[str, str], user: str | None = None
) -> int:
    """Start ``command`` in its own session, output to .stack/logs/<service>.log."""
    running = service_pid(paths, service)
    if running:
        return running
    paths.logs.mkdir(parents=True, exist_ok=True)
    paths.pids.mkdir(parents=True, exist_ok=True)
    if user:
        command = ["runuser", "-u", user, "--", *command]
    with paths.log(service).open("a") as log:
        log.write(f"\n==== {time.strftime('%Y-%m-%dT%H:%M:%S')} $ {' '.join(command)}\n")
        log.flush()
        process = subprocess.Popen(
            command,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            cwd=PROJECT_ROOT,
        )
    paths.pid(service).write_text(f"{process.pid}\n")
    return process.pid


def stop_service(paths: Paths, service: str, timeout: float = 30.0) -> bool:
    """SIGTERM the service's process group, then SIGKILL what is left after ``timeout``."""
    pid = service_pid(paths, service)
    paths.pid(service).unlink(missing_ok=True)
    if pid is None:
        return False
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return True
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            with contextlib.suppress(ChildProcessError):  # reap it if it is our own child
                os.waitpid(pid, os.WNOHANG)
            if not _alive(pid):
                return True
            time.sleep(0.2)
    return True


def wait_until(
    what: str,
    ready: Callable[[], bool],
    timeout: float,
    log: Path,
    pid_of: Callable[[], int | None] | None = None,
) -> None:
    """Poll ``ready`` once a second for up to ``timeout`` s; StackError naming ``log`` when the
    service exits first (``pid_of`` gives None) or is still not ready."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        if pid_of is not None and pid_of() is None:
            raise StackError(f"{what} exited while starting; see {log}")
        time.sleep(1)
    raise StackError(f"{what} not ready after {timeout:.0f} s; see {log}")


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own loopback URL
            status: int = response.status
            return status == 200
    except (urllib.error.URLError, OSError):
        return False
