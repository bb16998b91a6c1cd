"""Redis restarted while screens are connected: they reconnect, resume, and miss nothing.

A private redis-server (in memory only) carries the hub's channel layer. Screens
watch the orders and kitchen streams; orders keep flowing through REST while that
Redis is killed and started again empty (no groups, no queues). The outbox is the
truth: each screen, by its live feed, the consumer's tail check and its own resume
with `?since=`, ends with every event after its hello exactly once.
"""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async

from .conftest import PrivateRedis, ResumingScreen, call, stream_seqs, token_for

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

ORDERS = 24
KILL_AT, RESTART_AT = 6, 14  # order indexes: Redis is down for the orders in between


async def test_screens_survive_a_redis_restart_and_miss_nothing(
    async_db_released, hubs, settings, tmp_path
):
    if not settings.IS_POSTGRES:
        pytest.skip("needs PostgreSQL (DATABASE_URL); CI runs it there")
    redis = PrivateRedis(tmp_path)
    try:
        hub = await sync_to_async(hubs)(REDIS_URL=redis.url, HUB_CHANNEL_PREFIX="reliability")
        waiter = await sync_to_async(token_for)("waiter")
        chef = await sync_to_async(token_for)("chef")
        screens = {
            "orders.1": [ResumingScreen([f"{hub.ws}/ws/v1/orders/?token={waiter}"])],
            "kitchen.1": [ResumingScreen([f"{hub.ws}/ws/v1/kitchens/1/?token={chef}"])],
        }
        screens["orders.1"].append(ResumingScreen([f"{hub.ws}/ws/v1/orders/?token={waiter}"]))
        every = [s for group in screens.values() for s in group]
        for screen in every:
            screen.begin()
            await screen.connected_once()

        async with asyncio.timeout(120):
            for i in range(ORDERS):
                if i == KILL_AT:
                    await asyncio.to_thread(redis.kill)
                if i == RESTART_AT:
                    await asyncio.to_thread(redis.start)
                reply = await asyncio.to_thread(
                    call,
                    hub.http,
                    "POST",
                    "/api/v1/pos/orders",
                    token=waiter,
                    body={"order_type_id": 2, "items": [{"menu_item_id": 15, "quantity": 1}]},
                )
                assert reply.status == 201, reply  # REST does not need Redis
                order_id = reply.body["data"]["id"]
                reply = await asyncio.to_thread(
                    call, hub.http, "POST", f"/api/v1/pos/orders/{order_id}/kot", token=waiter
                )
                assert reply.status == 201, reply
                await asyncio.sleep(0.15)

        for stream, group in screens.items():
            seqs = await sync_to_async(stream_seqs)(stream)
            assert seqs == list(range(1, len(seqs) + 1))  # the outbox has no hole
            final = seqs[-1]
            for screen in group:
                assert await screen.caught_up(final, timeout=30), (stream, screen.last, final)
        await asyncio.sleep(0.5)  # nothing more may come
        for stream, group in screens.items():
            final = (await sync_to_async(stream_seqs)(stream))[-1]
            for screen in group:
                await screen.stop()
                assert screen.seqs == screen.expected(final), stream
                assert screen.oddities == []
        assert call(hub.http, "GET", "/readyz").status == 200  # the same process, recovered
    finally:
        await asyncio.to_thread(redis.stop)
