"""Helpers for the live-stream tests (docs/realtime.md): tokens, recording events, a client."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.db import connections, transaction

from tests.liveserver import database_url


def token_for(username: str) -> str:
    from hub.models import Staff
    from hub.services.tokens import token_issue

    return token_issue(staff=Staff.objects.get(username=username))


def record_availability(stream: str, count: int = 1, *, outlet: int = 1) -> list[int]:
    """Record `count` menu.item_availability events on `stream`, one transaction each;
    returns their seqs. Published after each commit, as services do."""
    from hub.events import record_event

    seqs = []
    for i in range(count):
        with transaction.atomic():
            (event,) = record_event(
                outlet=outlet,
                streams=[stream],
                type="menu.item_availability",
                data={
                    "menu_item_id": 15,
                    "name": "Paneer Tikka",
                    "kitchen_id": 1,
                    "is_available": i % 2 == 0,
                },
            )
        seqs.append(event.seq)
    return seqs


atoken_for = database_sync_to_async(token_for)
arecord = database_sync_to_async(record_availability)


async def open_stream(
    path: str, username: str | None = None, *, subprotocol: bool = False, query: str = ""
):
    """(communicator, connected, accepted_subprotocol) for `path` as `username`."""
    from hub.asgi import application

    token = await atoken_for(username) if username else None
    params = []
    if token and not subprotocol:
        params.append(f"token={token}")
    if query:
        params.append(query)
    url = path + ("?" + "&".join(params) if params else "")
    protocols = [f"bearer.{token}"] if token and subprotocol else None
    communicator = WebsocketCommunicator(application, url, subprotocols=protocols)
    connected, accepted = await communicator.connect(timeout=5)
    return communicator, connected, accepted


async def close_code(path: str, username: str | None = None, **kwargs) -> int:
    """The close code a connection to `path` gets (after being accepted)."""
    communicator, connected, _ = await open_stream(path, username, **kwargs)
    assert connected, "refusals are sent after accept, so the client sees the code"
    output = await communicator.receive_output(timeout=5)
    assert output["type"] == "websocket.close", output
    await communicator.disconnect()  # the client's side of the close handshake
    return output["code"]


async def receive_events(communicator, count: int, timeout: float = 5) -> list[dict]:
    return [await communicator.receive_json_from(timeout=timeout) for _ in range(count)]


@pytest.fixture
async def ws_demo(transactional_demo):
    """The demo restaurant, committed, so consumers (in other threads) see the changes.

    Afterwards closes the connections of the thread that database_sync_to_async
    uses, so the test database can be dropped at the end of the run."""
    yield transactional_demo
    await database_sync_to_async(connections.close_all)()


# --- live servers: real daphne processes on PostgreSQL + Redis ----------------------

LIVE_PORTS = range(8104, 8110)  # this area's ports; the first free ones are used


def _free_port(taken: set[int]) -> int:
    import socket

    for port in LIVE_PORTS:
        if port in taken:
            continue
        with socket.socket() as sock:
            # as daphne does: a port whose old connections are in TIME_WAIT is free
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {LIVE_PORTS}")


class LiveHub:
    """One daphne process serving hub.asgi on 127.0.0.1:<port>."""

    def __init__(self, port: int, log_dir) -> None:
        import os
        import subprocess
        import sys
        from pathlib import Path

        from django.conf import settings

        self.port = port
        env = dict(
            os.environ,
            DATABASE_URL=database_url(),
            REDIS_URL=settings.REDIS_URL,
            HUB_CHANNEL_PREFIX=settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"],
            HUB_STREAM_TAIL_CHECK_SECONDS="30",  # the tests prove the live path, not the safety net
        )
        daphne = Path(sys.executable).with_name("daphne")
        self.log_path = Path(log_dir) / f"daphne-{port}.log"
        self._log = open(self.log_path, "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [str(daphne), "-b", "127.0.0.1", "-p", str(port), "hub.asgi:application"],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def wait_ready(self, timeout: float = 30) -> None:
        import time
        import urllib.request

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"daphne exited: {self.log_path.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(self.http + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"daphne on {self.port} not ready: {self.log_path.read_text()[-2000:]}")

    def stop(self) -> None:
        import subprocess

        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._log.close()


@pytest.fixture
def live_hubs(ws_demo, settings, tmp_path):
    """start(n) -> n daphne processes sharing this run's PostgreSQL test database and Redis."""
    if not settings.IS_POSTGRES or not settings.REDIS_URL:
        pytest.skip("needs PostgreSQL and Redis (DATABASE_URL, REDIS_URL); CI runs it there")
    hubs: list[LiveHub] = []

    def start(count: int = 1) -> list[LiveHub]:
        for _ in range(count):
            hubs.append(LiveHub(_free_port({h.port for h in hubs}), tmp_path))
        for hub in hubs[-count:]:
            hub.wait_ready()
        return hubs[-count:]

    yield start
    for hub in hubs:
        hub.stop()


def http_json(method: str, url: str, token: str | None = None, body: dict | None = None):
    """(status, parsed JSON) of one HTTP request; for the live-server tests."""
    import json
    import urllib.error
    import urllib.request

    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")
