"""What the KOT acknowledgement timer costs (hub/services/kitchen_ack.py; docs/performance.md
"The acknowledgement timer"), beside its floor in the same run.

Usage: python -m bench.kot_ack --database-url postgres://postgres@127.0.0.1:5432/hub_bench \
           [--kots 200] [--open 300]
DROPS and creates that database, loads the demo, then:
- idle: a round of the timer with `--open` live tickets, all seen or not due yet (what
  hub_worker runs every second all day), against the floor: one `SELECT 1` round trip;
- due, one timer: `--kots` tickets past kot_ack_seconds in one round: ms and queries per
  ticket (each is its own transaction: locks, the print job, two outbox rows), and the
  ms in `SELECT 1` round trips taken right after (the figure that survives a loaded box);
- due, two timers: `--kots` more, handled by two threads racing round after round (two
  hub_workers): wall time, and that each ticket was handled once (one print job, one
  kot.unseen on the expo stream, one on the orders stream, none missed);
- GET /expo over those open orders through the Django test client: time and queries of
  a page of 100 orders.
Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import threading
import time
from datetime import timedelta


def _database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def _setup(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0)


def _orders(count: int) -> list:
    """`count` takeaway orders of outlet 1 sent to the main kitchen, one KOT each."""
    from hub.models import Staff
    from hub.services.kitchen import kot_send
    from hub.services.orders import ItemInput, order_create

    waiter = Staff.objects.get(username="waiter")
    kots = []
    for _ in range(count):
        order = order_create(
            outlet=waiter.outlet,
            by=waiter,
            order_type_id=2,
            items=[ItemInput(menu_item_id=15, quantity=1)],
        )
        kots += kot_send(order_id=order.pk, outlet=waiter.outlet, by=waiter)
    return kots


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/hub_bench")
    parser.add_argument("--kots", type=int, default=200)
    parser.add_argument("--open", type=int, default=300)
    args = parser.parse_args(argv)
    _database(args.database_url)
    _setup(args.database_url)

    from django.db import close_old_connections, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from hub.models import Event, Kot, Outlet, PrintJob, Staff
    from hub.services.kitchen_ack import kots_unseen_due, kots_unseen_handle
    from hub.services.tokens import token_issue

    Outlet.objects.filter(pk=1).update(auto_print_kot=False, kot_ack_seconds=30)
    open_kots = _orders(args.open)

    # --- idle rounds: nothing due (seen, or not old enough) --------------------------
    Kot.objects.filter(pk__in=[k.pk for k in open_kots[: args.open // 2]]).update(
        seen_at=timezone.now()
    )
    rounds, floor = [], []
    for _ in range(50):
        started = time.perf_counter()
        assert kots_unseen_handle() == []
        rounds.append(time.perf_counter() - started)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        floor.append(time.perf_counter() - started)
    idle_ms, floor_ms = _ms(statistics.median(rounds)), _ms(statistics.median(floor))

    # --- due, one timer: cost per ticket, in time and in queries ------------------------
    alone = _orders(args.kots)
    Kot.objects.filter(pk__in=[k.pk for k in open_kots]).update(seen_at=timezone.now())
    later = timezone.now() + timedelta(seconds=31)
    with CaptureQueriesContext(connection) as ctx:
        started = time.perf_counter()
        handled_alone = kots_unseen_handle(now=later)
        alone_s = time.perf_counter() - started
    alone_queries = len(ctx.captured_queries)
    floor_now = []
    for _ in range(50):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        floor_now.append(time.perf_counter() - started)
    floor_now_ms = _ms(statistics.median(floor_now))

    # --- due: two timers (two hub_workers) race over the same tickets, round after round
    due = _orders(args.kots)
    later = timezone.now() + timedelta(seconds=31)
    handled: list[list[int]] = [[], []]

    def timer(slot: int) -> None:
        try:
            while True:
                done = kots_unseen_handle(now=later)
                handled[slot] += done
                if not done and not kots_unseen_due(now=later):
                    return
        finally:
            close_old_connections()

    threads = [threading.Thread(target=timer, args=(slot,)) for slot in (0, 1)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    expected = {k.pk for k in due}
    every_unseen = set(handled[0]) | set(handled[1])
    doubled = len(handled[0]) + len(handled[1]) - len(every_unseen)
    events = Event.objects.filter(type="kot.unseen", data__kot_id__in=sorted(expected))
    unseen_events = {
        stream: events.filter(stream=stream).count() for stream in ("expo.1", "orders.1")
    }
    jobs = PrintJob.objects.filter(kot_id__in=expected).count()

    # --- GET /expo over the open orders ------------------------------------------------
    client = Client(
        HTTP_AUTHORIZATION=f"Bearer {token_issue(staff=Staff.objects.get(username='waiter'))}"
    )

    def expo() -> tuple[float, int, int]:
        times = []
        for _ in range(5):
            with CaptureQueriesContext(connection) as ctx:
                started = time.perf_counter()
                body = client.get("/api/v1/pos/expo?per_page=100").json()
                times.append(time.perf_counter() - started)
            assert body["success"], body
        return _ms(statistics.median(times)), len(ctx.captured_queries), body["meta"]["total"]

    expo_ms, expo_queries, expo_orders = expo()

    result = {
        "idle_round": {
            "open_kots": args.open,
            "median_ms": idle_ms,
            "floor_select1_ms": floor_ms,
            "ratio_to_floor": round(idle_ms / floor_ms, 1) if floor_ms else None,
        },
        "due_one_timer": {
            "due_kots": len(alone),
            "handled": len(handled_alone),
            "ms_per_kot": _ms(alone_s / max(1, len(handled_alone))),
            "queries_per_kot": round(alone_queries / max(1, len(handled_alone)), 1),
            "floor_select1_ms": floor_now_ms,
            "ms_per_kot_in_round_trips": round(
                alone_s / max(1, len(handled_alone)) * 1000 / floor_now_ms, 1
            )
            if floor_now_ms
            else None,
        },
        "due_two_timers": {
            "due_kots": len(expected),
            "wall_s": round(wall, 3),
            "ms_per_kot": _ms(wall / len(expected)),
            "handled_by_each": [len(handled[0]), len(handled[1])],
            "handled_total": len(every_unseen),
            "doubled": doubled,
            "missed": len(expected - every_unseen),
            "print_jobs": jobs,
            "kot_unseen_events": unseen_events,
        },
        "get_expo": {
            "orders_listed": expo_orders,
            "page": 100,
            "median_ms": expo_ms,
            "queries": expo_queries,
        },
    }
    print(json.dumps(result, indent=2))
    ok = (
        doubled == 0
        and not result["due_two_timers"]["missed"]
        and len(handled_alone) == len(alone)
        and jobs == len(expected)
        and set(unseen_events.values()) == {len(expected)}
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
