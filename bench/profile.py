"""In-process cost of each benchmarked request: milliseconds and SQL queries per request.

docs/performance.md ("Profiling"). The HTTP figures of `python -m bench` include
the ASGI server, the client and whatever else the machine is doing; this runs the
same requests through Django's test client in one process, so before/after
comparisons of a code change are steadier, and `--profile` shows where the time
goes (pyinstrument, from the `bench` extra).

Usage (against an already migrated and seeded database, e.g. the bench's):
    DATABASE_URL=postgres://... python -m bench.profile [--n 200] [--profile kot]
Prints one JSON document: per scenario ms per request (median of --rounds) and
queries per request.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    os.environ.setdefault("HUB_BENCH_FLOOR", "1")
    os.environ.setdefault("HUB_LOG_LEVEL", "WARNING")
    import django

    django.setup()


SCENARIOS = ("floor", "create_order", "get_order_20_items", "send_kot", "pay")


def takeaway(items: int = 2) -> dict:
    return {
        "order_type_id": 2,
        "items": [{"menu_item_id": 15 if i % 2 == 0 else 16, "quantity": 1} for i in range(items)],
    }


class Scenarios:
    def __init__(self) -> None:
        from django.test import Client

        self.client = Client()
        reply = self.client.post(
            "/api/v1/auth/login",
            {"username": "cashier", "password": "demo1234"},
            content_type="application/json",
        )
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {reply.json()['data']['token']}"}

    def post(self, path: str, body: dict | None = None):
        return self.client.post(path, body or {}, content_type="application/json", **self.headers)

    def get(self, path: str):
        return self.client.get(path, **self.headers)

    def create(self, items: int = 2) -> int:
        return self.post("/api/v1/pos/orders", takeaway(items)).json()["data"]["id"]

    def prepare(self, scenario: str, n: int):
        """Returns request(i) for the scenario, with its fixtures made beforehand."""
        if scenario == "floor":
            return lambda i: self.client.get("/bench/floor")
        if scenario == "create_order":
            return lambda i: self.post("/api/v1/pos/orders", takeaway())
        if scenario == "get_order_20_items":
            big = self.create(20)
            return lambda i: self.get(f"/api/v1/pos/orders/{big}")
        if scenario == "send_kot":
            ids = [self.create() for _ in range(n)]
            return lambda i: self.post(f"/api/v1/pos/orders/{ids[i]}/kot")
        if scenario == "pay":
            ids = [self.create() for _ in range(n)]
            totals = [self.get(f"/api/v1/pos/orders/{i}").json()["data"]["total"] for i in ids]
            return lambda i: self.post(
                f"/api/v1/pos/orders/{ids[i]}/payment",
                {"payment_method": "card", "amount": totals[i]},
            )
        raise ValueError(scenario)


def measure(scenarios: Scenarios, name: str, *, n: int, rounds: int, profile: bool) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    per_round: list[float] = []
    queries = 0
    profiler = None
    for round_no in range(rounds):
        request = scenarios.prepare(name, n)
        if name in ("floor", "create_order", "get_order_20_items"):
            request(0)  # warm: first-use imports and caches are not the steady state
        if profile and round_no == rounds - 1:
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            for i in range(n):
                reply = request(i)
                if reply.status_code >= 300:
                    raise RuntimeError(
                        f"{name} answered {reply.status_code}: {reply.content[:300]}"
                    )
            per_round.append((time.perf_counter() - started) / n * 1000)
        queries = len(captured.captured_queries) / n
        if profiler:
            profiler.stop()
    result = {
        "ms_per_request": round(statistics.median(per_round), 3),
        "queries_per_request": round(queries, 2),
    }
    if profiler:
        result["profile"] = profiler.output_text(unicode=False, color=False)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100, help="requests per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--only", action="append", choices=SCENARIOS)
    parser.add_argument("--profile", choices=SCENARIOS, help="print a pyinstrument profile")
    args = parser.parse_args(argv)
    _setup_django()
    from django.db import connection

    scenarios = Scenarios()
    report: dict = {
        "database": connection.vendor,
        "server_side_binding": bool(
            connection.settings_dict.get("OPTIONS", {}).get("server_side_binding")
        ),
    }
    profile_text = None
    for name in args.only or SCENARIOS:
        figures = measure(
            scenarios, name, n=args.n, rounds=args.rounds, profile=name == args.profile
        )
        profile_text = figures.pop("profile", profile_text)
        report[name] = figures
    print(json.dumps(report, indent=2))
    if profile_text:
        print(profile_text, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
