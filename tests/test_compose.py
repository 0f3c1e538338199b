"""Static validation of the Docker stack: docker-compose.yml, the Dockerfile and docker/.

Docker cannot run on the development machines or in CI (only the client is installed, no
engine), so the compose path is checked here without starting it: the file is parsed and
interpolated the way Compose does, every reference in it (services, volumes, build contexts,
mounted paths, scripts, pins, the pool, the settings the package reads) is resolved against the
repository, and, where a Compose CLI is installed, `config` validates it against the Compose
schema (it needs no engine).
"""

from __future__ import annotations

import ast
import fnmatch
import os
import re
import runpy
import shutil
import subprocess
import tomllib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlalchemy as sa
import yaml
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import Version

from drugtrade.config import load_settings
from drugtrade.stack import read_env_file  # the env-file reader make stack uses
from drugtrade.warehouse.query import SERVING_URI_QUERY

REPO = Path(__file__).resolve().parents[1]
COMPOSE_FILE = REPO / "docker-compose.yml"
DOCKERFILE = REPO / "Dockerfile"
DOCKERIGNORE = REPO / ".dockerignore"
CELERY_ENV = REPO / "docker" / "celery.env"
IMAGE_CONSTRAINTS = REPO / "docker" / "constraints-image.txt"
SUPERSET_DIR = REPO / "docker" / "superset"

AIRFLOW_COMMANDS = {
    "airflow-apiserver": "api-server",
    "airflow-scheduler": "scheduler",
    "airflow-dag-processor": "dag-processor",
    "airflow-triggerer": "triggerer",
    "airflow-worker": "celery worker",
}
REQUIRED_SERVICES = {"postgres", "airflow-init", "redis", "superset", "superset-init", *AIRFLOW_COMMANDS}
CELERY_SERVICES = {"redis", "airflow-worker", "flower"}
BI_SERVICES = {"superset", "superset-init"}
WAREHOUSE_VOLUME = "drugtrade-warehouse"
SERVING_URI = f"duckdb:////opt/drugtrade/warehouse/serving/drugtrade.duckdb?{SERVING_URI_QUERY}"
# Services that run once and exit; every other service is long-running.
ONE_SHOT_SERVICES = {"airflow-init", "superset-init", "airflow-cli"}
PROFILE_SETS = [(), ("celery",), ("bi",), ("celery", "bi"), ("debug",)]


# ---- Compose semantics needed for the checks -------------------------------------------------

_VARIABLE = re.compile(
    r"\$\$|\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}|\$(?P<bare>[A-Za-z_][A-Za-z0-9_]*)"
)


class InterpolationError(ValueError):
    pass


def interpolate(text: str, env: Mapping[str, str]) -> str:
    """Compose's variable substitution: $$, $VAR, ${VAR}, ${VAR:-default}, ${VAR-default},
    ${VAR:?error}, ${VAR?error}."""

    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group("name") or match.group("bare")
        op, arg = match.group("op"), match.group("arg") or ""
        value = env.get(name)
        # With a colon, an empty value counts as unset.
        missing = not value if op in (":-", ":?") else value is None
        if op in (":-", "-") and missing:
            return arg
        if op in (":?", "?") and missing:
            raise InterpolationError(f"{name}: {arg}")
        return value or ""

    return _VARIABLE.sub(substitute, text)


def resolve(node: Any, env: Mapping[str, str]) -> Any:
    if isinstance(node, dict):
        return {key: resolve(value, env) for key, value in node.items()}
    if isinstance(node, list):
        return [resolve(item, env) for item in node]
    if isinstance(node, str):
        return interpolate(node, env)
    return node


def load_compose(env: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The compose file as Compose sees it: YAML anchors and merge keys applied (PyYAML does
    `<<`), variables substituted from ``env`` (empty: every default applies)."""
    return resolve(yaml.safe_load(COMPOSE_FILE.read_text()), env or {})


@dataclass(frozen=True)
class Mount:
    kind: str  # "bind" or "volume"
    source: str
    target: str
    read_only: bool


def mounts(service: Mapping[str, Any]) -> list[Mount]:
    found = []
    for entry in service.get("volumes", []):
        if isinstance(entry, str):
            parts = entry.split(":")
            source, target = parts[0], parts[1]
            options = parts[2].split(",") if len(parts) > 2 else []
            kind = "bind" if source.startswith((".", "/", "~")) else "volume"
            found.append(Mount(kind, source, target, "ro" in options))
        else:
            found.append(Mount(entry["type"], entry["source"], entry["target"], bool(entry.get("read_only"))))
    return found


def environment(service: Mapping[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        return dict(item.split("=", 1) for item in env)
    return {key: "" if value is None else str(value) for key, value in env.items()}


def depends_on(service: Mapping[str, Any]) -> dict[str, str]:
    deps = service.get("depends_on", {})
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {name: spec.get("condition", "service_started") for name, spec in deps.items()}


def active_services(compose: Mapping[str, Any], profiles: tuple[str, ...]) -> set[str]:
    return {
        name
        for name, service in compose["services"].items()
        if not service.get("profiles") or set(service["profiles"]) & set(profiles)
    }


def airflow_services(compose: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """The services that run our Airflow image (built from ./Dockerfile)."""
    return {
        name: service
        for name, service in compose["services"].items()
        if isinstance(service.get("build"), dict) and service["build"].get("context") == "."
    }


def project_pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"{path.name}: {line!r} is not a name==version pin"
            key = canonicalize_name(name)
            assert key not in pins, f"{path.name}: {name} is pinned twice"
            pins[key] = version
    return pins


def dockerfile_instructions(path: Path) -> Iterator[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    logical = ""
    for line in path.read_text().splitlines():
        stripped = line.strip()
        if stripped.startswith("#") and not logical:
            continue
        if stripped.endswith("\\"):
            logical += stripped[:-1] + " "
            continue
        logical += stripped
        if logical:
            instruction, _, arguments = logical.partition(" ")
            yield instruction.upper(), arguments.strip()
        logical = ""


def dockerignore_excludes(relative: str, patterns: list[str]) -> bool:
    """Whether .dockerignore keeps ``relative`` (or a folder holding it) out of the build
    context. Covers the syntax our .dockerignore uses: globs, leading **/, and ! exceptions
    (the last matching pattern wins)."""
    candidates = [relative]
    parts = relative.split("/")
    candidates += ["/".join(parts[:i]) for i in range(1, len(parts))]
    excluded = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        glob = pattern[1:] if negated else pattern
        globs = {glob, glob.removeprefix("**/")} if glob.startswith("**/") else {glob}
        if glob.startswith("**/"):
            matched = any(fnmatch.fnmatch(part, g) for g in globs for part in parts) or any(
                fnmatch.fnmatch(c, g) for g in globs for c in candidates
            )
        else:
            matched = any(fnmatch.fnmatch(c, glob) for c in candidates)
        if matched:
            excluded = not negated
    return excluded


def read_dockerignore() -> list[str]:
    return [
        line.strip()
        for line in DOCKERIGNORE.read_text().splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load_compose()


# ---- Services, images, builds -----------------------------------------------------------------


def test_required_services_exist(compose):
    missing = REQUIRED_SERVICES - set(compose["services"])
    assert not missing, f"docker-compose.yml lacks services {sorted(missing)}"


def test_airflow_services_run_the_airflow_3_components_from_our_image(compose):
    ours = airflow_services(compose)
    for name, command in AIRFLOW_COMMANDS.items():
        assert name in ours, f"{name} does not run the image built from ./Dockerfile"
        assert compose["services"][name]["command"] == command, name
    assert len({service["image"] for service in ours.values()}) == 1, "Airflow services run different images"


def test_every_service_has_an_image_or_a_build(compose):
    lacking = [
        name
        for name, service in compose["services"].items()
        if "image" not in service and "build" not in service
    ]
    assert not lacking, f"services with neither image nor build: {lacking}"
    for name, service in compose["services"].items():
        if "image" in service and "build" not in service:
            assert ":" in service["image"] and not service["image"].endswith(":latest"), (
                f"{name}: pull a pinned tag, not {service['image']!r}"
            )


def test_build_contexts_and_dockerfiles_exist(compose):
    builds = {name: service["build"] for name, service in compose["services"].items() if "build" in service}
    assert builds
    for name, build in builds.items():
        context = REPO / (build if isinstance(build, str) else build["context"])
        assert context.is_dir(), f"{name}: build context {context} does not exist"
        dockerfile = context / (
            build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile"
        )
        assert dockerfile.is_file(), f"{name}: {dockerfile} does not exist"


# ---- Dependencies, healthchecks, profiles -----------------------------------------------------


def test_depends_on_names_existing_services_with_valid_conditions(compose):
    services = compose["services"]
    for name, service in services.items():
        for dependency, condition in depends_on(service).items():
            assert dependency in services, f"{name} depends on undefined service {dependency}"
            assert dependency != name
            assert condition in {"service_started", "service_healthy", "service_completed_successfully"}, (
                f"{name} -> {dependency}: unknown condition {condition}"
            )


def test_dependencies_are_started_in_every_profile_combination(compose):
    # Compose refuses `up` when an active service depends on one that its profiles disable.
    for profiles in PROFILE_SETS:
        active = active_services(compose, profiles)
        for name in active:
            inactive = set(depends_on(compose["services"][name])) - active
            assert not inactive, (
                f"with profiles {profiles or '(none)'}: {name} depends on disabled {inactive}"
            )


def test_dependency_graph_has_no_cycle(compose):
    graph = {name: set(depends_on(service)) for name, service in compose["services"].items()}
    done: set[str] = set()

    def visit(name: str, path: tuple[str, ...]) -> None:
        assert name not in path, f"dependency cycle: {' -> '.join((*path, name))}"
        if name not in done:
            for dependency in graph[name]:
                visit(dependency, (*path, name))
            done.add(name)

    for name in graph:
        visit(name, ())


def test_health_conditions_point_at_services_with_healthchecks(compose):
    services = compose["services"]
    for name, service in services.items():
        for dependency, condition in depends_on(service).items():
            target = services[dependency]
            if condition == "service_healthy":
                assert "healthcheck" in target, (
                    f"{name} waits for {dependency} to be healthy; it has no healthcheck"
                )
            if condition == "service_completed_successfully":
                assert dependency in ONE_SHOT_SERVICES and target.get("restart", "no") == "no", (
                    f"{name} waits for {dependency} to complete, but it is not a one-shot service"
                )


def test_long_running_services_have_healthchecks_and_restart(compose):
    for name, service in compose["services"].items():
        if name in ONE_SHOT_SERVICES:
            continue
        assert "healthcheck" in service and service["healthcheck"]["test"], f"{name} has no healthcheck"
        assert service.get("restart") == "always", f"{name} is not restarted"


def test_profiles_of_optional_services(compose):
    services = compose["services"]
    for name in CELERY_SERVICES:
        assert services[name].get("profiles") == ["celery"], f"{name} must carry profiles: [celery]"
    for name in BI_SERVICES:
        assert services[name].get("profiles") == ["bi"], f"{name} must carry profiles: [bi]"
    default = active_services(compose, ())
    assert {
        "postgres",
        "airflow-init",
        "airflow-apiserver",
        "airflow-scheduler",
        "airflow-dag-processor",
        "airflow-triggerer",
    } <= default
    assert not (CELERY_SERVICES | BI_SERVICES) & default


def test_published_ports_do_not_clash(compose):
    published = [
        str(port).split(":")[0]
        for service in compose["services"].values()
        for port in service.get("ports", [])
    ]
    assert len(published) == len(set(published)), f"host ports published twice: {published}"


# ---- Volumes and mounts -----------------------------------------------------------------------


def test_named_volumes_are_declared_and_bind_sources_exist(compose):
    declared = set(compose.get("volumes") or {})
    used = set()
    for name, service in compose["services"].items():
        for mount in mounts(service):
            if mount.kind == "volume":
                assert mount.source in declared, f"{name}: volume {mount.source} is not declared"
                used.add(mount.source)
            else:
                host = (REPO / mount.source).resolve()
                assert host.exists(), f"{name}: bind-mounted {mount.source} does not exist in the repository"
                assert REPO in host.parents, f"{name}: {mount.source} lies outside the repository"
    assert declared == used, f"declared but unused volumes: {sorted(declared - used)}"


def test_warehouse_volume_is_the_warehouse_setting_everywhere(compose):
    for name, service in airflow_services(compose).items():
        env = environment(service)
        warehouse = [m for m in mounts(service) if m.source == WAREHOUSE_VOLUME]
        assert len(warehouse) == 1 and not warehouse[0].read_only, (
            f"{name}: the warehouse volume must be writable"
        )
        assert env["DRUGTRADE_WAREHOUSE"] == warehouse[0].target, name


def test_superset_mounts_the_warehouse_read_only_and_opens_the_serving_copy(compose):
    airflow_env = environment(compose["services"]["airflow-scheduler"])
    serving = load_settings(airflow_env).serving_db
    for name in BI_SERVICES:
        service = compose["services"][name]
        warehouse = [m for m in mounts(service) if m.source == WAREHOUSE_VOLUME]
        assert len(warehouse) == 1, f"{name} does not mount {WAREHOUSE_VOLUME}"
        assert warehouse[0].read_only, f"{name} mounts the warehouse writable"
        assert warehouse[0].target == airflow_env["DRUGTRADE_WAREHOUSE"], (
            f"{name} sees the warehouse elsewhere"
        )
        uri = environment(service)["DRUGTRADE_SERVING_URI"]
        assert uri == SERVING_URI
        # The URI names the file the pipeline publishes, as drugtrade.config computes it.
        assert Path(sa.engine.make_url(uri).database) == serving


def test_serving_uri_opens_read_only_through_duckdb_engine(tmp_path):
    url = sa.engine.make_url(SERVING_URI)
    database = tmp_path / "serving" / "drugtrade.duckdb"
    database.parent.mkdir()
    with duckdb.connect(str(database)) as connection:
        connection.execute("create schema marts; create table marts.fct_seizures as select 42 as kilograms")
    engine = sa.create_engine(url.set(database=str(database)))
    try:
        with engine.connect() as connection:
            assert connection.execute(sa.text("select kilograms from marts.fct_seizures")).scalar_one() == 42
            with pytest.raises(sa.exc.DBAPIError, match="read-only"):
                connection.execute(sa.text("create table marts.scratch as select 1 as x"))
    finally:
        engine.dispose()


# ---- Settings the package reads ---------------------------------------------------------------


def _drugtrade_variables_read() -> set[str]:
    names = set()
    for path in [*(REPO / "drugtrade").rglob("*.py"), *(REPO / "dbt_project").rglob("*.yml")]:
        if "target" in path.relative_to(REPO).parts:
            continue
        names.update(re.findall(r"DRUGTRADE_[A-Z_]+", path.read_text()))
    return names


def test_airflow_services_set_the_settings_the_package_reads(compose):
    read = _drugtrade_variables_read()
    assert {"DRUGTRADE_WAREHOUSE", "DRUGTRADE_REGISTRY", "DRUGTRADE_DBT_TARGET"} <= read
    for name, service in airflow_services(compose).items():
        env = environment(service)
        for variable in (
            "DRUGTRADE_WAREHOUSE",
            "DRUGTRADE_REGISTRY",
            "DRUGTRADE_PROJECT_ROOT",
            "DRUGTRADE_DBT_TARGET",
        ):
            assert env.get(variable), f"{name}: {variable} is not set"
        unknown = {key for key in env if key.startswith("DRUGTRADE_")} - read
        assert not unknown, f"{name} sets {sorted(unknown)}, which nothing in the package reads"


def test_settings_resolve_to_mounted_checkout_paths(compose):
    """Every path drugtrade.config derives from the compose environment lies on a mount of the
    checkout whose host file exists, or on the warehouse volume."""
    service = compose["services"]["airflow-scheduler"]
    settings = load_settings(environment(service))
    binds = {Path(m.target): REPO / m.source for m in mounts(service) if m.kind == "bind"}

    def host_path(container: Path) -> Path:
        for target, host in binds.items():
            if container == target or target in container.parents:
                return host / container.relative_to(target)
        raise AssertionError(f"{container} is on no mount of the checkout")

    assert host_path(settings.registry_path).is_file()
    assert (host_path(settings.dbt_project_dir) / "dbt_project.yml").is_file()
    assert (host_path(settings.dbt_project_dir) / "profiles.yml").is_file()
    assert host_path(settings.expectations_dir).is_dir()
    assert host_path(Path(environment(service)["AIRFLOW__CORE__DAGS_FOLDER"])).is_dir()
    assert settings.lake_dir.parent == settings.warehouse_dir
    profiles = yaml.safe_load((REPO / "dbt_project" / "profiles.yml").read_text())
    assert settings.dbt_target in profiles["drugtrade"]["outputs"], (
        f"dbt target {settings.dbt_target} is not in profiles.yml"
    )


def test_executor_is_local_by_default_and_celery_with_the_celery_env_file():
    default = load_compose()
    celery = load_compose(read_env_file(CELERY_ENV))
    for name in airflow_services(default):
        assert environment(default["services"][name])["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor", name
        assert environment(celery["services"][name])["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor", name
    referenced = set(re.findall(r"\$\{([A-Za-z_][A-Za-z0-9_]*)", COMPOSE_FILE.read_text()))
    stray = set(read_env_file(CELERY_ENV)) - referenced
    assert not stray, f"docker/celery.env sets {sorted(stray)}, which docker-compose.yml never reads"


def test_no_pip_install_at_container_start(compose):
    for name, service in compose["services"].items():
        assert "_PIP_ADDITIONAL_REQUIREMENTS" not in environment(service), name
    for instruction, arguments in dockerfile_instructions(DOCKERFILE):
        assert "_PIP_ADDITIONAL_REQUIREMENTS" not in arguments, f"Dockerfile {instruction} {arguments}"


# ---- The init service and the duckdb_writer pool ----------------------------------------------


def _pool_name_used_by_dags() -> str:
    for path in [*(REPO / "dags").glob("*.py"), *(REPO / "drugtrade").rglob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Assign)
                and isinstance(node.value, ast.Constant)
                and any(isinstance(t, ast.Name) and t.id == "DUCKDB_WRITER_POOL" for t in node.targets)
            ):
                return node.value.value
    raise AssertionError("no DUCKDB_WRITER_POOL assignment in dags/ or drugtrade/")


def test_init_service_runs_the_script_the_image_carries(compose):
    init = compose["services"]["airflow-init"]
    command = init["command"]
    script = command[-1] if isinstance(command, list) else command.split()[-1]
    copies = {
        arguments.split()[-1]: arguments.split()[-2]
        for instruction, arguments in dockerfile_instructions(DOCKERFILE)
        if instruction == "COPY"
    }
    assert script in copies, f"airflow-init runs {script}, which the Dockerfile does not copy"
    assert (REPO / copies[script]).is_file()
    env = environment(init)
    assert env["_AIRFLOW_DB_MIGRATE"] == "true" and env["_AIRFLOW_WWW_USER_CREATE"] == "true"
    assert init["user"] == "0:0"


def test_init_creates_the_one_slot_pool_the_dags_use():
    script = (REPO / "docker" / "airflow-init.sh").read_text()
    pools = re.search(r"^pools=\(([^)]*)\)", script, re.MULTILINE)
    assert pools, "airflow-init.sh does not name its pools"
    slots = dict(entry.strip('"').split("=") for entry in pools.group(1).split())
    assert slots.get(_pool_name_used_by_dags()) == "1", "the DuckDB writer pool must have one slot"
    assert re.search(r'^\s*airflow pools set "\$\{pool\}" "\$\{slots\}" ', script, re.MULTILINE)


@pytest.mark.parametrize(
    "script", sorted(p.relative_to(REPO).as_posix() for p in (REPO / "docker").rglob("*.sh"))
)
def test_shell_scripts_parse(script):
    completed = subprocess.run(
        ["bash", "-n", str(REPO / script)], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr


# ---- Dockerfile -------------------------------------------------------------------------------


def _base_image() -> tuple[str, Version, str]:
    froms = [
        arguments for instruction, arguments in dockerfile_instructions(DOCKERFILE) if instruction == "FROM"
    ]
    assert len(froms) == 1, f"expected one FROM, found {froms}"
    match = re.fullmatch(r"apache/airflow:(slim-)?(\d+\.\d+\.\d+)-python(\d+\.\d+)", froms[0])
    assert match, f"FROM {froms[0]} is not a versioned apache/airflow image with a Python tag"
    return froms[0], Version(match.group(2)), match.group(3)


def test_dockerfile_airflow_version_matches_the_project_pins():
    image, airflow, python = _base_image()
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    requirement = next(
        r for r in pyproject["project"]["dependencies"] if re.match(r"apache-airflow\b(?!-)", r)
    )
    assert airflow in SpecifierSet(requirement.removeprefix("apache-airflow")), (
        f"{image} vs pyproject {requirement}"
    )
    assert str(airflow) == project_pins(REPO / "constraints.txt")["apache-airflow"], (
        f"{image} vs constraints.txt"
    )
    assert Version(python) in SpecifierSet(pyproject["project"]["requires-python"])


def test_dockerfile_installs_the_package_from_pyproject_with_the_constraints():
    runs = [
        arguments for instruction, arguments in dockerfile_instructions(DOCKERFILE) if instruction == "RUN"
    ]
    installs = [run for run in runs if "pip install" in run]
    assert installs, "the Dockerfile installs nothing"
    for run in installs:
        assert "--constraint /opt/drugtrade/constraints.txt" in run, (
            f"pip install without constraints.txt: {run}"
        )
    dependencies = next(run for run in installs if "apache-airflow[" in run)
    assert (
        "pyproject.toml" in dependencies
        and "--constraint /opt/drugtrade/docker/constraints-image.txt" in dependencies
    )
    assert '"apache-airflow[celery,postgres,fab]==${AIRFLOW_VERSION}"' in dependencies
    package = next(run for run in installs if "--editable /opt/drugtrade" in run)
    assert "pip check" in package


def test_dockerfile_copies_only_what_exists_and_is_not_ignored():
    patterns = read_dockerignore()
    copies = [
        arguments for instruction, arguments in dockerfile_instructions(DOCKERFILE) if instruction == "COPY"
    ]
    assert copies
    for arguments in copies:
        words = [w for w in arguments.split() if not w.startswith("--")]
        assert "--from" not in arguments
        for source in words[:-1]:
            assert (REPO / source).exists(), f"COPY {source}: not in the repository"
            assert not dockerignore_excludes(source, patterns), f"COPY {source}: excluded by .dockerignore"
    # Installed paths the RUN lines use are the ones COPY put there.
    targets = {arguments.split()[-1].rstrip("/") for arguments in copies}
    assert "/opt/drugtrade" in targets and "/opt/drugtrade/docker/constraints-image.txt" in targets


def test_dockerignore_keeps_data_and_environments_out():
    patterns = read_dockerignore()
    for path in (
        ".venv/bin/python",
        "warehouse/serving/drugtrade.duckdb",
        ".git/HEAD",
        ".airflow/airflow.db",
        "dbt_project/target/manifest.json",
        "drugtrade/__pycache__/config.cpython-311.pyc",
    ):
        assert dockerignore_excludes(path, patterns), f"{path} would be sent to the Docker build"
    for path in (
        "drugtrade/config.py",
        "dags/transform.py",
        "dbt_project/dbt_project.yml",
        "constraints.txt",
    ):
        assert not dockerignore_excludes(path, patterns), f"{path} would be missing from the Docker build"


def test_image_constraints_agree_with_project_constraints():
    project = project_pins(REPO / "constraints.txt")
    image = project_pins(IMAGE_CONSTRAINTS)
    assert image, "docker/constraints-image.txt is empty"
    clashes = {name: (project[name], version) for name, version in image.items() if name in project}
    assert not clashes, f"pinned in both files (pip would refuse differing pins): {clashes}"
    for provider in (
        "apache-airflow-providers-celery",
        "apache-airflow-providers-postgres",
        "apache-airflow-providers-fab",
    ):
        assert provider in image, f"{provider} has no pin for the image"


# ---- Superset ---------------------------------------------------------------------------------


def test_superset_image_pins_the_duckdb_the_pipeline_writes_with():
    project = project_pins(REPO / "constraints.txt")
    superset = project_pins(SUPERSET_DIR / "constraints.txt")
    for name in ("duckdb", "duckdb-engine"):
        assert superset.get(name) == project[name], (
            f"{name}: superset {superset.get(name)} vs constraints {project[name]}"
        )
    froms = [a for i, a in dockerfile_instructions(SUPERSET_DIR / "Dockerfile") if i == "FROM"]
    assert len(froms) == 1 and re.fullmatch(r"apache/superset:\d+\.\d+\.\d+", froms[0]), froms


def test_superset_image_copies_its_files_and_init_runs_them(compose):
    copies = {
        a.split()[-1]: a.split()[-2]
        for i, a in dockerfile_instructions(SUPERSET_DIR / "Dockerfile")
        if i == "COPY"
    }
    for source in copies.values():
        assert (SUPERSET_DIR / source).is_file(), source
    command = compose["services"]["superset-init"]["command"]
    assert command[-1] in copies, f"superset-init runs {command[-1]}, which its Dockerfile does not copy"


def test_superset_config_takes_its_secret_from_the_environment(monkeypatch):
    monkeypatch.setenv("SUPERSET_SECRET_KEY", "a-test-secret")
    config = runpy.run_path(str(SUPERSET_DIR / "superset_config.py"))
    assert config["SECRET_KEY"] == "a-test-secret"
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:////app/superset_home/")
    monkeypatch.delenv("SUPERSET_SECRET_KEY")
    with pytest.raises(RuntimeError, match="SUPERSET_SECRET_KEY"):
        runpy.run_path(str(SUPERSET_DIR / "superset_config.py"))


# ---- A real Compose CLI, where one is installed -----------------------------------------------


def _compose_cli() -> list[str] | None:
    """`docker compose` (v2, a CLI plugin) or `docker-compose` (v1). Neither needs a Docker engine
    for `config`, which validates the file against the Compose schema."""
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True, check=False)
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


@pytest.mark.parametrize("profiles", PROFILE_SETS, ids=lambda p: "+".join(p) or "default")
def test_compose_cli_accepts_the_file(profiles):
    cli = _compose_cli()
    if cli is None:
        pytest.skip(
            "no Compose CLI here: the docker client has no compose plugin and docker-compose is not "
            "installed (apt-get install docker-compose provides v1, which validates without an engine)"
        )
    args = [*cli, "--project-directory", str(REPO), "-f", str(COMPOSE_FILE)]
    if "celery" in profiles:
        args += ["--env-file", str(CELERY_ENV)]
    for profile in profiles:
        args += ["--profile", profile]
    # The shell's own AIRFLOW_* or DRUGTRADE_* variables must not change what is validated.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AIRFLOW", "DRUGTRADE", "COMPOSE_"))}
    completed = subprocess.run(
        [*args, "config", "--services"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 0, f"{' '.join(args)} config:\n{completed.stderr}"
    assert set(completed.stdout.split()) >= active_services(load_compose(), profiles), completed.stdout


def test_interpolation_follows_compose_rules():
    env = {"SET": "x", "EMPTY": ""}
    assert interpolate("${SET:-d} ${EMPTY:-d} ${EMPTY-d} ${UNSET-d} $$HOME ${SET}", env) == "x d  d $HOME x"
    with pytest.raises(InterpolationError, match="EMPTY: needed"):
        interpolate("${EMPTY:?needed}", env)


# ---- One source of truth for the settings both topologies share ------------------------------


def test_compose_and_make_stack_read_the_same_shared_settings(compose):
    """docker/airflow.env is the env_file of every Airflow service and the environment of every
    `make stack` process; neither topology overrides one of its values."""
    from drugtrade import stack

    shared_file = REPO / "docker" / "airflow.env"
    shared = read_env_file(shared_file)
    assert {"AIRFLOW__CORE__AUTH_MANAGER", "AIRFLOW__CORE__PARALLELISM", "DRUGTRADE_TASK_RETRIES"} <= set(
        shared
    )
    for name, service in airflow_services(compose).items():
        assert service.get("env_file") == ["docker/airflow.env"], name
        overridden = set(shared) & set(environment(service))
        assert not overridden, f"{name} overrides shared settings: {sorted(overridden)}"
    env = stack.stack_env("celery")
    assert {key: env[key] for key in shared} == shared
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert stack.stack_env("local")["AIRFLOW__CORE__EXECUTOR"] == "LocalExecutor"
