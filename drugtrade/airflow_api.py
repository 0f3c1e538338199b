"""A small client of Airflow's REST API v2, with the auth the compose file configures (the FAB
auth manager: a JWT from POST /auth/token for the admin user), for `make stack` tooling and the stack tests."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, cast

TERMINAL = {"success", "failed"}

# One decoded JSON object of the API (a DAG run, a task instance, an asset event).
JsonObject = dict[str, Any]


class AirflowApi:
    def __init__(self, base_url: str, username: str, password: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.username, self.password = username, password
        self._token: str | None = None

    def _request(self, method: str, path: str, body: JsonObject | None = None, auth: bool = True) -> Any:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self.base_url}{path}", data=data, method=method)
        request.add_header("Content-Type", "application/json")
        if auth:
            request.add_header("Authorization", f"Bearer {self.token()}")
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310 - loopback
                payload = response.read()
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{method} {path}: HTTP {error.code}: {error.read()[:1000]!r}") from error
        return json.loads(payload) if payload else None

    def token(self) -> str:
        if self._token is None:
            self._token = self._request(
                "POST", "/auth/token", {"username": self.username, "password": self.password}, auth=False
            )["access_token"]
        return self._token

    def unpause(self, dag_id: str) -> None:
        self._request("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})

    def dag_ids(self) -> set[str]:
        return {dag["dag_id"] for dag in self._request("GET", "/api/v2/dags")["dags"]}

    def trigger(self, dag_id: str, logical_date: str) -> str:
        run = self._request("POST", f"/api/v2/dags/{dag_id}/dagRuns", {"logical_date": logical_date})
        return cast(str, run["dag_run_id"])

    def runs(self, dag_id: str) -> list[JsonObject]:
        return cast(
            list[JsonObject],
            self._request("GET", f"/api/v2/dags/{dag_id}/dagRuns?limit=100&order_by=run_after")["dag_runs"],
        )

    def run(self, dag_id: str, run_id: str) -> JsonObject:
        return cast(
            JsonObject, self._request("GET", f"/api/v2/dags/{dag_id}/dagRuns/{urllib.parse.quote(run_id)}")
        )

    def task_instances(self, dag_id: str, run_id: str) -> list[JsonObject]:
        path = f"/api/v2/dags/{dag_id}/dagRuns/{urllib.parse.quote(run_id)}/taskInstances?limit=200"
        return cast(list[JsonObject], self._request("GET", path)["task_instances"])

    def task_tries(self, dag_id: str, run_id: str, task_id: str, map_index: int = -1) -> list[JsonObject]:
        path = (
            f"/api/v2/dags/{dag_id}/dagRuns/{urllib.parse.quote(run_id)}/taskInstances/{task_id}"
            f"/tries?map_index={map_index}"
        )
        return cast(list[JsonObject], self._request("GET", path)["task_instances"])

    def upstream_events(self, dag_id: str, run_id: str) -> list[JsonObject]:
        path = f"/api/v2/dags/{dag_id}/dagRuns/{urllib.parse.quote(run_id)}/upstreamAssetEvents"
        return cast(list[JsonObject], self._request("GET", path)["asset_events"])

    def wait_for_run(self, dag_id: str, run_id: str, timeout: float) -> JsonObject:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            run = self.run(dag_id, run_id)
            if run["state"] in TERMINAL:
                return run
            time.sleep(3)
        raise AssertionError(
            f"{dag_id} run {run_id} not finished after {timeout:.0f} s: {self.run(dag_id, run_id)}"
        )
