"""Redis down under a kitchen screen: the stream stays usable, then goes live again by
itself (CONTRACT 6, docs/realtime.md "When Redis is down").

A private redis-server carries the hub's channel layer. A kitchen screen stays on one
connection throughout (it never reconnects): while that Redis is killed, KOTs sent
over REST still reach it, from the outbox, in order and once each, and it answers
pings; a fresh connection during the outage completes its handshake (no HTTP 500)
and resumes with `?since=`. Redis is started again (empty): delivery is live again
(latency well under the fallback interval), and a fresh connection works at once.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import time
from datetime import datetime

import pytest
import websockets
from asgiref.sync import sync_to_async

from .conftest import PrivateRedis, call, stream_seqs, token_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

FALLBACK_SECONDS = 2.0  # the outbox poll while the layer fails (default 1 s; longer here
LIVE_LATENCY = 0.6  # so that a live delivery cannot be mistaken for a lucky poll)
KOTS_DURING_OUTAGE = 8
KOTS_AFTER = 6


class Screen:
    """One WebSocket connection, kept open: every message with the time it arrived."""

    def __init__(self, url: str):
        self.url = url
        self.hello: dict | None = None
        self.events: list[tuple[dict, float]] = []  # (event, time.time() at arrival)
        self.others: list[dict] = []
        self.close_code: int | None = None
        self.ws = None
        self.task: asyncio.Task | None = None

    async def open(self) -> Screen:
        # one attempt: an HTTP 500 or a refused handshake raises here
        self.ws = await websockets.connect(self.url, open_timeout=5, close_timeout=2)
        self.hello = json.loads(await asyncio.wait_for(self.ws.recv(), 5))
        assert self.hello["type"] == "hello", self.hello
        self.task = asyncio.create_task(self._read())
        return self

    async def _read(self) -> None:
        try:
            async for raw in self.ws:
                message = json.loads(raw)
                if "seq" in message and message.get("type") not in ("pong", "resync_required"):
                    self.events.append((message, time.time()))
                else:
                    self.others.append(message)
        except websockets.ConnectionClosed:
            pass
        self.close_code = self.ws.close_code

    @property
    def seqs(self) -> list[int]:
        return [event["seq"] for event, _ in self.events]

    def latency(self, seq: int) -> float:
        """From the event's commit (its outbox timestamp) to its arrival here."""
        for event, arrived in self.events:
            if event["seq"] == seq:
                return arrived - datetime.fromisoformat(event["at"]).timestamp()
        raise AssertionError(f"seq {seq} never arrived")

    async def has(self, seq: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.seqs and self.seqs[-1] >= seq:
                return True
            await asyncio.sleep(0.02)
        return False

    async def ping(self) -> dict:
        count = len(self.others)
        await self.ws.send(json.dumps({"type": "ping"}))
        async with asyncio.timeout(5):
            while len(self.others) == count:
                await asyncio.sleep(0.02)
        return self.others[-1]

    async def close(self) -> None:
        await self.ws.close()
        await asyncio.wait_for(self.task, 5)


def send_kot(hub, token: str) -> int:
    """A takeaway order with one kitchen-1 item, sent to the kitchen over REST."""
    reply = call(
        hub.http,
        "POST",
        "/api/v1/pos/orders",
        token=token,
        body={"order_type_id": 2, "items": [{"menu_item_id": 15, "quantity": 1}]},
    )
    assert reply.status == 201, reply  # REST does not need Redis
    reply = call(
        hub.http, "POST", f"/api/v1/pos/orders/{reply.body['data']['id']}/kot", token=token
    )
    assert reply.status == 201, reply
    return reply.body["data"]["id"]


async def kitchen_seq() -> int:
    return (await sync_to_async(stream_seqs)("kitchen.1"))[-1]


async def test_a_kitchen_screen_keeps_working_while_redis_is_down_and_goes_live_again(
    async_db_released, hubs, tmp_path
):
    redis = PrivateRedis(tmp_path)
    try:
        hub = await sync_to_async(hubs)(
            REDIS_URL=redis.url,
            HUB_CHANNEL_PREFIX="redisdown",
            HUB_STREAM_FALLBACK_SECONDS=str(FALLBACK_SECONDS),
            HUB_STREAM_TAIL_CHECK_SECONDS="600",  # only the fallback may feed it
        )
        waiter = await sync_to_async(token_for)("waiter")
        chef = await sync_to_async(token_for)("chef")
        url = f"{hub.ws}/ws/v1/kitchens/1/?token={chef}"
        screen = await Screen(url).open()
        start = screen.hello["seq"]

        # live while Redis is up; and the worker is ready with a screen on it (the probe
        # once timed out behind the screens' channel-layer reads)
        await asyncio.to_thread(send_kot, hub, waiter)
        assert await screen.has(await kitchen_seq(), timeout=5)
        live_before = [screen.latency(seq) for seq in screen.seqs]
        assert (await asyncio.to_thread(call, hub.http, "GET", "/readyz")).status == 200

        await asyncio.to_thread(redis.kill)
        outage_started = await kitchen_seq()
        fresh = None
        for i in range(KOTS_DURING_OUTAGE):
            await asyncio.to_thread(send_kot, hub, waiter)
            if i == KOTS_DURING_OUTAGE // 2:
                # a screen (re)connecting during the outage: handshake, hello, resume
                fresh = await Screen(f"{url}&since={start}").open()
                assert fresh.hello["seq"] >= outage_started
                assert (await screen.ping())["type"] == "pong"
            await asyncio.sleep(0.4)
        outage_last = await kitchen_seq()
        for each in (screen, fresh):
            assert await each.has(outage_last, timeout=FALLBACK_SECONDS + 8), each.seqs
        assert screen.close_code is None  # the same connection all along
        expected = list(range(start + 1, outage_last + 1))
        assert screen.seqs == expected  # every KOT, in order, none doubled
        assert fresh.seqs == expected  # the replay from since, then the outbox
        during = [screen.latency(seq) for seq in range(outage_started + 1, outage_last + 1)]
        assert max(during) < FALLBACK_SECONDS + 3, during

        await asyncio.to_thread(redis.start)  # empty: no groups, no queues
        first_after = await Screen(url).open()  # at once, and at the first attempt
        await asyncio.to_thread(send_kot, hub, waiter)
        seq = await kitchen_seq()
        assert await first_after.has(seq, timeout=5)
        assert first_after.latency(seq) < LIVE_LATENCY  # it joined its group at once
        recovered_after = None
        restarted_at = time.monotonic()
        while recovered_after is None:  # live again by itself, within a few rounds
            assert time.monotonic() - restarted_at < 15, "live delivery did not resume"
            await asyncio.to_thread(send_kot, hub, waiter)
            seq = await kitchen_seq()
            assert await screen.has(seq, timeout=FALLBACK_SECONDS + 3)
            if screen.latency(seq) < LIVE_LATENCY:
                recovered_after = time.monotonic() - restarted_at
            await asyncio.sleep(0.2)
        live_after: dict[str, list[float]] = {"screen": [], "fresh": [], "first_after": []}
        for _ in range(KOTS_AFTER):
            await asyncio.to_thread(send_kot, hub, waiter)
            seq = await kitchen_seq()
            for name, each in (("screen", screen), ("fresh", fresh), ("first_after", first_after)):
                assert await each.has(seq, timeout=5)
                live_after[name].append(each.latency(seq))
            await asyncio.sleep(0.3)
        for name, latencies in live_after.items():
            assert max(latencies) < LIVE_LATENCY, (name, latencies)  # live, not the poll

        final = await kitchen_seq()
        assert screen.seqs == list(range(start + 1, final + 1))
        assert fresh.seqs == list(range(start + 1, final + 1))
        assert first_after.seqs == list(range(first_after.hello["seq"] + 1, final + 1))
        # the same process, recovered, with its screens still on it
        assert (await asyncio.to_thread(call, hub.http, "GET", "/readyz")).status == 200
        for each in (screen, fresh, first_after):
            assert each.close_code is None
            await each.close()
        log = hub.log_path.read_text(errors="replace")
        assert "Exception inside application" not in log
        print(
            f"\nlive before: {[round(x, 3) for x in live_before]} s; outage: "
            f"{len(during)} KOT events sent, {len(during)} received by the screen, latency "
            f"median {statistics.median(during):.2f} s max {max(during):.2f} s "
            f"(fallback {FALLBACK_SECONDS} s); live again {recovered_after:.2f} s after the "
            f"restart; then max latency {max(max(v) for v in live_after.values()):.3f} s"
        )
    finally:
        await asyncio.to_thread(redis.stop)


async def test_the_layers_pooled_connections_work_at_once_after_a_redis_restart(settings, tmp_path):
    """channels-redis keeps a pool of redis-py connections per event loop; after Redis
    restarts, each idle one fails its next command ("Connection closed by server"), so
    the first WebSocket handshakes after a restart failed. hub/settings.py gives the
    layer one immediate retry on a fresh connection for that."""
    if "redis" not in settings.CHANNEL_LAYERS["default"]["BACKEND"].lower():
        pytest.skip("REDIS_URL is not set: the in-memory layer has no pool")
    from channels_redis.core import RedisChannelLayer

    redis = PrivateRedis(tmp_path)
    try:
        config = dict(settings.CHANNEL_LAYERS["default"]["CONFIG"], prefix="restart")
        config["hosts"] = [dict(config["hosts"][0], address=redis.url)]
        layer = RedisChannelLayer(**config)
        channel = await layer.new_channel()
        # three commands at once: three pooled connections, idle afterwards
        await asyncio.gather(*[layer.group_add(f"g{i}", channel) for i in range(3)])
        await asyncio.to_thread(redis.kill)
        await asyncio.to_thread(redis.start)
        results = await asyncio.gather(
            *[layer.group_add(f"g{i}", channel) for i in range(3)], return_exceptions=True
        )
        assert results == [None, None, None]
        await layer.flush()
    finally:
        await asyncio.to_thread(redis.stop)
