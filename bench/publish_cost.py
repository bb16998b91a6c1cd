"""What one publish from sync code costs: naive async_to_sync(group_send) vs the publisher thread.

docs/realtime.md ("Publishing"). channels-redis keeps its Redis connections per
event loop, and async_to_sync from plain sync code (no outer event loop: a
management command, the print dispatcher, a test) runs every call on a fresh
loop, so every publish connects to Redis anew (channels-redis issues #100, #125).
realtime.publish.Publisher keeps one loop in one thread for the whole process.

Usage: REDIS_URL=redis://127.0.0.1:6379/0 python -m bench.publish_cost [--n 500]
Prints one JSON document: per approach the wall time, microseconds per publish as
seen by the caller, Redis connections opened by this process, and how many of the
messages a group member actually received.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hub.settings")
    import django

    django.setup()


class ConnectCounter:
    """Counts TCP connections redis-py opens in this process."""

    def __init__(self) -> None:
        import redis.asyncio.connection as connection

        self.count = 0
        self._original = connection.AbstractConnection.connect
        counter = self

        async def counting_connect(conn, *args, **kwargs):
            was_connected = conn.is_connected
            result = await counter._original(conn, *args, **kwargs)
            if not was_connected and conn.is_connected:
                counter.count += 1
            return result

        connection.AbstractConnection.connect = counting_connect

    def restore(self) -> None:
        import redis.asyncio.connection as connection

        connection.AbstractConnection.connect = self._original

    def take(self) -> int:
        value, self.count = self.count, 0
        return value


def _layer(capacity: int):
    from channels_redis.core import RedisChannelLayer
    from django.conf import settings

    config = dict(settings.CHANNEL_LAYERS["default"]["CONFIG"])
    config["capacity"] = capacity  # the bench must not measure drops
    config["prefix"] = config.get("prefix", "hub") + "-bench"
    return RedisChannelLayer(**config)


async def _join(layer, group: str) -> str:
    channel = await layer.new_channel()
    await layer.group_add(group, channel)
    return channel


async def _drain(layer, channel: str, expected: int, timeout: float = 10.0) -> int:
    received = 0
    deadline = time.monotonic() + timeout
    while received < expected and time.monotonic() < deadline:
        try:
            await asyncio.wait_for(
                layer.receive(channel), timeout=max(0.1, deadline - time.monotonic())
            )
        except TimeoutError:
            break
        received += 1
    return received


def _message(i: int) -> dict:
    return {
        "type": "hub.event",
        "event": {"type": "bench", "stream": "bench", "seq": i, "at": "", "data": {"i": i}},
    }


def run(n: int) -> dict:
    from asgiref.sync import async_to_sync

    from realtime.publish import Publisher

    counter = ConnectCounter()
    group = f"stream.bench.{os.getpid()}"
    receiver = _layer(capacity=n + 10)
    channel = asyncio.run(_join(receiver, group))
    counter.take()
    results = {}

    # 1. naive: one async_to_sync(group_send) per publish, from plain sync code
    layer = _layer(capacity=n + 10)
    started = time.perf_counter()
    for i in range(n):
        async_to_sync(layer.group_send)(group, _message(i))
    elapsed = time.perf_counter() - started
    connections = counter.take()
    received = asyncio.run(_drain(receiver, channel, n))
    counter.take()
    results["naive_async_to_sync"] = {
        "seconds": round(elapsed, 3),
        "caller_us_per_publish": round(elapsed / n * 1e6, 1),
        "publishes_per_second": round(n / elapsed),
        "redis_connections_opened": connections,
        "received": received,
    }

    # 2. the publisher thread: one loop, one pooled connection, ordered queue
    layer = _layer(capacity=n + 10)
    publisher = Publisher(layer)
    started = time.perf_counter()
    for i in range(n):
        publisher.submit([(group, _message(i))])
    handed_over = time.perf_counter() - started
    flushed = publisher.flush(timeout=60)
    elapsed = time.perf_counter() - started
    connections = counter.take()
    received = asyncio.run(_drain(receiver, channel, n))
    publisher.stop()
    counter.restore()
    results["publisher_thread"] = {
        "seconds": round(elapsed, 3),
        "caller_us_per_publish": round(handed_over / n * 1e6, 1),
        "publishes_per_second": round(n / elapsed),
        "redis_connections_opened": connections,
        "received": received,
        "flushed": flushed,
    }
    naive, ours = results["naive_async_to_sync"], results["publisher_thread"]
    results["speedup_end_to_end"] = round(naive["seconds"] / ours["seconds"], 1)
    results["speedup_for_the_caller"] = round(
        naive["caller_us_per_publish"] / ours["caller_us_per_publish"], 1
    )
    return {"n": n, "redis": os.environ.get("REDIS_URL"), **results}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="publishes per approach")
    args = parser.parse_args(argv)
    if not os.environ.get("REDIS_URL"):
        print(json.dumps({"error": "set REDIS_URL: this measures the Redis channel layer"}))
        return 2
    _setup_django()
    print(json.dumps(run(args.n), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
