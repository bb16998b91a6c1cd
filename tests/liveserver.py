"""The one way tests start a real daphne (docs/architecture.md, "Tests"): browser screens,
print agents, WebSocket streams over several workers, fault tests that kill a worker.

`LiveServer` is one daphne process serving hub.asgi on 127.0.0.1 and a free port. It
reads the test database (DATABASE_URL is rewritten to the name pytest-django created)
and, when REDIS_URL is set, the test process's channel layer (its REDIS_URL and
HUB_CHANNEL_PREFIX), so events the test records reach the server; any variable can be
overridden per server (a private Redis, a proxied database, a prefix of its own), and
None removes one. Its output goes to a log file (`log_path`, `log()`); `wait_ready()`
polls /healthz; `stop()` terminates it, `kill()` is SIGKILL. Data the test wants the
server to see must be committed: use `transactional_demo`.

`run_daphne()` is one ready server for a `with` block; `live_servers()` starts any
number on demand (several workers sharing PostgreSQL and Redis) and stops them all.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    """The URL of the database the tests use right now (the test database)."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def server_env(**extra: str | None) -> dict[str, str]:
    """The environment of a process that must see what the tests see; `extra` overrides
    (None removes a variable)."""
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url()
    env["HUB_VAR_DIR"] = str(settings.VAR_DIR)
    if settings.REDIS_URL:  # the same channel layer: events published here reach the server
        env["REDIS_URL"] = settings.REDIS_URL
        env["HUB_CHANNEL_PREFIX"] = settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"]
    # No idle connections left behind when the test run drops its database.
    env["HUB_DB_CONN_MAX_AGE"] = "0"
    for key, value in extra.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


class LiveServer:
    """One daphne process on 127.0.0.1:<free port>, started at once; see the module doc."""

    def __init__(
        self,
        *,
        name: str = "live",
        env: Mapping[str, str | None] | None = None,
        log_dir: Path | None = None,
    ):
        self.port = free_port()
        log_dir = Path(log_dir or settings.VAR_DIR)
        log_dir.mkdir(parents=True, exist_ok=True)
        self.log_path = log_dir / f"daphne-{name}-{self.port}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(self.port), "hub.asgi:application"],
            cwd=ROOT,
            env=server_env(**dict(env or {})),
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def log(self, tail: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-tail:]

    def wait_ready(self, timeout: float = 30) -> LiveServer:
        """Until /healthz answers 200; fails with the log's end if daphne exits or never does."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"daphne exited ({self.process.returncode}): {self.log()}")
            try:
                with urllib.request.urlopen(self.http + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError(f"daphne on {self.port} not ready after {timeout} s: {self.log()}")

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush, whatever was in flight is cut."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._log.close()


@contextlib.contextmanager
def run_daphne(name: str = "live", **env: str | None) -> Iterator[LiveServer]:
    """One ready daphne for the block, stopped after it."""
    server = LiveServer(name=name, env=env)
    try:
        yield server.wait_ready()
    finally:
        server.stop()


@contextlib.contextmanager
def live_servers(
    *, name: str = "live", log_dir: Path | None = None, **env: str | None
) -> Iterator[Callable[..., list[LiveServer]]]:
    """start(count=1, **more_env) -> `count` ready servers; every one is stopped afterwards.
    They start together and are then waited for, so several cost one start-up."""
    started: list[LiveServer] = []

    def start(count: int = 1, **more_env: str | None) -> list[LiveServer]:
        new = [
            LiveServer(name=name, env={**env, **more_env}, log_dir=log_dir) for _ in range(count)
        ]
        started.extend(new)
        return [server.wait_ready() for server in new]

    try:
        yield start
    finally:
        for server in started:
            server.stop()


class HttpClient:
    """A tiny JSON client for the live server: call(method, path, body) -> (status, json)."""

    def __init__(self, base: str, token: str | None = None):
        self.base = base
        self.token = token

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        url = path if path.startswith("http") else self.base + path
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)
        request.add_header("Accept", "application/json")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        if self.token:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")

    def ok(self, method: str, path: str, body: dict | None = None) -> dict:
        """The `data` of a successful call; fails the test otherwise."""
        status, payload = self.call(method, path, body)
        assert status < 300 and payload and payload.get("success"), (status, payload)
        return payload["data"]


def wait_for(predicate, timeout: float = 5, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")
