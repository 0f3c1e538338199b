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
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from drugtrade.config import PROJECT_ROOT
from drugtrade.stack_packages import ensure_packages, pg_bin
from drugtrade.stack_processes import (
    Paths,
    StackError,
    http_ok,
    service_pid,
    start_service,
    stop_service,
    wait_until,
)

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


# ---- services ---------------------------------------------------------------------------------


def start_postgres(paths: Paths) -> None:
    bin_dir = pg_bin()
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

    wait_until("PostgreSQL", answers, 60, paths.log("postgres"), lambda: service_pid(paths, "postgres"))
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

    wait_until("Redis", answers, 30, paths.log("redis"), lambda: service_pid(paths, "redis"))


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
    wait_until(
        "the API server",
        lambda: http_ok(f"{API_URL}/api/v2/monitor/health"),
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
