"""A tiny keep-alive HTTP/1.1 client on asyncio streams, for load generation on loopback.

Hand-written because the benchmark must add as little client overhead and as few
dependencies as possible; it only speaks what the hub answers (Content-Length bodies).
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass


@dataclass
class Reply:
    status: int
    body: bytes

    def json(self):
        return json.loads(self.body)


class Connection:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    async def close(self) -> None:
        if self.writer:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass

    async def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        body: dict | None = None,
        headers: dict | None = None,
    ) -> Reply:
        if self.writer is None:
            await self.open()
        payload = json.dumps(body).encode() if body is not None else b""
        lines = [
            f"{method} {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            f"Content-Length: {len(payload)}",
            "Connection: keep-alive",
        ]
        if payload:
            lines.append("Content-Type: application/json")
        if token:
            lines.append(f"Authorization: Bearer {token}")
        for key, value in (headers or {}).items():
            lines.append(f"{key}: {value}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + payload)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("server closed the connection")
        status = int(status_line.split()[1])
        length, close = 0, False
        while True:
            line = await self.reader.readline()
            if line in (b"\r\n", b"\n", b""):
                break
            name, _, value = line.decode("latin-1").partition(":")
            name = name.strip().lower()
            if name == "content-length":
                length = int(value.strip())
            elif name == "connection" and value.strip().lower() == "close":
                close = True
        body_bytes = await self.reader.readexactly(length) if length else b""
        if close:
            await self.close()
            self.writer = None
        return Reply(status, body_bytes)


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


async def load(host: str, port: int, make_request, *, total: int, concurrency: int) -> dict:
    """Run `total` requests with `concurrency` keep-alive connections.

    make_request(i) -> (method, path, kwargs); returns rps, p50/p99 in ms, errors.
    """
    latencies: list[float] = []
    errors: dict[int, int] = {}
    counter = iter(range(total))

    async def worker():
        conn = Connection(host, port)
        try:
            for i in counter:
                method, path, kwargs = make_request(i)
                started = time.perf_counter()
                reply = await conn.request(method, path, **kwargs)
                latencies.append((time.perf_counter() - started) * 1000)
                if reply.status >= 300:
                    errors[reply.status] = errors.get(reply.status, 0) + 1
        finally:
            await conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {
        "requests": total,
        "concurrency": concurrency,
        "rps": round(total / elapsed, 1),
        "p50_ms": round(percentile(latencies, 50), 2),
        "p99_ms": round(percentile(latencies, 99), 2),
        "errors": errors,
    }
