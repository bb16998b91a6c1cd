"""Fault tests' tools: hub processes with chosen settings (tests/liveserver.py), an HTTP
client that shows headers, a TCP proxy that can be cut, a private redis-server
(docs/performance.md, "Reliability"). Everything listens on 127.0.0.1 only; every wait
has a bound.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.liveserver import free_port, live_servers


def wait_until(predicate, *, timeout: float, what: str, interval: float = 0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


@dataclass
class Reply:
    status: int
    headers: dict
    body: dict | None


def call(
    base: str,
    method: str,
    path: str,
    *,
    token: str | None = None,
    body: dict | None = None,
    headers: dict | None = None,
    timeout: float = 10,
) -> Reply:
    """One request; raises OSError (URLError, ConnectionResetError...) when nobody answers."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    for key, value in (headers or {}).items():
        request.add_header(key, value)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            raw = response.read()
            return Reply(response.status, dict(response.headers), json.loads(raw or b"null"))
    except urllib.error.HTTPError as error:
        raw = error.read()
        try:
            parsed = json.loads(raw or b"null")
        except ValueError:
            parsed = {"raw": raw[:500].decode("latin-1")}
        return Reply(error.code, dict(error.headers), parsed)


@pytest.fixture
def hubs(transactional_demo, tmp_path):
    """start(**env) -> a ready hub process (tests/liveserver.LiveServer: .http, .ws, .kill(),
    .log()); all are stopped after the test. Quiet logs, and a quick tail check: faults
    drop live messages, so the safety net must be quick."""
    with live_servers(
        name="reliability",
        log_dir=tmp_path,
        HUB_LOG_LEVEL="WARNING",
        HUB_STREAM_TAIL_CHECK_SECONDS="1",
    ) as start:
        yield lambda **env: start(**env)[0]


def token_for(username: str) -> str:
    from hub.models import Staff
    from hub.services.tokens import token_issue

    return token_issue(staff=Staff.objects.get(username=username))


class TcpProxy:
    """An asyncio TCP proxy in a thread: 127.0.0.1:port -> target. `cut()` drops every
    connection and refuses new ones (the target looks unreachable); `restore()` listens
    again on the same port."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.server: asyncio.base_events.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.restore()

    def _run(self, coro, timeout: float = 10):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    async def _pipe(self, reader, writer):
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _handle(self, client_reader, client_writer):
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.close()
            return
        self.writers.update({client_writer, server_writer})
        try:
            await asyncio.gather(
                self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer)
            )
        finally:
            self.writers.difference_update({client_writer, server_writer})

    async def _listen(self):
        self.server = await asyncio.start_server(
            self._handle, "127.0.0.1", self.port, reuse_address=True
        )

    async def _cut(self):
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()
            self.server = None
        for writer in list(self.writers):
            with contextlib.suppress(Exception):
                writer.transport.abort()
        self.writers.clear()

    def restore(self) -> None:
        self._run(self._listen())

    def cut(self) -> None:
        self._run(self._cut())

    async def _cancel_all(self):
        tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    def close(self) -> None:
        self.cut()
        self._run(self._cancel_all())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


class PrivateRedis:
    """A redis-server of our own on a free port, in memory only, that can be killed."""

    def __init__(self, log_dir: Path):
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.skip("redis-server is not installed")
        self.binary = binary
        self.port = free_port()
        self.log_path = log_dir / f"redis-{self.port}.log"
        self.process: subprocess.Popen | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [
                    self.binary,
                    "--port",
                    str(self.port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                    "--daemonize",
                    "no",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )

        def answers():
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    return s.recv(16).startswith(b"+PONG")
            except OSError:
                return False

        wait_until(answers, timeout=10, what=f"redis-server on {self.port}")

    def kill(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)


class ResumingScreen:
    """A screen as docs/realtime.md tells client authors to write one: on any close it
    reconnects (to the next of its URLs, so a dead worker is left for another one) with
    `?since=<last seq it has>`, and keeps every event's seq to be checked afterwards."""

    def __init__(self, urls: list[str]):
        self.urls = urls
        self.start_seq: int | None = None  # the hello seq of the first connection
        self.last: int | None = None
        self.seqs: list[int] = []
        self.connections = 0
        self.oddities: list[dict] = []
        self._stop = asyncio.Event()
        self._ws = None
        self.task: asyncio.Task | None = None

    def begin(self) -> None:
        self.task = asyncio.create_task(self._run())

    async def connected_once(self, timeout: float = 20) -> None:
        async with asyncio.timeout(timeout):
            while self.start_seq is None:
                await asyncio.sleep(0.05)

    async def _run(self) -> None:
        import websockets

        attempt = 0
        while not self._stop.is_set():
            url = self.urls[attempt % len(self.urls)]
            if self.last is not None:
                url += f"&since={self.last}"
            try:
                async with websockets.connect(url, open_timeout=5, close_timeout=2) as ws:
                    self._ws = ws
                    hello = json.loads(await asyncio.wait_for(ws.recv(), 5))
                    if hello.get("type") != "hello":
                        self.oddities.append(hello)
                        raise ConnectionError("no hello")
                    self.connections += 1
                    if self.start_seq is None:
                        self.start_seq = self.last = hello["seq"]
                    async for raw in ws:
                        message = json.loads(raw)
                        if message.get("type") in ("hello", "pong"):
                            continue
                        if "seq" not in message or message.get("type") == "resync_required":
                            self.oddities.append(message)
                            continue
                        self.seqs.append(message["seq"])
                        self.last = message["seq"]
            except (OSError, TimeoutError, ConnectionError, websockets.WebSocketException):
                attempt += 1  # refused, reset, closed by the server: try the next URL
            finally:
                self._ws = None
            if not self._stop.is_set():
                await asyncio.sleep(0.2)

    async def caught_up(self, seq: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.last is not None and self.last >= seq:
                return True
            await asyncio.sleep(0.1)
        return False

    async def stop(self) -> None:
        self._stop.set()
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
        if self.task is not None:
            await asyncio.wait([self.task], timeout=5)
            self.task.cancel()

    def expected(self, final_seq: int) -> list[int]:
        return list(range((self.start_seq or 0) + 1, final_seq + 1))


def stream_seqs(stream: str) -> list[int]:
    from hub.models import Event

    return list(Event.objects.filter(stream=stream).order_by("seq").values_list("seq", flat=True))


@pytest.fixture
async def async_db_released():
    """For async tests: afterwards give back the connection that sync_to_async's thread
    took, so the test database can be dropped at the end of the run."""
    yield
    from asgiref.sync import sync_to_async
    from django.db import connections

    await sync_to_async(connections.close_all)()
