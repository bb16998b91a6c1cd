"""python -m bench: throughput and live-event latency, each beside its floor (docs/performance.md).

Starts the hub itself on 127.0.0.1 (PostgreSQL + Redis by default, `--embedded`
for SQLite + in-memory), loads the demo, and prints one JSON document:
- http: rps and p50/p99 for create order, get order (20 items), send KOT, pay,
  and the floor (a no-database JSON view in the same process), with ratios;
- events: N WebSocket screens on kitchen and floor streams while orders flow,
  commit-to-receipt latency, lost and doubled events, memory per connection;
- channel_layer: a bare group_send round trip, the floor of event latency.
Timings are noisy on shared machines: compare ratios, and medians of runs.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from pathlib import Path

from bench import server
from bench.httpclient import Connection, load

ROOT = Path(__file__).resolve().parent.parent


async def login(port: int, username: str) -> str:
    conn = Connection("127.0.0.1", port)
    reply = await conn.request(
        "POST", "/api/v1/auth/login", body={"username": username, "password": "demo1234"}
    )
    await conn.close()
    return reply.json()["data"]["token"]


def takeaway(items: int = 2) -> dict:
    return {
        "order_type_id": 2,
        "items": [{"menu_item_id": 15 if i % 2 == 0 else 16, "quantity": 1} for i in range(items)],
    }


async def create_orders(port: int, token: str, count: int, items: int = 2) -> list[int]:
    ids: list[int] = []
    conn = Connection("127.0.0.1", port)
    for _ in range(count):
        reply = await conn.request("POST", "/api/v1/pos/orders", token=token, body=takeaway(items))
        if reply.status != 201:
            raise RuntimeError(f"create order answered {reply.status}: {reply.body[:300]!r}")
        ids.append(reply.json()["data"]["id"])
    await conn.close()
    return ids


async def http_suite(port: int, *, requests: int, concurrency: int) -> dict:
    cashier = await login(port, "cashier")
    results: dict = {}
    results["floor"] = await load(
        "127.0.0.1",
        port,
        lambda i: ("GET", "/bench/floor", {}),
        total=requests,
        concurrency=concurrency,
    )
    results["create_order"] = await load(
        "127.0.0.1",
        port,
        lambda i: ("POST", "/api/v1/pos/orders", {"token": cashier, "body": takeaway()}),
        total=requests,
        concurrency=concurrency,
    )
    [big] = await create_orders(port, cashier, 1, items=20)
    results["get_order_20_items"] = await load(
        "127.0.0.1",
        port,
        lambda i: ("GET", f"/api/v1/pos/orders/{big}", {"token": cashier}),
        total=requests,
        concurrency=concurrency,
    )
    to_send = await create_orders(port, cashier, requests)
    results["send_kot"] = await load(
        "127.0.0.1",
        port,
        lambda i: ("POST", f"/api/v1/pos/orders/{to_send[i]}/kot", {"token": cashier}),
        total=requests,
        concurrency=concurrency,
    )
    to_pay = await create_orders(port, cashier, requests)
    conn = Connection("127.0.0.1", port)
    totals = {}
    for order_id in to_pay:
        totals[order_id] = (
            await conn.request("GET", f"/api/v1/pos/orders/{order_id}", token=cashier)
        ).json()["data"]["total"]
    await conn.close()
    results["pay"] = await load(
        "127.0.0.1",
        port,
        lambda i: (
            "POST",
            f"/api/v1/pos/orders/{to_pay[i]}/payment",
            {"token": cashier, "body": {"payment_method": "card", "amount": totals[to_pay[i]]}},
        ),
        total=requests,
        concurrency=concurrency,
    )
    floor = results["floor"]["rps"] or 1
    for figures in results.values():
        figures["ratio_to_floor"] = round(figures["rps"] / floor, 3)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--embedded", action="store_true", help="SQLite + in-memory layer")
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/hub_bench"
        ),
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
    )
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--screens", type=int, default=500)
    parser.add_argument(
        "--orders", type=int, default=40, help="orders flowing during the event test"
    )
    parser.add_argument(
        "--rate", type=float, default=10.0, help="orders per second during the event test"
    )
    parser.add_argument("--server", choices=["daphne", "uvicorn"], default="daphne")
    parser.add_argument(
        "--skip", action="append", default=[], choices=["http", "events", "layer", "two_workers"]
    )
    args = parser.parse_args(argv)

    env = server.bench_env(
        database_url=None if args.embedded else args.database_url,
        redis_url=None if args.embedded else args.redis_url,
        var_dir=ROOT / "var" / "bench",
    )
    server.prepare_database(env)
    report: dict = {
        "setup": {
            "embedded": args.embedded,
            "server": args.server,
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
        }
    }
    port = server.free_port()
    process = server.start_server(env, port, server=args.server)
    try:
        if "http" not in args.skip:
            report["http"] = asyncio.run(
                http_suite(port, requests=args.requests, concurrency=args.concurrency)
            )
        if "events" not in args.skip:
            from bench.events import events_suite

            report["events"] = asyncio.run(
                events_suite(
                    [port],
                    screens=args.screens,
                    orders=args.orders,
                    rate=args.rate,
                    pid=process.pid,
                )
            )
        if "layer" not in args.skip and not args.embedded:
            from bench.events import channel_layer_floor

            report["channel_layer"] = channel_layer_floor(env)
    finally:
        process.terminate()
        process.wait(10)
    if "two_workers" not in args.skip and not args.embedded and "events" not in args.skip:
        from bench.events import events_suite

        ports = [server.free_port(), server.free_port()]
        workers = [server.start_server(env, p, server=args.server) for p in ports]
        try:
            report["events_two_workers"] = asyncio.run(
                events_suite(
                    ports, screens=args.screens, orders=args.orders, rate=args.rate, pid=None
                )
            )
        finally:
            for w in workers:
                w.terminate()
                w.wait(10)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
