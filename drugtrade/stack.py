"""`make stack` / `make stack-down`: the production topology as plain processes on this machine,
without Docker. PostgreSQL as the metadata database (installed from Debian packages where
missing), the same init script as the compose file (docker/airflow-init.sh), then the API
server, scheduler, DAG processor and triggerer; with ``--executor celery`` Redis and two Celery
workers too. Settings come from docker/airflow.env, the file the compose file reads.

Everything it starts lives under ``.stack/`` (git-ignored): ``pg/`` (the database cluster),
``redis/``, ``airflow/`` (AIRFLOW_HOME: config, task logs), ``logs/<service>.log`` and
``pids/<service>.pid``. Each service runs in its own session, so stopping one stops its whole
process tree (task processes included).

    python -m drugtrade.stack up [--executor local|celery] [--workers 2]
    python -m drugtrade.stack down
    python -m drugtrade.stack status
    python -m drugtrade.stack env        # the environment, for `env $(...) airflow ...`
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from drugtrade.config import PROJECT_ROOT
from drugtrade.errors import DrugtradeError

STACK_DIR = Path(os.environ.get("DRUGTRADE_STACK_DIR", PROJECT_ROOT / ".stack")).resolve()
SHARED_ENV_FILE = PROJECT_ROOT / "docker" / "airflow.env"
INIT_SCRIPT = PROJECT_ROOT / "docker" / "airflow-init.sh"
EXECUTORS = {"local": "LocalExecutor", "celery": "CeleryExecutor"}

# The ports the compose file publishes or uses inside its network, on loopback only.
API_PORT = 8080
POSTGRES_PORT = 5432
REDIS_PORT = 6379
# Each process that serves task logs needs its own port: the scheduler (LocalExecutor runs
# tasks there) and every Celery worker.
LOG_SERVER_PORT = 8793
ADMIN_USER = os.environ.get("AIRFLOW_ADMIN_USERNAME", "airflow")
ADMIN_PASSWORD = os.environ.get("AIRFLOW_ADMIN_PASSWORD", "airflow")
API_URL = f"http://127.0.0.1:{API_PORT}"


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


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if "=" not in line:
            raise StackError(f"{path}:{number}: not KEY=VALUE: {line!r}")
        key, value = line.split("=", 1)
        values[key.strip()] = value.strip()
    return values


def stack_env(executor: str = "local", paths: Paths | None = None) -> dict[str, str]:
    """The environment of every stack process: this machine's, docker/airflow.env's shared
    settings, then this topology's addresses and paths (the compose file's equivalents)."""
    paths = paths or Paths(root=STACK_DIR)
    database = f"airflow:airflow@127.0.0.1:{POSTGRES_PORT}/airflow"
    env = dict(os.environ)
    env.update(read_env_file(SHARED_ENV_FILE))
    env.update(
        {
            "AIRFLOW_HOME": str(paths.airflow_home),
            "AIRFLOW__CORE__EXECUTOR": EXECUTORS[executor],
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"postgresql+psycopg2://{database}",
            "AIRFLOW__CELERY__RESULT_BACKEND": f"db+postgresql://{database}",
            "AIRFLOW__CELERY__BROKER_URL": f"redis://127.0.0.1:{REDIS_PORT}/0",
            "AIRFLOW__CORE__DAGS_FOLDER": str(PROJECT_ROOT / "dags"),
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{API_URL}/execution/",
            "AIRFLOW__API__BASE_URL": API_URL,
            "AIRFLOW__API__PORT": str(API_PORT),
            "AIRFLOW__API_AUTH__JWT_SECRET": os.environ.get(
                "AIRFLOW__API_AUTH__JWT_SECRET", "drugtrade-local-development-jwt-secret"
            ),
            "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(LOG_SERVER_PORT),
            "_AIRFLOW_WWW_USER_USERNAME": ADMIN_USER,
            "_AIRFLOW_WWW_USER_PASSWORD": ADMIN_PASSWORD,
            "DRUGTRADE_PROJECT_ROOT": str(PROJECT_ROOT),
            "PATH": os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(PROJECT_ROOT), env.get("PYTHONPATH")])),
            "NO_PROXY": "*",
        }
    )
    env.setdefault("DRUGTRADE_WAREHOUSE", str(PROJECT_ROOT / "warehouse"))
    return env


# ---- packages ---------------------------------------------------------------------------------


def _pg_bin() -> Path | None:
    for root in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (root / "initdb").exists():
            return root
    return None


def ensure_packages(executor: str) -> None:
    """PostgreSQL (and Redis for Celery) from Debian packages when missing: the same servers the
    compose file runs from images."""
    missing = []
    if _pg_bin() is None:
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


# ---- processes --------------------------------------------------------------------------------


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


def _wait(what: str, ready, timeout: float, log: Path, pid_of=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        if pid_of is not None and pid_of() is None:
            raise StackError(f"{what} exited while starting; see {log}")
        time.sleep(1)
    raise StackError(f"{what} not ready after {timeout:.0f} s; see {log}")


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own loopback URL
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


# ---- services ---------------------------------------------------------------------------------


def start_postgres(paths: Paths) -> None:
    bin_dir = _pg_bin()
    if bin_dir is None:
        raise StackError("PostgreSQL is not installed")
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if not (paths.pg / "PG_VERSION").exists():
        paths.pg.mkdir(parents=True, exist_ok=True)
        if as_postgres:
            shutil.chown(paths.pg, "postgres", "postgres")
        subprocess.run(
            [
                *as_postgres,
                str(bin_dir / "initdb"),
                "-D",
                str(paths.pg),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    paths.pg_socket.mkdir(parents=True, exist_ok=True)
    if as_postgres:
        shutil.chown(paths.pg_socket, "postgres", "postgres")
    start_service(
        paths,
        "postgres",
        [
            str(bin_dir / "postgres"),
            "-D",
            str(paths.pg),
            "-p",
            str(POSTGRES_PORT),
            "-k",
            str(paths.pg_socket),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "max_connections=200",
            "-c",
            "shared_buffers=64MB",
        ],
        dict(os.environ),
        user="postgres" if as_postgres else None,
    )
    psql = [
        *as_postgres,
        str(bin_dir / "psql"),
        "-h",
        str(paths.pg_socket),
        "-p",
        str(POSTGRES_PORT),
        "-U",
        "postgres",
        "-tAc",
    ]

    def answers() -> bool:
        return subprocess.run([*psql, "select 1"], capture_output=True, check=False).returncode == 0

    _wait("PostgreSQL", answers, 60, paths.log("postgres"), lambda: service_pid(paths, "postgres"))
    exists = subprocess.run(
        [*psql, "select 1 from pg_roles where rolname = 'airflow'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(
            [*psql, "create role airflow login password 'airflow'"], check=True, stdout=subprocess.DEVNULL
        )
        subprocess.run(
            [*psql, "create database airflow owner airflow"], check=True, stdout=subprocess.DEVNULL
        )


def start_redis(paths: Paths) -> None:
    paths.redis.mkdir(parents=True, exist_ok=True)
    start_service(
        paths,
        "redis",
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(REDIS_PORT),
            "--dir",
            str(paths.redis),
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        dict(os.environ),
    )

    def answers() -> bool:
        return (
            subprocess.run(
                ["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True, text=True, check=False
            ).stdout.strip()
            == "PONG"
        )

    _wait("Redis", answers, 30, paths.log("redis"), lambda: service_pid(paths, "redis"))


def airflow_services(executor: str, workers: int) -> dict[str, list[str]]:
    """Service name -> Airflow CLI arguments, in start order."""
    services = {
        "api-server": ["api-server", "--port", str(API_PORT), "--workers", "1"],
        "scheduler": ["scheduler"],
        "dag-processor": ["dag-processor"],
        "triggerer": ["triggerer"],
    }
    if executor == "celery":
        for number in range(1, workers + 1):
            services[f"worker-{number}"] = [
                "celery",
                "worker",
                "--celery-hostname",
                f"worker{number}@%h",
                "--concurrency",
                os.environ.get("AIRFLOW__CELERY__WORKER_CONCURRENCY", "2"),
            ]
    return services


def _service_env(env: dict[str, str], service: str) -> dict[str, str]:
    if service.startswith("worker-"):
        number = int(service.split("-")[1])
        return {**env, "AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT": str(LOG_SERVER_PORT + number)}
    if service == "triggerer":
        return {**env, "AIRFLOW__LOGGING__TRIGGER_LOG_SERVER_PORT": str(LOG_SERVER_PORT - 1)}
    return env


def _airflow() -> str:
    executable = Path(sys.executable).with_name("airflow")
    return str(executable) if executable.exists() else "airflow"


def up(executor: str = "local", workers: int = 2, paths: Paths | None = None) -> dict[str, int]:
    """Start the stack (what is already running is kept) and wait until the API answers."""
    paths = paths or Paths(root=STACK_DIR)
    if executor not in EXECUTORS:
        raise StackError(f"EXECUTOR must be one of {sorted(EXECUTORS)}, not {executor!r}")
    ensure_packages(executor)
    paths.root.mkdir(parents=True, exist_ok=True)
    (paths.root / "executor").write_text(executor + "\n")
    env = stack_env(executor, paths)
    Path(env["DRUGTRADE_WAREHOUSE"]).mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    start_postgres(paths)
    if executor == "celery":
        start_redis(paths)
    print(
        f"stack: metadata database up ({time.monotonic() - started:.0f}s); running {INIT_SCRIPT.name}",
        flush=True,
    )
    with paths.log("init").open("a") as log:
        code = subprocess.run(
            ["bash", str(INIT_SCRIPT)], env=env, stdout=log, stderr=subprocess.STDOUT, check=False
        ).returncode
    if code != 0:
        raise StackError(f"{INIT_SCRIPT} failed (exit {code}); see {paths.log('init')}")
    pids = {}
    for service, arguments in airflow_services(executor, workers).items():
        pids[service] = start_service(paths, service, [_airflow(), *arguments], _service_env(env, service))
    _wait(
        "the API server",
        lambda: _http_ok(f"{API_URL}/api/v2/monitor/health"),
        180,
        paths.log("api-server"),
        lambda: service_pid(paths, "api-server"),
    )
    print(
        f"stack: {EXECUTORS[executor]} up in {time.monotonic() - started:.0f}s; UI and REST API at {API_URL} "
        f"(user {ADMIN_USER}); logs in {paths.logs}",
        flush=True,
    )
    return pids


def down(paths: Paths | None = None) -> list[str]:
    """Stop every service the stack started (workers and schedulers first, PostgreSQL last)."""
    paths = paths or Paths(root=STACK_DIR)
    if not paths.pids.exists():
        return []
    names = [p.stem for p in paths.pids.glob("*.pid")]
    order = sorted(names, key=lambda n: (n in ("redis", "postgres"), n == "postgres", n))
    stopped = [name for name in order if stop_service(paths, name)]
    return stopped


def status(paths: Paths | None = None) -> dict[str, int | None]:
    paths = paths or Paths(root=STACK_DIR)
    if not paths.pids.exists():
        return {}
    return {p.stem: service_pid(paths, p.stem) for p in sorted(paths.pids.glob("*.pid"))}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m drugtrade.stack", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("up", help="start the stack")
    start.add_argument("--executor", choices=sorted(EXECUTORS), default=os.environ.get("EXECUTOR") or "local")
    start.add_argument("--workers", type=int, default=2, help="Celery workers (celery only)")
    commands.add_parser("down", help="stop everything the stack started")
    commands.add_parser("status", help="which services run")
    commands.add_parser("env", help="print the stack's Airflow environment as KEY=VALUE lines")
    args = parser.parse_args(argv)
    try:
        if args.command == "up":
            up(args.executor, args.workers)
        elif args.command == "down":
            stopped = down()
            print(f"stack: stopped {', '.join(stopped) if stopped else 'nothing (nothing was running)'}")
        elif args.command == "status":
            for name, pid in status().items():
                print(f"{name:<15} {'running, pid ' + str(pid) if pid else 'stopped'}")
        else:
            executor_file = STACK_DIR / "executor"
            executor = executor_file.read_text().strip() if executor_file.exists() else "local"
            for key, value in sorted(stack_env(executor).items()):
                if key.startswith(("AIRFLOW", "DRUGTRADE_", "_AIRFLOW")):
                    print(f"{key}={value}")
    except StackError as error:
        print(f"stack: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
