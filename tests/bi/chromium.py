"""Debian's chromium, headless, driven over the DevTools protocol (a websocket; no chromedriver).

`install_if_missing()` installs the `chromium` package with apt-get when the test runs as root
and it is absent (CI's clean machine); otherwise the browser tests skip with the reason.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from websockets.sync.client import ClientConnection, connect

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--hide-scrollbars",
    "--mute-audio",
)
# Every request that is not loopback goes to a port nothing listens on: "network off".
OFFLINE_FLAGS = ("--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>")


def chromium_binary() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def install_if_missing() -> str | None:
    """The chromium executable, installed from Debian when missing and possible; None otherwise."""
    if chromium_binary() is None and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(
            "apt-get update -qq && apt-get install -y -qq chromium",
            shell=True,
            check=False,
            capture_output=True,
            timeout=900,
        )
    return chromium_binary()


def _own_group_dying_with_parent() -> None:
    """In the child before chromium starts: its own process group (close() ends it whole), and
    SIGKILL when the test process dies without closing it (Linux prctl PR_SET_PDEATHSIG)."""
    os.setsid()
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)


class Page:
    """One tab, attached with a flat session on the browser's websocket."""

    def __init__(self, socket: ClientConnection, session_id: str, counter: Iterator[int]) -> None:
        self._socket = socket
        self._session = session_id
        self._ids = counter
        self.requests: list[str] = []
        self.failed: list[str] = []
        self.console: list[str] = []
        self._urls: dict[str, str] = {}
        self.blocked: dict[str, str] = {}  # URL -> why the browser did not send it (e.g. "csp")

    def send(self, method: str, params: dict[str, Any] | None = None, timeout: float = 60) -> dict[str, Any]:
        message_id = next(self._ids)
        self._socket.send(
            json.dumps(
                {"id": message_id, "method": method, "params": params or {}, "sessionId": self._session}
            )
        )
        deadline = time.monotonic() + timeout
        while True:
            message = json.loads(self._socket.recv(timeout=max(0.1, deadline - time.monotonic())))
            if message.get("id") == message_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})
            self._event(message)

    def _event(self, message: dict[str, Any]) -> None:
        method, params = message.get("method"), message.get("params", {})
        if method == "Network.requestWillBeSent":
            self.requests.append(params["request"]["url"])
            self._urls[params["requestId"]] = params["request"]["url"]
        elif method == "Network.loadingFailed":
            url = self._urls.get(params["requestId"], "?")
            self.failed.append(f"{url}: {params.get('errorText')}")
            if params.get("blockedReason"):
                self.blocked[url] = params["blockedReason"]
        elif method == "Runtime.consoleAPICalled":
            self.console.append(
                " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", []))
            )

    def navigate(self, url: str) -> None:
        self.send("Page.navigate", {"url": url})

    def evaluate(self, expression: str) -> Any:
        result = self.send(
            "Runtime.evaluate", {"expression": expression, "returnByValue": True, "awaitPromise": True}
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:60]}: {result['exceptionDetails'].get('text')}")
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 60, interval: float = 0.5) -> Any:
        """Poll a JavaScript expression until it is truthy; returns its last value."""
        deadline = time.monotonic() + timeout
        value = None
        while time.monotonic() < deadline:
            with contextlib.suppress(RuntimeError):
                value = self.evaluate(expression)
                if value:
                    return value
            time.sleep(interval)
        return value

    def screenshot(self, path: Path) -> Path:
        data = self.send("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": False})["data"]
        path.write_bytes(base64.b64decode(data))
        return path


class Browser:
    def __init__(self, offline: bool = False, width: int = 1600, height: int = 1200) -> None:
        binary = chromium_binary()
        if binary is None:
            raise RuntimeError("chromium is not installed")
        self._profile = tempfile.mkdtemp(prefix="chromium-profile-")
        flags = [
            *FLAGS,
            *(OFFLINE_FLAGS if offline else ()),
            f"--user-data-dir={self._profile}",
            f"--window-size={width},{height}",
            "--remote-debugging-port=0",
            "about:blank",
        ]
        self._process = subprocess.Popen(
            [binary, *flags],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=_own_group_dying_with_parent,
        )
        url = self._devtools_url()
        self._socket = connect(url, max_size=None, open_timeout=30)
        self._ids = itertools.count(1)

    def _devtools_url(self, timeout: float = 60) -> str:
        assert self._process.stderr is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self._process.stderr.readline()
            if not line and self._process.poll() is not None:
                break
            match = re.search(r"DevTools listening on (ws://\S+)", line)
            if match:
                return match.group(1)
        self.close()
        raise RuntimeError("chromium did not open its DevTools endpoint")

    def _browser_call(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        message_id = next(self._ids)
        self._socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            message = json.loads(self._socket.recv(timeout=30))
            if message.get("id") == message_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def new_page(self) -> Page:
        target = self._browser_call("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self._browser_call("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        page = Page(self._socket, session, self._ids)
        for domain in ("Page", "Runtime", "Network"):
            page.send(f"{domain}.enable")
        return page

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._socket.close()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self._process.pid, 15)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self._process.wait(timeout=15)
        if self._process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self._process.pid, 9)
        if self._process.stderr:
            self._process.stderr.close()
        shutil.rmtree(self._profile, ignore_errors=True)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
