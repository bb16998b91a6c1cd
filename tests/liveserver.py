"""A real daphne serving the test database, for end-to-end tests (browser screens,
agents). Shared helpers; tests/displays/conftest.py builds its fixture on them.

The server is a subprocess: it reads the same test database as the test process
(DATABASE_URL is rewritten to the name pytest-django created) and, when REDIS_URL is
set, the same channel layer (HUB_CHANNEL_PREFIX included). Data the test wants the
server to see must be committed: use `transactional_demo`.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
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


def server_env(**extra: str) -> dict:
    env = dict(os.environ)
    env["DATABASE_URL"] = database_url()
    env["HUB_VAR_DIR"] = str(settings.VAR_DIR)
    # No idle connections left behind when the test run drops its database.
    env["HUB_DB_CONN_MAX_AGE"] = "0"
    env.update(extra)
    return env


def wait_port(port: int, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"daphne did not listen on {port}")


@contextlib.contextmanager
def run_daphne(name: str = "live") -> Iterator[str]:
    """Start daphne on a free port; yields its base URL "http://127.0.0.1:<port>"."""
    port = free_port()
    log_path = Path(settings.VAR_DIR) / f"daphne-{name}-{port}.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), "hub.asgi:application"],
            cwd=ROOT,
            env=server_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_port(port)
            yield f"http://127.0.0.1:{port}"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)


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
