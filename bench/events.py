"""Live-event figures: N screens, orders flowing, latency from commit to receipt, loss and doubles."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import datetime
from pathlib import Path

import websockets

from bench.httpclient import Connection, percentile


def rss_kib(pid: int | None) -> int | None:
    if pid is None:
        return None
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return None


async def _login(port: int, username: str) -> str:
    conn = Connection("127.0.0.1", port)
    reply = await conn.request(
        "POST", "/api/v1/auth/login", body={"username": username, "password": "demo1234"}
    )
    await conn.close()
    return reply.json()["data"]["token"]


class Screen:
    def __init__(self, url: str):
        self.url = url
        self.seqs: list[int] = []
        self.latencies: list[float] = []
        self.hello_seq = 0
        self.ws = None
        self.task = None

    async def connect(self):
        self.ws = await websockets.connect(self.url, max_queue=None, open_timeout=60)
        hello = json.loads(await self.ws.recv())
        self.hello_seq = hello["seq"]
        self.task = asyncio.create_task(self._read())

    async def _read(self):
        try:
            async for raw in self.ws:
                message = json.loads(raw)
                if "seq" in message and message.get("type") not in ("hello", "pong"):
                    now = time.time()
                    self.seqs.append(message["seq"])
                    at = datetime.fromisoformat(message["at"]).timestamp()
                    self.latencies.append((now - at) * 1000)
        except websockets.ConnectionClosed:
            pass

    async def close(self):
        if self.ws:
            await self.ws.close()
        if self.task:
            await asyncio.wait([self.task], timeout=5)


async def events_suite(
    ports: list[int], *, screens: int, orders: int, rate: float, pid: int | None
) -> dict:
    chef = await _login(ports[0], "chef")
    waiter = await _login(ports[0], "waiter")
    rss_before = rss_kib(pid)
    all_screens = []
    for i in range(screens):
        port = ports[i % len(ports)]
        if i % 2 == 0:
            url = f"ws://127.0.0.1:{port}/ws/v1/kitchens/1/?token={chef}"
        else:
            url = f"ws://127.0.0.1:{port}/ws/v1/floor/?token={waiter}"
        all_screens.append(Screen(url))
    connect_started = time.perf_counter()
    for start in range(0, screens, 50):
        await asyncio.gather(*(s.connect() for s in all_screens[start : start + 50]))
    connect_seconds = time.perf_counter() - connect_started
    await asyncio.sleep(1)
    rss_after = rss_kib(pid)

    # Orders flow at a steady rate through the first port: each makes a KOT (kitchen
    # stream) and a table status change (floor stream).
    conn = Connection("127.0.0.1", ports[0])
    for i in range(orders):
        tick = time.perf_counter()
        reply = await conn.request(
            "POST",
            "/api/v1/pos/orders",
            token=waiter,
            body={"order_type_id": 2, "items": [{"menu_item_id": 15, "quantity": 1}]},
        )
        order_id = reply.json()["data"]["id"]
        await conn.request("POST", f"/api/v1/pos/orders/{order_id}/kot", token=waiter)
        table_id = 1 + (i % 12)
        status = "reserved" if (i // 12) % 2 == 0 else "free"
        await conn.request(
            "PUT", f"/api/v1/pos/tables/{table_id}/status", token=waiter, body={"status": status}
        )
        await asyncio.sleep(max(0.0, 1 / rate - (time.perf_counter() - tick)))
    await conn.close()
    await asyncio.sleep(3)  # let the last events arrive
    for s in all_screens:
        await s.close()

    expected_by_kind = {}
    for s in all_screens:
        kind = "kitchen" if "/kitchens/" in s.url else "floor"
        if s.seqs:
            expected_by_kind[kind] = max(expected_by_kind.get(kind, 0), max(s.seqs))
    lost = doubled = 0
    latencies: list[float] = []
    for s in all_screens:
        kind = "kitchen" if "/kitchens/" in s.url else "floor"
        expected = set(range(s.hello_seq + 1, expected_by_kind.get(kind, s.hello_seq) + 1))
        got = s.seqs
        doubled += len(got) - len(set(got))
        lost += len(expected - set(got))
        latencies.extend(s.latencies)
    return {
        "screens": screens,
        "workers": len(ports),
        "orders": orders,
        "events_received": len(latencies),
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 2),
            "p99": round(percentile(latencies, 99), 2),
            "max": round(max(latencies), 2) if latencies else None,
        },
        "lost": lost,
        "doubled": doubled,
        "connect_seconds": round(connect_seconds, 2),
        "memory_per_connection_kib": (
            round((rss_after - rss_before) / screens, 1) if rss_before and rss_after else None
        ),
    }


def channel_layer_floor(env: dict, rounds: int = 300) -> dict:
    """A bare group_send -> receive round trip on the same Redis: event latency's floor."""
    from channels_redis.core import RedisChannelLayer

    async def run():
        layer = RedisChannelLayer(hosts=[env["REDIS_URL"]], prefix="benchfloor")
        channel = await layer.new_channel()
        await layer.group_add("floor-test", channel)
        latencies = []
        for i in range(rounds):
            started = time.perf_counter()
            await layer.group_send("floor-test", {"type": "x", "i": i})
            await layer.receive(channel)
            latencies.append((time.perf_counter() - started) * 1000)
        await layer.group_discard("floor-test", channel)
        await layer.flush()
        return latencies

    latencies = asyncio.run(run())
    return {
        "rounds": rounds,
        "p50_ms": round(percentile(latencies, 50), 3),
        "p99_ms": round(percentile(latencies, 99), 3),
    }
