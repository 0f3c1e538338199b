"""The servers ``make stack`` needs, from Debian packages when missing: PostgreSQL, and Redis for
the Celery executor (the same servers the compose file runs from images)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from drugtrade.stack_processes import StackError


def pg_bin() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian layout), or None."""
    for root in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (root / "initdb").exists():
            return root
    return None


def ensure_packages(executor: str) -> None:
    """PostgreSQL (and Redis for Celery) from Debian packages when missing: the same servers the
    compose file runs from images."""
    missing = []
    if pg_bin() is None:
        missing.append("postgresql")
    if executor == "celery" and shutil.which("redis-server") is None:
        missing.append("redis-server")
    if not missing:
        return
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise StackError(
            f"{' and '.join(missing)} not installed, and this is not root on Debian: "
            f"install them (apt-get install -y {' '.join(missing)})"
        )
    print(f"stack: installing {' '.join(missing)} from Debian packages", flush=True)
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=environment)
    subprocess.run(["apt-get", "install", "-y", "-qq", *missing], check=True, env=environment)
