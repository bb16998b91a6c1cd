"""Live-event figures: N screens, orders flowing, latency to receipt, loss and doubles.

docs/performance.md ("Live events"). Half the screens watch kitchen 1 (as the
chef), half the floor (as a waiter), spread over the workers' ports. Orders then
flow through the first worker at a steady rate: each is created, sent to the
kitchen (`kot.created` on kitchen.1) and a free table is toggled reserved/free
(`table.status_changed` on floor.1). Every screen must receive every event after
its hello exactly once: the expected range is checked against the stream's real
last seq, read from a fresh connection's hello at the end (so an event that no
screen received still counts as lost).

Latency is measured from the event's `at` (its outbox row's created_at, taken in
the change's transaction just before COMMIT) to the moment the screen's client
parsed it: commit, publish, the channel layer, the consumer and the socket. Client
and server share the machine's clock.
"""

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
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def total_rss_kib(pids: list[int]) -> int | None:
    values = [rss_kib(pid) for pid in pids]
    return sum(values) if values and all(v is not None for v in values) else None


async def login(port: int, username: str) -> str:
    conn = Connection("127.0.0.1", port)
    reply = await conn.request(
        "POST", "/api/v1/auth/login", body={"username": username, "password": "demo1234"}
    )
    await conn.close()
    if reply.status != 200:
        raise RuntimeError(f"login {username} answered {reply.status}: {reply.body[:200]!r}")
    return reply.json()["data"]["token"]


class Screen:
    def __init__(self, url: str, kind: str):
        self.url = url
        self.kind = kind
        self.seqs: list[int] = []
        self.latencies: list[float] = []
        self.unexpected: list[str] = []
        self.hello_seq = 0
        self.ws = None
        self.task = None

    async def connect(self):
        self.ws = await websockets.connect(self.url, max_queue=None, open_timeout=120)
        hello = json.loads(await self.ws.recv())
        if hello.get("type") != "hello":
            raise RuntimeError(f"expected hello, got {hello}")
        self.hello_seq = hello["seq"]
        self.task = asyncio.create_task(self._read())

    async def _read(self):
        try:
            async for raw in self.ws:
                now = time.time()
                message = json.loads(raw)
                kind = message.get("type")
                if kind == "pong":
                    continue
                if "seq" not in message or kind in ("hello", "resync_required", "error"):
                    self.unexpected.append(kind or "?")
                    continue
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


async def last_seq(url: str) -> int:
    async with websockets.connect(url, open_timeout=60) as ws:
        return json.loads(await ws.recv())["seq"]


async def _free_tables(conn: Connection, token: str) -> list[int]:
    reply = await conn.request("GET", "/api/v1/pos/tables?per_page=100", token=token)
    return [t["id"] for t in reply.json()["data"] if t["status"] in ("free", "reserved")]


async def events_suite(
    ports: list[int],
    *,
    screens: int,
    orders: int,
    rate: float,
    pids: list[int],
) -> dict:
    chef = await login(ports[0], "chef")
    waiter = await login(ports[0], "waiter")
    # warm every worker first (imports, pools, layer connections), so the memory
    # difference below is the connections' and not the first request's
    for port in ports:
        for url in (
            f"ws://127.0.0.1:{port}/ws/v1/kitchens/1/?token={chef}",
            f"ws://127.0.0.1:{port}/ws/v1/floor/?token={waiter}",
        ):
            await last_seq(url)
    await asyncio.sleep(1)
    rss_before = total_rss_kib(pids)
    urls = {
        "kitchen": "ws://127.0.0.1:{port}/ws/v1/kitchens/1/?token=" + chef,
        "floor": "ws://127.0.0.1:{port}/ws/v1/floor/?token=" + waiter,
    }
    all_screens = []
    for i in range(screens):
        kind = "kitchen" if i % 2 == 0 else "floor"
        port = ports[(i // 2) % len(ports)]
        all_screens.append(Screen(urls[kind].format(port=port), kind))
    connect_started = time.perf_counter()
    for start in range(0, screens, 50):
        await asyncio.gather(*(s.connect() for s in all_screens[start : start + 50]))
    connect_seconds = time.perf_counter() - connect_started
    await asyncio.sleep(2)  # let the servers settle before reading their memory
    rss_after = total_rss_kib(pids)

    conn = Connection("127.0.0.1", ports[0])
    tables = await _free_tables(conn, waiter)
    reserved: set[int] = set()
    errors: dict[str, int] = {}

    def check(what: str, reply) -> None:
        if reply.status >= 300:
            key = f"{what} {reply.status}"
            errors[key] = errors.get(key, 0) + 1

    flow_started = time.perf_counter()
    for i in range(orders):
        tick = time.perf_counter()
        reply = await conn.request(
            "POST",
            "/api/v1/pos/orders",
            token=waiter,
            body={"order_type_id": 2, "items": [{"menu_item_id": 15, "quantity": 1}]},
        )
        check("create order", reply)
        if reply.status == 201:
            order_id = reply.json()["data"]["id"]
            check(
                "send kot",
                await conn.request("POST", f"/api/v1/pos/orders/{order_id}/kot", token=waiter),
            )
        if tables:
            table_id = tables[i % len(tables)]
            status = "free" if table_id in reserved else "reserved"
            reply = await conn.request(
                "PUT",
                f"/api/v1/pos/tables/{table_id}/status",
                token=waiter,
                body={"status": status},
            )
            check("table status", reply)
            reserved.symmetric_difference_update({table_id})
        await asyncio.sleep(max(0.0, 1 / rate - (time.perf_counter() - tick)))
    flow_seconds = time.perf_counter() - flow_started
    # put the floor back as it was, then let the last events arrive
    for table_id in sorted(reserved):
        await conn.request(
            "PUT", f"/api/v1/pos/tables/{table_id}/status", token=waiter, body={"status": "free"}
        )
    await conn.close()
    await asyncio.sleep(3)
    final = {kind: await last_seq(url.format(port=ports[-1])) for kind, url in urls.items()}
    for s in all_screens:
        await s.close()

    lost = doubled = unexpected = 0
    latencies: list[float] = []
    for s in all_screens:
        expected = set(range(s.hello_seq + 1, final[s.kind] + 1))
        got = s.seqs
        doubled += len(got) - len(set(got))
        lost += len(expected - set(got))
        unexpected += len(s.unexpected) + len(set(got) - expected)
        latencies.extend(s.latencies)
    return {
        "screens": screens,
        "workers": len(ports),
        "orders": orders,
        "orders_per_second": round(orders / flow_seconds, 2),
        "events_per_stream": {
            kind: final[kind] - min((s.hello_seq for s in all_screens if s.kind == kind), default=0)
            for kind in urls
        },
        "deliveries": len(latencies),
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 2),
            "p99": round(percentile(latencies, 99), 2),
            "max": round(max(latencies), 2) if latencies else None,
        },
        "lost": lost,
        "doubled": doubled,
        "unexpected": unexpected,
        "http_errors": errors,
        "connect_seconds": round(connect_seconds, 2),
        "server_rss_mib": round(rss_after / 1024, 1) if rss_after else None,
        "memory_per_connection_kib": (
            round((rss_after - rss_before) / screens, 1)
            if rss_before is not None and rss_after is not None
            else None
        ),
    }


def channel_layer_floor(env: dict, rounds: int = 300) -> dict:
    """A bare group_send -> receive round trip through the layer the server uses.

    Run in this (client) process with the server's own layer settings: the floor
    under event latency, which adds the database commit, the publisher, the
    consumer and the WebSocket.
    """
    import os

    os.environ.update({k: v for k, v in env.items() if k.startswith(("HUB_", "REDIS_"))})
    if "REDIS_URL" not in env:
        os.environ.pop("REDIS_URL", None)  # embedded: the in-memory layer
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    import django

    django.setup()
    from channels.layers import get_channel_layer

    async def run():
        layer = get_channel_layer()
        channel = await layer.new_channel()
        await layer.group_add("bench-floor", channel)
        latencies = []
        for i in range(rounds + 20):
            started = time.perf_counter()
            await layer.group_send("bench-floor", {"type": "x", "i": i})
            await layer.receive(channel)
            if i >= 20:  # the first rounds open connections
                latencies.append((time.perf_counter() - started) * 1000)
        await layer.group_discard("bench-floor", channel)
        if hasattr(layer, "flush"):
            await layer.flush()
        return type(layer).__name__, latencies

    name, latencies = asyncio.run(run())
    return {
        "layer": name,
        "rounds": rounds,
        "p50_ms": round(percentile(latencies, 50), 3),
        "p99_ms": round(percentile(latencies, 99), 3),
    }
