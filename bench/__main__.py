"""python -m bench: throughput and live-event latency, each beside its floor (docs/performance.md).

Starts the hub itself on 127.0.0.1 (PostgreSQL + Redis by default, `--embedded`
for SQLite + in-memory), loads the demo into a fresh database, and prints one
JSON document:
- http: rps and p50/p99 for create order, get order (20 items), send KOT, pay,
  and the floor (a no-database JSON view in the same process, /bench/floor),
  each with its ratio to the floor;
- events: N WebSocket screens on kitchen and floor streams while orders flow,
  latency to receipt (p50/p99/max), lost and doubled events (must be 0),
  memory per connection; the same with two workers sharing Redis;
- channel_layer: a bare group_send round trip, the floor of event latency, and
  the event latency's ratio to it;
- reports (`--reports N`): N paid orders seeded, GET /reports/sales per group_by and
  /reports/gst timed over them, and the item query's plan (bench/reports.py).
Timings are noisy on shared machines: compare ratios, and medians of runs.
Settings toggles in the environment (HUB_DB_POOL=0, HUB_CHANNEL_LAYER=pubsub ...)
reach the servers; `--server uvicorn` and `--layer pubsub` are the comparisons.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
from pathlib import Path

from bench import server
from bench.httpclient import Connection, load

ROOT = Path(__file__).resolve().parent.parent
TOGGLES = (
    "HUB_DB_POOL",
    "HUB_DB_SERVER_SIDE_BINDING",
    "HUB_DB_POOL_MAX_SIZE",
    "HUB_CHANNEL_LAYER",
)


async def login(port: int, username: str) -> str:
    conn = Connection("127.0.0.1", port)
    reply = await conn.request(
        "POST", "/api/v1/auth/login", body={"username": username, "password": "demo1234"}
    )
    await conn.close()
    return reply.json()["data"]["token"]


def takeaway(items: int = 2) -> dict:
    """Two lines by default: Paneer Tikka (kitchen 1) and Masala Chai (bar), so a KOT
    send makes two KOTs, as a real table's order does."""
    return {
        "order_type_id": 2,
        "items": [{"menu_item_id": 15 if i % 2 == 0 else 16, "quantity": 1} for i in range(items)],
    }


async def create_orders(
    port: int, token: str, count: int, *, items: int = 2, concurrency: int = 4
) -> list[dict]:
    """`count` orders (fixtures for the timed runs), made over a few connections."""
    made: list[dict] = []
    remaining = iter(range(count))

    async def worker():
        conn = Connection("127.0.0.1", port)
        for _ in remaining:
            reply = await conn.request(
                "POST", "/api/v1/pos/orders", token=token, body=takeaway(items)
            )
            if reply.status != 201:
                raise RuntimeError(f"create order answered {reply.status}: {reply.body[:300]!r}")
            made.append(reply.json()["data"])
        await conn.close()

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return made


async def http_suite(port: int, *, requests: int, concurrency: int) -> dict:
    cashier = await login(port, "cashier")
    [big] = await create_orders(port, cashier, 1, items=20)
    if len(big["items"]) != 20:
        raise RuntimeError(f"the big order has {len(big['items'])} items, not 20")
    scenarios = {
        "floor": lambda i: ("GET", "/bench/floor", {}),
        "create_order": lambda i: (
            "POST",
            "/api/v1/pos/orders",
            {"token": cashier, "body": takeaway()},
        ),
        "get_order_20_items": lambda i: (
            "GET",
            f"/api/v1/pos/orders/{big['id']}",
            {"token": cashier},
        ),
    }
    # warm up: first requests import modules, fill caches and the connection pool
    for make in scenarios.values():
        await load("127.0.0.1", port, make, total=concurrency * 4, concurrency=concurrency)

    results: dict = {}
    for name, make in scenarios.items():
        results[name] = await load("127.0.0.1", port, make, total=requests, concurrency=concurrency)
    to_send = await create_orders(port, cashier, requests)
    results["send_kot"] = await load(
        "127.0.0.1",
        port,
        lambda i: ("POST", f"/api/v1/pos/orders/{to_send[i]['id']}/kot", {"token": cashier}),
        total=requests,
        concurrency=concurrency,
    )
    to_pay = await create_orders(port, cashier, requests)
    results["pay"] = await load(
        "127.0.0.1",
        port,
        lambda i: (
            "POST",
            f"/api/v1/pos/orders/{to_pay[i]['id']}/payment",
            {"token": cashier, "body": {"payment_method": "card", "amount": to_pay[i]["total"]}},
        ),
        total=requests,
        concurrency=concurrency,
    )
    floor = results["floor"]
    for figures in results.values():
        figures["rps_ratio_to_floor"] = round(figures["rps"] / (floor["rps"] or 1), 3)
        figures["p50_ratio_to_floor"] = round(figures["p50_ms"] / (floor["p50_ms"] or 1), 2)
    return results


def run_events(env: dict, ports: list[int], pids: list[int], args) -> dict:
    from bench.events import events_suite

    return asyncio.run(
        events_suite(ports, screens=args.screens, orders=args.orders, rate=args.rate, pids=pids)
    )


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
        help="dropped and created afresh (default: %(default)s)",
    )
    parser.add_argument(
        "--redis-url", default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
    )
    parser.add_argument("--requests", type=int, default=200, help="per HTTP scenario")
    parser.add_argument("--concurrency", type=int, default=8, help="keep-alive connections")
    parser.add_argument("--screens", type=int, default=500, help="WebSocket screens")
    parser.add_argument("--orders", type=int, default=40, help="orders during the event test")
    parser.add_argument("--rate", type=float, default=5.0, help="orders per second")
    parser.add_argument("--server", choices=["daphne", "uvicorn"], default="daphne")
    parser.add_argument(
        "--layer",
        choices=["core", "pubsub"],
        default=os.environ.get("HUB_CHANNEL_LAYER", "core"),
        help="channels-redis layer (HUB_CHANNEL_LAYER)",
    )
    parser.add_argument(
        "--skip", action="append", default=[], choices=["http", "events", "layer", "two_workers"]
    )
    parser.add_argument(
        "--reports",
        type=int,
        default=0,
        metavar="N",
        help="seed N paid orders and time GET /reports/* over them (PostgreSQL; "
        "docs/performance.md Reports)",
    )
    parser.add_argument("--output", help="also write the JSON to this file")
    args = parser.parse_args(argv)

    env = server.bench_env(
        database_url=None if args.embedded else args.database_url,
        redis_url=None if args.embedded else args.redis_url,
        var_dir=ROOT / "var" / "bench",
    )
    env["HUB_CHANNEL_LAYER"] = args.layer
    server.prepare_database(env)
    report: dict = {
        "setup": {
            "embedded": args.embedded,
            "server": args.server,
            "channel_layer": "in-memory" if args.embedded else args.layer,
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
            "requests_per_scenario": args.requests,
            "concurrency": args.concurrency,
            "toggles": {k: os.environ[k] for k in TOGGLES if k in os.environ},
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
            report["events"] = run_events(env, [port], [process.pid], args)
        if args.reports and not args.embedded:
            from bench import reports

            report["reports"] = reports.run(
                env,
                port,
                asyncio.run(login(port, "manager")),
                asyncio.run(login(port, "cashier")),
                args.database_url,
                args.reports,
            )
    finally:
        server.stop_server(process)
    if "layer" not in args.skip:
        from bench.events import channel_layer_floor

        report["channel_layer"] = floor = channel_layer_floor(env)
        if "events" in report:
            report["channel_layer"]["event_p50_ratio_to_floor"] = round(
                report["events"]["latency_ms"]["p50"] / (floor["p50_ms"] or 1), 1
            )
    if "two_workers" not in args.skip and not args.embedded and "events" not in args.skip:
        ports = [server.free_port(), server.free_port()]
        workers = [server.start_server(env, p, server=args.server) for p in ports]
        try:
            report["events_two_workers"] = run_events(env, ports, [w.pid for w in workers], args)
        finally:
            for w in workers:
                server.stop_server(w)
    report["setup"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    text = json.dumps(report, indent=2)
    print(text)
    if args.output:
        Path(args.output).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
